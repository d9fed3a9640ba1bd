import { expect } from 'chai';
import fc from 'fast-check';
import { WIA_ERROR_OFFLINE, WiaDevice } from '@openwia/core';
import { SimulatedUsbBus, createVirtualCamera, type VirtualCamera } from '@openwia/testkit';
import { PtpOperation } from '../ptp-codes.js';
import { PtpCameraDriver } from '../ptp-camera-driver.js';
import { TEST_DRIVER_OPTIONS, download, type CameraRig } from './camera-rig.js';

const MOVIE = 'Root\\Internal Memory\\DCIM\\100CANON\\MVI_0001.MOV';
const MOVIE_SIZE = 300_000;

/** A rig on a fresh handle to a camera that may have been used (and unplugged) before. */
async function openOn(camera: VirtualCamera): Promise<CameraRig> {
  const driver = new PtpCameraDriver(camera.device.createTransport(), TEST_DRIVER_OPTIONS);
  const device = await WiaDevice.open(driver, { deviceId: 'sim:ptp-camera' });
  return { camera, driver, device, events: [], close: () => device.close() };
}

async function downloadsWhole(rig: CameraRig): Promise<void> {
  const { app, report } = await download(rig, MOVIE, 0);
  expect(report.outcome, String(report.error)).to.equal('completed');
  const expected = Buffer.from(rig.camera.control.objectBytes(rig.camera.control.object('MVI_0001.MOV').handle));
  expect(app.files.get('MVI_0001.MOV')!.bytes.equals(expected)).to.equal(true);
}

describe('PTP camera: unplugged and plugged in again', function () {
  this.timeout(120_000);
  const camera = createVirtualCamera({ photos: 0, largeObjects: [{ name: 'MVI_0001.MOV', size: MOVIE_SIZE }] });
  const bus = new SimulatedUsbBus();
  bus.attach(camera.device);

  it('unplugged at any byte of open or a download: WIA_ERROR_OFFLINE, and after re-attach the next session works every time', async () => {
    let unplugged = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: MOVIE_SIZE + 4096 }), fc.boolean(), async (unplugAt, duringOpen) => {
        let rig: CameraRig | undefined;
        try {
          if (!duringOpen) rig = await openOn(camera);
          camera.device.faults.unplugAfterBytes(duringOpen ? unplugAt % 2048 : unplugAt);
          rig ??= await openOn(camera).catch((err: unknown) => (expect((err as { hresult?: number }).hresult).to.equal(WIA_ERROR_OFFLINE), undefined));
          if (rig) {
            const { report } = await download(rig, MOVIE, 0);
            if (report.outcome === 'failed') expect(report.error?.hresult).to.equal(WIA_ERROR_OFFLINE);
          }
        } finally {
          await rig?.close();
          camera.device.faults.clear();
        }
        if (!camera.device.connected) unplugged++;
        bus.attach(camera.device);
        const again = await openOn(camera);
        try {
          await downloadsWhole(again);
        } finally {
          await again.close();
        }
      }),
      { numRuns: 60, seed: 15013 },
    );
    expect(unplugged, 'the property never unplugged the camera').to.be.greaterThan(30);
  });
});

describe('PTP camera: a device that kept a session, or lost ours', () => {
  it('SessionAlreadyOpened (another host left its session open): Device Reset, a new session, everything works', async () => {
    const camera = createVirtualCamera({ photos: 0, largeObjects: [{ name: 'MVI_0001.MOV', size: 5000 }] });
    const usb = camera.device.createTransport();
    const crashed = await WiaDevice.open(new PtpCameraDriver(usb, TEST_DRIVER_OPTIONS), { deviceId: 'sim:crashed' });
    await usb.close(); // the earlier host vanishes without CloseSession
    await crashed.close();
    expect(camera.control.log.some((e) => e.code === PtpOperation.CloseSession)).to.equal(false);
    const resetsBefore = camera.control.stats.deviceResets;
    const rig = await openOn(camera);
    try {
      await downloadsWhole(rig);
      expect(camera.control.stats.deviceResets).to.be.greaterThan(resetsBefore);
    } finally {
      await rig.close();
    }
  });

  it('a host that died in the middle of a download (the rest of the object still queued): the next session resynchronises and downloads it whole (it failed at once: "unknown container type")', async () => {
    const camera = createVirtualCamera({ photos: 0, largeObjects: [{ name: 'MVI_0001.MOV', size: 3_000_000 }] });
    const usb = camera.device.createTransport();
    const dying = await WiaDevice.open(new PtpCameraDriver(usb, TEST_DRIVER_OPTIONS), { deviceId: 'sim:dying' });
    // The process dies with a tenth of the movie read: the kernel lets go of its handle, nothing more is sent.
    let died = false;
    const outcome = await dying
      .acquire(MOVIE, {
        onProgress: (p) => {
          if (p.totalBytes >= 300_000 && !died) {
            died = true;
            void usb.close();
          }
        },
      })
      .then(
        (r) => r.outcome,
        (err: Error) => err.name,
      );
    expect(died).to.equal(true);
    expect(outcome).to.not.equal('completed');
    await dying.close();

    const rig = await openOn(camera);
    try {
      const { app, report } = await download(rig, MOVIE, 0);
      expect(report.outcome, String(report.error)).to.equal('completed');
      const expected = Buffer.from(camera.control.objectBytes(camera.control.object('MVI_0001.MOV').handle));
      expect(app.files.get('MVI_0001.MOV')!.bytes.equals(expected)).to.equal(true);
    } finally {
      await rig.close();
    }
  });

  it('InvalidTransactionID or SessionNotOpen mid-session: a new session, the command tried once more', async () => {
    const camera = createVirtualCamera({ photos: 0, largeObjects: [{ name: 'MVI_0001.MOV', size: 5000 }] });
    const rig = await openOn(camera);
    try {
      for (const how of ['ids-moved-on', 'closed'] as const) {
        camera.control.loseSession(how);
        await downloadsWhole(rig);
      }
      const opens = camera.control.log.filter((e) => e.code === PtpOperation.OpenSession);
      expect(opens.length).to.be.greaterThanOrEqual(3);
    } finally {
      await rig.close();
    }
  });
});
