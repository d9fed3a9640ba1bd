import { expect } from 'chai';
import { WIA_ERROR_BUSY, WIA_ERROR_DEVICE_COMMUNICATION, WIA_ERROR_OFFLINE, WiaError } from '@openwia/core';
import type { VirtualCameraOptions } from '@openwia/testkit';
import { PtpOperation } from '../ptp-codes.js';
import { cameraBytes, download, openCameraRig, type CameraRig } from './camera-rig.js';

const PHOTO = 'Root\\Internal Memory\\DCIM\\100CANON\\IMG_0001.JPG';
const MOVIE = 'Root\\Internal Memory\\DCIM\\100CANON\\MVI_0001.MOV';
const CAMERA: VirtualCameraOptions = { photos: 2, largeObjects: [{ name: 'MVI_0001.MOV', size: 2 * 1024 * 1024 }] };

async function expectFailure(rig: CameraRig, itemName: string, hresult: number): Promise<WiaError> {
  const { report } = await download(rig, itemName, 0);
  expect(report.outcome).to.equal('failed');
  expect(report.error).to.be.instanceOf(WiaError);
  expect(report.error!.code).to.equal(new WiaError(hresult).code);
  return report.error!;
}

async function expectWorks(rig: CameraRig, itemName: string, filename: string): Promise<void> {
  const { app, report } = await download(rig, itemName, 0);
  expect(report.outcome, String(report.error)).to.equal('completed');
  expect(app.files.get(filename)!.bytes.equals(cameraBytes(rig, filename))).to.equal(true);
}

describe('PTP camera: device faults become typed errors, and the next transfer works', () => {
  let rig: CameraRig;
  afterEach(async () => rig?.close());

  it('DeviceBusy for a while (a phone after a cancel, a camera writing a file): asked again after a pause, the download works', async () => {
    rig = await openCameraRig(CAMERA);
    rig.camera.control.respondBusy(3);
    await expectWorks(rig, PHOTO, 'IMG_0001.JPG');
    const busy = rig.camera.control.log.filter((e) => e.outcome === 0x2019);
    expect(busy).to.have.length(3);
  });

  it('a camera that stays busy past the retry bound: WIA_ERROR_BUSY, and the next transfer works', async () => {
    rig = await openCameraRig(CAMERA);
    rig.camera.control.respondBusy(1000);
    await expectFailure(rig, PHOTO, WIA_ERROR_BUSY);
    rig.camera.control.respondBusy(0);
    await expectWorks(rig, PHOTO, 'IMG_0001.JPG');
  });

  it('a stall in the middle of a data phase: the halt is cleared (Get Device Status lists it), the data drained', async () => {
    rig = await openCameraRig(CAMERA);
    rig.camera.control.faults.stallDataPhase(3);
    const cleared: number[] = [];
    rig.camera.device.events.on('clearHalt', (address) => cleared.push(address));
    await expectFailure(rig, MOVIE, WIA_ERROR_DEVICE_COMMUNICATION);
    await expectWorks(rig, MOVIE, 'MVI_0001.MOV');
    expect(cleared).to.include(0x81);
  });

  it('a command the camera stalls', async () => {
    rig = await openCameraRig(CAMERA);
    rig.camera.control.faults.arm('stallCommand');
    await expectFailure(rig, PHOTO, WIA_ERROR_DEVICE_COMMUNICATION);
    await expectWorks(rig, PHOTO, 'IMG_0001.JPG');
  });

  for (const phase of ['command', 'data', 'response']) {
    it(`unplugged at the ${phase} phase: WIA_ERROR_OFFLINE, nothing hangs, the session ends cleanly`, async () => {
      rig = await openCameraRig(CAMERA);
      rig.camera.device.faults.unplugAtPhase(phase);
      await expectFailure(rig, MOVIE, WIA_ERROR_OFFLINE);
      const again = await download(rig, PHOTO, 0);
      expect(again.report.error?.hresult).to.equal(WIA_ERROR_OFFLINE);
    });
  }

  it('unplugged after 300 000 bytes of an object: the bytes delivered stay delivered, the error is typed', async () => {
    rig = await openCameraRig(CAMERA);
    rig.camera.device.faults.unplugAfterBytes(300_000, 0x81);
    const { app, report } = await download(rig, MOVIE, 0);
    expect(report.error?.hresult).to.equal(WIA_ERROR_OFFLINE);
    const received = app.files.get('MVI_0001.MOV')!.bytes;
    expect(received.length).to.be.greaterThan(0);
    expect(received.equals(cameraBytes(rig, 'MVI_0001.MOV').subarray(0, received.length))).to.equal(true);
  });

  it('an unknown response code is a typed general error that keeps the session in step', async () => {
    rig = await openCameraRig(CAMERA);
    rig.camera.control.faults.mutateNext('response', (c) => (new DataView(c.buffer).setUint16(6, 0xa123, true), c), PtpOperation.GetPartialObject);
    const error = await download(rig, PHOTO, 0).then((r) => r.report.error);
    expect(error).to.be.instanceOf(WiaError);
    expect(rig.driver.camera.session.needsRecovery).to.equal(false);
    await expectWorks(rig, PHOTO, 'IMG_0001.JPG');
  });
});
