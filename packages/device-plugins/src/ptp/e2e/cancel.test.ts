import { expect } from 'chai';
import fc from 'fast-check';
import {
  S_FALSE,
  S_OK,
  WIA_TRANSFER_ACQUIRE_CHILDREN,
  WIA_TRANSFER_MSG_END_OF_STREAM,
  WIA_TRANSFER_MSG_STATUS,
  type TransferReport,
} from '@openwia/core';
import type { VirtualCameraOptions } from '@openwia/testkit';
import { PtpOperation } from '../ptp-codes.js';
import { cameraBytes, download, openCameraRig, startDownload, type CameraRig, type RecordingApp } from './camera-rig.js';

const MiB = 1024 * 1024;
const MOVIE = 'Root\\Internal Memory\\DCIM\\100CANON\\MVI_0001.MOV';

/** The contract every cancelled transfer must meet, as the app sees it. */
function expectCancelled(report: TransferReport, app: RecordingApp): void {
  expect(report.outcome).to.equal('cancelled');
  expect(report.hresult).to.equal(S_FALSE);
  expect(report.violations).to.deep.equal([]);
  expect(report.deviceNeedsReset).to.equal(false);
  app.expectNothingAfterCancel();
}

/** After a cancel the camera works: the movie downloads whole and exact. */
async function expectRecovered(rig: CameraRig): Promise<void> {
  const { app, report } = await download(rig, MOVIE, 0);
  expect(report.outcome, String(report.error)).to.equal('completed');
  expect(app.files.get('MVI_0001.MOV')!.bytes.equals(cameraBytes(rig, 'MVI_0001.MOV'))).to.equal(true);
  expect(rig.driver.camera.session.needsRecovery).to.equal(false);
}

/** The transaction id of the last GetPartialObject the camera saw. */
function lastReadTransaction(rig: CameraRig): number {
  return rig.camera.control.log.filter((e) => e.code === PtpOperation.GetPartialObject).at(-1)!.transactionId;
}

/** Cancels once the app has `bytes` of the current item. */
function cancelAfter(bytes: number) {
  return (params: { lMessage: number; ulTransferredBytes: number }, _t: unknown, app: RecordingApp): undefined => {
    if (params.lMessage === WIA_TRANSFER_MSG_STATUS && params.ulTransferredBytes >= bytes) app.cancel();
    return undefined;
  };
}

async function openMovieCamera(options: VirtualCameraOptions = {}): Promise<CameraRig> {
  return openCameraRig({ photos: 2, largeObjects: [{ name: 'MVI_0001.MOV', size: 3 * MiB + 777 }], ...options });
}

