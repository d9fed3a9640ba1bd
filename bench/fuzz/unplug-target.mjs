// Fuzz target: unplug points. The device vanishes after a random number of
// bytes — on the bench device during a multi-item transfer (strict oracle:
// WIA_ERROR_OFFLINE, and every item reported transferred arrived whole and
// intact), and on the virtual eSCL scanner during open + a feeder scan
// (typed errors only).
import fc from 'fast-check';
import { S_OK, WIA_ERROR_OFFLINE, WIA_TRANSFER_ACQUIRE_CHILDREN, WiaDevice, WiaError } from '@openwia/core';
import { EsclScannerDriver } from '@openwia/device-plugins/escl';
import { createVirtualScanner } from '@openwia/testkit';
import { countingApp } from '../lib/counting-app.mjs';
import { ITEM_STREAM, expectedItemHash } from '../lib/item-stream-device.mjs';
import { openRig } from '../lib/rig.mjs';
import { FuzzTally, guardedCase } from './case-guard.mjs';

/** What the app received must agree with the report and with the device's bytes. */
function checkBenchUnplug(report, app, itemSizes, unplugAt) {
  const total = itemSizes.reduce((a, b) => a + b, 0);
  if (report.outcome === 'failed' && report.error?.hresult !== WIA_ERROR_OFFLINE) return `failed with ${report.error}, not WIA_ERROR_OFFLINE`;
  if (report.outcome !== 'failed' && report.outcome !== 'completed') return `outcome ${report.outcome} after an unplug at byte ${unplugAt}`;
  if (report.outcome === 'completed' && unplugAt < total) return `completed although the device left after ${unplugAt} of ${total} bytes`;
  if (app.bytes > unplugAt) return `${app.bytes} bytes delivered but only ${unplugAt} crossed the wire`;
  for (const item of report.items) {
    const index = Number(item.itemName.slice(4));
    const sink = app.sinks.get(item.itemName);
    const intact = sink && sink.bytes === itemSizes[index] && sink.hash.digest('hex') === expectedItemHash(index, itemSizes[index]);
    if (item.status === 'transferred' && !intact) return `${item.itemName} reported transferred but arrived incomplete or corrupt`;
  }
  return undefined;
}

async function benchDeviceUnplug({ itemSizes, unplugAt, readSize }) {
  const rig = await openRig({ itemSizes, readSize });
  try {
    rig.device.faults.unplugAfterBytes(unplugAt, ITEM_STREAM.dataIn);
    const app = countingApp({ hash: true });
    const report = await rig.wia.createTransfer(rig.folder).transfer('download', WIA_TRANSFER_ACQUIRE_CHILDREN, app);
    const problem = checkBenchUnplug(report, app, itemSizes, unplugAt);
    return problem ? { violation: problem } : `bench:${report.outcome}`;
  } finally {
    await rig.wia.close();
    await rig.transport.close().catch(() => undefined);
  }
}

async function scannerUnplug({ unplugAt }) {
  const scanner = createVirtualScanner({ maxWidth: 150, maxHeight: 200, resolutions: [75], feederSheets: 3 });
  scanner.device.faults.unplugAfterBytes(unplugAt);
  const transport = scanner.device.createTransport();
  let device;
  try {
    device = await WiaDevice.open(new EsclScannerDriver(transport), { deviceId: 'fuzz:escl', graceMs: 500 });
    const report = await device.createTransfer('Root\\Feeder').transfer('download', WIA_TRANSFER_ACQUIRE_CHILDREN, countingApp());
    if (report.outcome === 'failed' && !(report.error instanceof WiaError)) return { violation: `failed without a WiaError: ${report.error}` };
    if (report.violations.length) return { violation: `non-conforming: ${JSON.stringify(report.violations)}` };
    return report.hresult === S_OK ? 'escl:completed' : `escl:${report.outcome}:${report.error?.name ?? ''}`;
  } finally {
    await device?.close();
    if (transport.opened) await transport.close().catch(() => undefined);
  }
}

/** Unplug points for `ms` milliseconds. */
export async function fuzzUnplugPoints(ms, seed) {
  const tally = new FuzzTally('unplug-points', 'unplugs at a random byte (bench device mid-transfer; virtual eSCL scanner during open or a feeder scan)');
  const benchCase = fc
    .record({ itemSizes: fc.array(fc.integer({ min: 1, max: 300_000 }), { minLength: 1, maxLength: 5 }), readSize: fc.constantFrom(512, 4096, 65536), fraction: fc.double({ min: 0, max: 1.05, noNaN: true }) })
    .map((c) => ({ kind: 'bench', ...c, unplugAt: Math.floor(c.fraction * c.itemSizes.reduce((a, b) => a + b, 0)) }));
  const scannerCase = fc.integer({ min: 0, max: 30_000 }).map((unplugAt) => ({ kind: 'scanner', unplugAt }));
  const property = fc.asyncProperty(fc.oneof(benchCase, scannerCase), async (c) => guardedCase(tally, () => (c.kind === 'bench' ? benchDeviceUnplug(c) : scannerUnplug(c))));
  tally.checkResult(await fc.check(property, { numRuns: 1e9, interruptAfterTimeLimit: ms, markInterruptAsFailure: false, ...(seed !== undefined ? { seed } : {}) }));
  return tally;
}
