// Fuzz targets for the eSCL plugin: its XML parsers fed hostile documents
// directly, and whole sessions against a virtual scanner whose replies are
// hostile (open the device, scan a feeder page, close).
import fc from 'fast-check';
import { S_OK, WIA_TRANSFER_ACQUIRE_CHILDREN, WiaDevice, WiaError } from '@openwia/core';
import { EsclScannerDriver } from '@openwia/device-plugins/escl';
import { createVirtualScanner } from '@openwia/testkit';
import { countingApp } from '../lib/counting-app.mjs';
import { FuzzTally, MEMORY_BUDGET_BYTES, guardedCase } from './case-guard.mjs';
import { DecoderWorker } from './decoder-pool.mjs';
import { hostileEsclBody } from './hostile-xml.mjs';

/** A parse that takes longer than this is a hang (parses run in a worker, so a synchronous one is caught). */
const PARSE_DEADLINE_MS = 1000;

/** Hostile bodies straight into parseStatus and parseCapabilities for `ms` milliseconds. */
export async function fuzzEsclXml(ms, seed) {
  const tally = new FuzzTally('escl-xml', 'hostile eSCL XML documents (each parsed as ScannerStatus and ScannerCapabilities, in a worker with a deadline)');
  const worker = new DecoderWorker(undefined, 'escl');
  const property = fc.asyncProperty(hostileEsclBody, async (body) => {
    tally.cases++;
    const result = await worker.decode(body, PARSE_DEADLINE_MS);
    if (result.hang) {
      await worker.stop();
      return void tally.problem('hangs', `a parse of a ${body.length}-character document did not return within ${PARSE_DEADLINE_MS} ms`);
    }
    if (result.crash) return void tally.problem('crashes', result.crash);
    if (result.heldBytes > MEMORY_BUDGET_BYTES) return void tally.problem('leaks', `parsing held ${Math.round(result.heldBytes / 2 ** 20)} MiB`);
    tally.outcome(result.typedErrors === result.decoders ? 'typed-error' : result.typedErrors === 0 ? 'parsed' : 'parsed-by-one');
  });
  try {
    await worker.ready();
    tally.checkResult(await fc.check(property, { numRuns: 1e9, interruptAfterTimeLimit: ms, markInterruptAsFailure: false, ...(seed !== undefined ? { seed } : {}) }));
  } finally {
    await worker.stop();
  }
  return tally;
}

/** One session against a scanner that answers `overrides` (path → body). */
async function hostileSession(overrides) {
  const scanner = createVirtualScanner({ maxWidth: 150, maxHeight: 200, resolutions: [75], feederSheets: 2 });
  for (const [path, body] of overrides) scanner.control.bodyOverrides.set(path, body);
  const transport = scanner.device.createTransport();
  let device;
  try {
    device = await WiaDevice.open(new EsclScannerDriver(transport), { deviceId: 'fuzz:escl', graceMs: 500 });
    const app = countingApp();
    const report = await device.createTransfer('Root\\Feeder').transfer('download', WIA_TRANSFER_ACQUIRE_CHILDREN, app);
    if (report.outcome === 'failed' && !(report.error instanceof WiaError)) return { violation: `failed without a WiaError: ${report.error}` };
    if (report.violations.length) return { violation: `the eSCL plugin was reported non-conforming: ${JSON.stringify(report.violations)}` };
    return report.outcome === 'completed' && report.hresult === S_OK ? 'opened+scanned' : `opened+${report.outcome}`;
  } finally {
    await device?.close();
    if (transport.opened) await transport.close();
    scanner.device.unplug();
  }
}

const PATHS = ['/eSCL/ScannerCapabilities', '/eSCL/ScannerStatus'];

/** Whole sessions against hostile replies for `ms` milliseconds. */
export async function fuzzEsclReplies(ms, seed) {
  const tally = new FuzzTally('escl-replies', 'virtual-scanner sessions with a hostile ScannerCapabilities and/or ScannerStatus reply');
  const overrides = fc.oneof(
    fc.tuple(fc.constantFrom(...PATHS), hostileEsclBody).map(([path, body]) => [[path, body]]),
    fc.tuple(hostileEsclBody, hostileEsclBody).map(([a, b]) => [[PATHS[0], a], [PATHS[1], b]]),
  );
  const property = fc.asyncProperty(overrides, async (o) => guardedCase(tally, () => hostileSession(o)));
  tally.checkResult(await fc.check(property, { numRuns: 1e9, interruptAfterTimeLimit: ms, markInterruptAsFailure: false, ...(seed !== undefined ? { seed } : {}) }));
  return tally;
}