describe('PTP camera: cancellation the still-image class way (end to end)', () => {
  let rig: CameraRig;
  afterEach(async () => rig?.close());

  it('before data: the camera holds the data phase, the app cancels, no byte arrives, the camera gets Cancel Request', async () => {
    rig = await openMovieCamera();
    rig.camera.control.faults.arm('holdData');
    const { app, report: settled } = startDownload(rig, MOVIE, 0);
    rig.camera.device.events.on('phase', (phase) => {
      if (phase === 'command') app.cancel(); // the camera has the GetPartialObject command and holds its data
    });
    const report = await settled;
    expectCancelled(report, app);
    expect(app.totalBytes()).to.equal(0);
    expect(rig.camera.control.stats.cancelRequests).to.deep.equal([lastReadTransaction(rig)]);
    expect(rig.camera.control.log.at(-1)!.outcome).to.equal('cancelled');
    await expectRecovered(rig);
  });

  it('mid-object: aborts the read in flight, Cancel Request with the transaction id, status polled to OK, stale data drained', async () => {
    rig = await openMovieCamera();
    const { app, report } = await download(rig, MOVIE, 0, { message: cancelAfter(256 * 1024) });
    expectCancelled(report, app);
    expect(report.cancelIoNotified).to.equal(true);
    const { stats, log } = rig.camera.control;
    expect(stats.cancelRequests).to.deep.equal([lastReadTransaction(rig)]);
    expect(log.at(-1)!.outcome).to.equal('cancelled');
    expect(stats.statusPolls).to.equal(3); // TransactionCancelled twice, then OK
    expect(rig.driver.camera.session.lastRecovery).to.include({ cancelRequested: true, deviceReset: false });
    expect(rig.driver.camera.session.lastRecovery!.drainedBytes).to.be.greaterThan(0);
    await expectRecovered(rig);
  });

  it('between objects: cancelling after the first photo sends no Cancel Request (nothing is in flight)', async () => {
    rig = await openMovieCamera();
    const { app, report } = await download(rig, 'Root\\Internal Memory', WIA_TRANSFER_ACQUIRE_CHILDREN, {
      message: (params, _t, recording) => {
        if (params.lMessage === WIA_TRANSFER_MSG_END_OF_STREAM) recording.cancel();
        return undefined;
      },
    });
    expectCancelled(report, app);
    expect(report.items.map((i) => i.status)).to.deep.equal(['transferred']);
    expect(app.files.get('IMG_0001.JPG')!.bytes.equals(cameraBytes(rig, 'IMG_0001.JPG'))).to.equal(true);
    expect(rig.camera.control.stats.cancelRequests).to.deep.equal([]);
    await expectRecovered(rig);
  });

  it('S_FALSE from GetNextStream cancels the whole folder transfer', async () => {
    rig = await openMovieCamera();
    const { app, report } = await download(rig, 'Root\\Internal Memory', WIA_TRANSFER_ACQUIRE_CHILDREN, {
      stream: (name) => (name === 'MVI_0001.MOV' ? S_FALSE : undefined),
    });
    expectCancelled(report, app);
    expect(app.streamRequests).to.deep.equal(['IMG_0001.JPG', 'MVI_0001.MOV']);
    await expectRecovered(rig);
  });

  it('S_FALSE from TransferCallback mid-object cancels like Cancel()', async () => {
    rig = await openMovieCamera();
    const { app, report } = await download(rig, MOVIE, 0, {
      message: (params) => (params.lMessage === WIA_TRANSFER_MSG_STATUS && params.ulTransferredBytes > 512 * 1024 ? S_FALSE : S_OK),
    });
    expectCancelled(report, app);
    expect(rig.camera.control.stats.cancelRequests).to.have.length(1);
    await expectRecovered(rig);
  });

  for (const [variant, options] of [
    ['a camera that flushes its own FIFO on cancel', { flushOnCancel: true }],
    ['a camera that also answers TransactionCancelled', { cancelledResponse: true }],
    ['a camera that is ready at once', { statusPollsAfterCancel: 0 }],
  ] as const) {
    it(`recovers the same way with ${variant}`, async () => {
      rig = await openMovieCamera(options);
      const { app, report } = await download(rig, MOVIE, 0, { message: cancelAfter(100 * 1024) });
      expectCancelled(report, app);
      await expectRecovered(rig);
    });
  }

  it('resets the device (Device Reset) when it stays busy after the cancel, then opens a new session', async () => {
    rig = await openMovieCamera();
    rig.camera.control.faults.arm('stuckBusyAfterCancel');
    const { app, report } = await download(rig, MOVIE, 0, { message: cancelAfter(64 * 1024) });
    expectCancelled(report, app);
    expect(rig.camera.control.stats.deviceResets).to.equal(1);
    expect(rig.driver.camera.session.lastRecovery).to.include({ deviceReset: true });
    await expectRecovered(rig);
    const opens = rig.camera.control.log.filter((e) => e.code === PtpOperation.OpenSession);
    expect(opens.map((e) => e.outcome)).to.deep.equal([0x2001, 0x2001]);
  });

  it('cancel at any byte of a multi-item transfer keeps the contract, and the camera works afterwards', async function () {
    this.timeout(30000);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 3 * MiB }), async (itemIndex, atByte) => {
        const local = await openMovieCamera();
        try {
          let seen = 0;
          const { app, report } = await download(local, 'Root\\Internal Memory', WIA_TRANSFER_ACQUIRE_CHILDREN, {
            stream: () => (seen++ === itemIndex ? undefined : undefined),
            message: (params, _t, recording) => {
              if (seen - 1 === itemIndex && params.lMessage === WIA_TRANSFER_MSG_STATUS && params.ulTransferredBytes >= atByte) recording.cancel();
              return undefined;
            },
          });
          if (app.cancelledAt) expectCancelled(report, app);
          else expect(report.outcome).to.equal('completed'); // the item was smaller than atByte: nothing to cancel
          await expectRecovered(local);
        } finally {
          await local.close();
        }
      }),
      { numRuns: 12 },
    );
  });
});
