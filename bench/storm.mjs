#!/usr/bin/env node
// Storm: N virtual eSCL scanners in one process, each running acquire/cancel
// cycles back to back for a while (flatbed and feeder, cancelled at a random
// byte, at a random moment, at once, or not at all). Prints the figures as
// JSON: cycles, outcomes, settle times, and the violations the issue names —
// an acquire that does not settle within the bound, WIA_ERROR_BUSY from an
// earlier acquire that has not let go, an untyped throw out of acquire() (the
// "char 'H' is not expected" desync), memory and listeners that grow.
//
//   node bench/storm.mjs [--seconds 60] [--devices 32] [--bound-ms 15000] [--seed N]
import { parseArgs } from 'node:util';
import { EventEmitter } from 'node:events';
import { WIA_ERROR_BUSY, WiaDevice, WiaError, hresultName } from '@openwia/core';
import { EsclScannerDriver } from '@openwia/device-plugins/escl';
import { createVirtualScanner } from '@openwia/testkit';
import { seededRandom } from './lib/seeded-random.mjs';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    devices: { type: 'string', default: '32' },
    'bound-ms': { type: 'string', default: '15000' },
    seed: { type: 'string' },
  },
});
const seconds = Number(values.seconds);
const deviceCount = Number(values.devices);
const boundMs = Number(values['bound-ms']);
const firstSeed = Number(values.seed ?? Date.now() % 2 ** 31);
const random = seededRandom(firstSeed);

const figures = {
  seed: firstSeed,
  devices: deviceCount,
  seconds,
  boundMs,
  cycles: 0,
  outcomes: {},
  settleMs: [],
  unsettled: 0,
  busyAfterSettle: 0,
  /** acquire() rejected with something other than its AbortError (it resolves with a typed result otherwise). */
  thrown: 0,
  untypedThrows: 0,
  examples: [],
};

function count(label) {
  figures.outcomes[label] = (figures.outcomes[label] ?? 0) + 1;
}

function note(kind, detail) {
  if (figures.examples.length < 12) figures.examples.push(`${kind}: ${detail}`);
}

/** One cycle: an acquire, cancelled (or not) as the dice say; resolves with its label. */
async function cycle(fixture) {
  const feeder = random() < 0.5;
  if (feeder && fixture.scanner.control.feederSheets === 0) fixture.scanner.control.loadFeeder(3);
  const controller = new AbortController();
  const mode = ['none', 'byte', 'time', 'at-once'][Math.floor(random() * 4)];
  const cancelAt = Math.floor(random() * 12_000);
  let timer;
  if (mode === 'time') timer = setTimeout(() => controller.abort(), Math.floor(random() * 30));
  if (mode === 'at-once') queueMicrotask(() => controller.abort());
  const onProgress = (p) => {
    if (mode === 'byte' && p.totalBytes >= cancelAt) controller.abort();
  };
  const started = performance.now();
  const run = fixture.device.acquire(feeder ? 'Root\\Feeder' : 'Root\\Flatbed', { signal: controller.signal, onProgress }).then(
    (result) => (result.outcome === 'failed' || result.outcome === 'no-media' ? `${result.outcome}:${hresultName(result.hresult)}` : result.outcome),
    (err) => {
      if (err?.name === 'AbortError') return 'cancelled';
      figures.thrown++;
      note('thrown out of acquire()', `${err?.name}: ${String(err?.message).slice(0, 200)}`);
      if (err instanceof WiaError) return `threw:${err.name}:${hresultName(err.hresult)}`;
      figures.untypedThrows++;
      note('untyped throw', String(err?.stack ?? err).slice(0, 300));
      return `threw:${err?.name ?? typeof err}`;
    },
  );
  let bound;
  const verdict = await Promise.race([run, new Promise((resolve) => (bound = setTimeout(() => resolve('unsettled'), boundMs)))]);
  clearTimeout(bound);
  clearTimeout(timer);
  if (verdict === 'unsettled') {
    figures.unsettled++;
    note('unsettled', `${feeder ? 'feeder' : 'flatbed'} cancel=${mode}`);
    return `${await run} (late)`;
  }
  figures.settleMs.push(performance.now() - started);
  return verdict;
}

async function openDevice(index) {
  const scanner = createVirtualScanner({ maxWidth: 300, maxHeight: 400, resolutions: [75, 150, 300], feederSheets: 3, chunkSize: 2048, jobHistory: 64 });
  const driver = new EsclScannerDriver(scanner.device.createTransport());
  const device = await WiaDevice.open(driver, { deviceId: `storm:${index}` });
  return { scanner, driver, device };
}

function percentile(sorted, p) {
  return sorted.length ? Number(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)].toFixed(1)) : null;
}

const fixtures = await Promise.all(Array.from({ length: deviceCount }, (_, i) => openDevice(i)));
const memoryBefore = process.memoryUsage();
const listenersBefore = EventEmitter.listenerCount ? process.listenerCount('warning') : 0;
let warnings = 0;
process.on('warning', () => warnings++);
const deadline = performance.now() + seconds * 1000;
const t0 = performance.now();
await Promise.all(
  fixtures.map(async (fixture) => {
    let previous;
    while (performance.now() < deadline) {
      const label = await cycle(fixture);
      figures.cycles++;
      count(label);
      if (label.includes('WIA_ERROR_BUSY')) {
        figures.busyAfterSettle++;
        note('busy after settle', `previous ${previous}, now ${label}`);
      }
      previous = label;
    }
  }),
);
const wallMs = performance.now() - t0;
for (const fixture of fixtures) await fixture.device.close();
const memoryAfter = process.memoryUsage();
const sorted = figures.settleMs.sort((a, b) => a - b);
const report = {
  ...figures,
  settleMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: percentile(sorted, 100), n: sorted.length },
  cyclesPerSecond: Number((figures.cycles / (wallMs / 1000)).toFixed(1)),
  retiredInterfaces: fixtures.reduce((n, f) => n + f.driver.retiredInterfaces.length, 0),
  heapGrowthMiB: Number(((memoryAfter.heapUsed - memoryBefore.heapUsed) / 2 ** 20).toFixed(1)),
  rssMiB: Number((memoryAfter.rss / 2 ** 20).toFixed(1)),
  processWarnings: warnings,
  warningListenersBefore: listenersBefore,
  verdict: figures.unsettled === 0 && figures.busyAfterSettle === 0 && figures.thrown === 0 ? 'held' : 'failed',
};
console.log(JSON.stringify(report, null, 2));
process.exitCode = report.verdict === 'held' ? 0 : 1;
void WIA_ERROR_BUSY;
