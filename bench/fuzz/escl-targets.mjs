// Fuzz targets for the eSCL plugin: its XML parsers fed hostile documents
// directly, and whole sessions against a virtual scanner whose replies are
// hostile (open the device, scan a feeder page, close).
import fc from 'fast-check';
import { S_OK, WIA_ERROR_DEVICE_COMMUNICATION, WIA_TRANSFER_ACQUIRE_CHILDREN, WiaDevice, WiaError } from '@openwia/core';
import { EsclScannerDriver, EsclXmlError, parseCapabilities, parseStatus } from '@openwia/device-plugins';
import { createVirtualScanner } from '@openwia/testkit';
import { countingApp } from '../lib/counting-app.mjs';
import { FuzzTally, activeResources, guardedCase, leakedSince } from './case-guard.mjs';
import { hostileEsclBody } from './hostile-xml.mjs';

/** A parse must give a value or an EsclXmlError (WIA_ERROR_DEVICE_COMMUNICATION); it must not take long. */
function parseOutcome(parse) {
  const t0 = performance.now();
  try {
    parse();
    return { label: 'parsed', ms: performance.now() - t0 };
  } catch (err) {
    const typed = err instanceof EsclXmlError && err.hresult === WIA_ERROR_DEVICE_COMMUNICATION;
    return typed ? { label: 'typed-error', ms: performance.now() - t0 } : { crash: err };
  }
}

/** Hostile bodies straight into parseStatus and parseCapabilities for `ms` milliseconds. */
export async function fuzzEsclXml(ms, seed) {
  const tally = new FuzzTally('escl-xml', 'hostile eSCL XML documents (each parsed as ScannerStatus and ScannerCapabilities)');
  const property = fc.property(hostileEsclBody, (body) => {
    const before = activeResources();
    for (const parse of [() => parseStatus(body), () => parseCapabilities(body)]) {
      tally.cases++;
      const result = parseOutcome(parse);
      if (result.crash) tally.problem('crashes', result.crash?.stack ?? result.crash);
      else if (result.ms > 1000) tally.problem('hangs', `a parse took ${result.ms.toFixed(0)} ms`);
      else tally.outcome(result.label);
    }
    const leaks = leakedSince(before);
    if (leaks.length) tally.problem('leaks', leaks.join(', '));
  });
  tally.checkResult(fc.check(property, { numRuns: 1e9, interruptAfterTimeLimit: ms, markInterruptAsFailure: false, ...(seed !== undefined ? { seed } : {}) }));
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
