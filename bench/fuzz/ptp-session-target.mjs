// Fuzz target: whole PTP sessions end to end — virtual camera → PtpCameraDriver
// → WiaDevice — against a camera that lies or goes silent:
//   hostile: one data or response container of a random operation is cut,
//            extended, bit-flipped or given a lying length;
//   silent:  the camera stops answering (bulk IN NAKs forever) when it enters
//            its k-th protocol phase.
// Oracle: open and a download of every picture end completed or with a typed
// WiaError; every item reported transferred arrived byte-exact; the contract
// watchdog reports nothing; and the case settles (the plugin's own deadline,
// 200 ms here, must end a silent camera's wait).
import fc from 'fast-check';
import { WIA_TRANSFER_ACQUIRE_CHILDREN, WiaDevice, WiaError } from '@openwia/core';
import { PtpCameraDriver } from '@openwia/device-plugins/ptp';
import { PtpOperation } from '@openwia/device-plugins/ptp/codec';
import { createVirtualCamera } from '@openwia/testkit';
import { countingApp } from '../lib/counting-app.mjs';
import { FuzzTally, guardedCase } from './case-guard.mjs';
import { createHash } from 'node:crypto';

const DRIVER_OPTIONS = { ioTimeoutMs: 200, recovery: { drainQuietMs: 10, pollIntervalMs: 1 } };
const OPERATIONS = [PtpOperation.GetDeviceInfo, PtpOperation.GetStorageIDs, PtpOperation.GetStorageInfo, PtpOperation.GetObjectHandles, PtpOperation.GetObjectInfo, PtpOperation.GetPartialObject, PtpOperation.OpenSession];

const mutation = fc.record({
  kind: fc.constantFrom('data', 'response'),
  operation: fc.constantFrom(...OPERATIONS),
  how: fc.constantFrom('cut', 'extend', 'flip', 'length'),
  at: fc.nat(),
  value: fc.integer({ min: 0, max: 0xffffffff }),
});

function mutate({ how, at, value }) {
  return (container) => {
    if (how === 'cut') return container.slice(0, at % (container.length + 1));
    if (how === 'extend') return Uint8Array.from([...container, ...new Uint8Array(1 + (at % 64)).fill(value & 0xff)]);
    if (how === 'flip') return (container[at % container.length] ^= 1 << (value % 8)), container;
    new DataView(container.buffer, container.byteOffset).setUint32(0, value, true);
    return container;
  };
}

function sha1(bytes) {
  return createHash('sha1').update(bytes).digest('hex');
}

async function session(camera, { bytesMayDiffer = false } = {}) {
  const transport = camera.device.createTransport();
  let device;
  try {
    device = await WiaDevice.open(new PtpCameraDriver(transport, DRIVER_OPTIONS), { deviceId: 'fuzz:ptp', graceMs: 2000 });
  } catch (err) {
    if (err instanceof WiaError) return `open-failed:${err.name}`;
    throw err;
  } finally {
    if (!device && transport.opened) await transport.close().catch(() => undefined);
  }
  try {
    const app = countingApp({ hash: true });
    const report = await device.createTransfer('Root').transfer('download', WIA_TRANSFER_ACQUIRE_CHILDREN, app);
    if (report.outcome === 'failed' && !(report.error instanceof WiaError)) return { violation: `failed without a WiaError: ${report.error}` };
    if (report.violations.length) return { violation: `non-conforming: ${JSON.stringify(report.violations)}` };
    for (const item of report.items) {
      if (item.status !== 'transferred') continue;
      const object = camera.control.object(item.itemName.split('\\').pop());
      const sink = app.sinks.get(item.itemName);
      if (!bytesMayDiffer && (!sink || sink.hash.digest('hex') !== sha1(camera.control.objectBytes(object.handle)))) return { violation: `${item.itemName} reported transferred but its bytes differ` };
    }
    return `download-${report.outcome}${report.error ? `:${report.error.name}` : ''}`;
  } finally {
    await device.close();
  }
}

function smallCamera() {
  return createVirtualCamera({ photos: 1, photoSize: { width: 64, height: 48 }, thumbnailSize: { width: 32, height: 24 }, largeObjects: [{ name: 'MVI_0001.MOV', size: 70_000 }] });
}

async function hostileCase(m) {
  const camera = smallCamera();
  camera.control.faults.mutateNext(m.kind, mutate(m), m.operation);
  // PTP carries no checksum: a bit flipped inside an object's payload cannot be seen by any host.
  const payloadFlip = m.how === 'flip' && m.kind === 'data' && m.operation === PtpOperation.GetPartialObject;
  return session(camera, { bytesMayDiffer: payloadFlip });
}

async function silentCase(silentAtPhase) {
  const camera = smallCamera();
  let phases = 0;
  camera.device.events.on('phase', () => {
    if (phases++ === silentAtPhase) camera.device.faults.nakForever(camera.endpoints.bulkIn);
  });
  return session(camera);
}

/** Hostile and silent cameras through whole sessions for `ms` milliseconds. */
export async function fuzzPtpSessions(ms, seed) {
  const tally = new FuzzTally('ptp-sessions', 'whole sessions (open + download all) against a camera with one hostile container, or one that goes silent at a random phase');
  const cases = fc.oneof(mutation.map((m) => ({ kind: 'hostile', m })), fc.integer({ min: 0, max: 40 }).map((phase) => ({ kind: 'silent', phase })));
  const property = fc.asyncProperty(cases, async (c) => guardedCase(tally, () => (c.kind === 'hostile' ? hostileCase(c.m) : silentCase(c.phase))));
  tally.checkResult(await fc.check(property, { numRuns: 1e9, interruptAfterTimeLimit: ms, markInterruptAsFailure: false, ...(seed !== undefined ? { seed } : {}) }));
  return tally;
}
