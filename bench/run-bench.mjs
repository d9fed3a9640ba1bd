#!/usr/bin/env node
// `npm run bench [-- --quick] [--install-sane] [--only throughput,cancel,...]`
// Runs every benchmark, writes bench/results/latest.json and prints a
// Markdown table. Figures are ratios and distributions taken in one run, so
// that a noisy machine shifts both sides of a comparison alike.
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { runFuzz } from './fuzz/run-fuzz.mjs';
import { describeEnvironment } from './lib/environment.mjs';
import { resultTable } from './lib/report-table.mjs';
import { measureCancelLatency } from './suites/cancel-latency.mjs';
import { measureMemory } from './suites/memory.mjs';
import { measurePropertyRate } from './suites/property-rate.mjs';
import { measureRealUsb } from './suites/real-usb.mjs';
import { measureSane } from './suites/sane.mjs';
import { measureScale } from './suites/scale.mjs';
import { measureServe } from './suites/serve.mjs';
import { measureStartup } from './suites/startup.mjs';
import { measureThroughput } from './suites/throughput.mjs';

const SUITES = ['throughput', 'cancel', 'memory', 'scale', 'sane', 'startup', 'serve', 'reliability', 'real-usb'];
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'install-sane': { type: 'boolean', default: false },
    only: { type: 'string' },
    'fuzz-seconds': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(`usage: npm run bench -- [--quick] [--install-sane] [--only ${SUITES.join(',')}] [--fuzz-seconds N]`);
  process.exit(0);
}
const only = new Set(values.only ? values.only.split(',') : SUITES);
for (const name of only) if (!SUITES.includes(name)) throw new RangeError(`unknown suite ${name}; choose from ${SUITES.join(', ')}`);
const quick = values.quick;
const resultsDir = new URL('./results/', import.meta.url);

/** Runs one suite with a progress line on stderr. */
async function suite(name, run) {
  if (!only.has(name)) return undefined;
  const t0 = performance.now();
  process.stderr.write(`bench: ${name}...`);
  const result = await run();
  process.stderr.write(` ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return result;
}

async function lastLongFuzz() {
  try {
    const f = JSON.parse(await readFile(new URL('fuzz-latest.json', resultsDir), 'utf8'));
    return { ranAt: f.ranAt, seconds: f.seconds, cases: f.cases, violations: f.violations, crashes: f.crashes, hangs: f.hangs, leaks: f.leaks, targets: f.targets.map((t) => (t.skipped ? { target: t.target, skipped: t.skipped } : { target: t.target, cases: t.cases })) };
  } catch {
    return undefined;
  }
}

async function reliability() {
  const fuzzSeconds = Number(values['fuzz-seconds'] ?? (quick ? 4 : 15));
  const result = { propertyRate: await measurePropertyRate({ quick }), fuzz: await runFuzz({ seconds: fuzzSeconds }) };
  const last = await lastLongFuzz();
  if (last) result.lastLongFuzz = last;
  return result;
}

const started = performance.now();
const results = { ranAt: new Date().toISOString(), quick, environment: describeEnvironment() };
results.throughput = await suite('throughput', () => measureThroughput({ quick }));
results.cancelLatencyMs = await suite('cancel', () => measureCancelLatency({ quick }));
results.memory = await suite('memory', () => measureMemory({ quick }));
results.scale = await suite('scale', () => measureScale({ quick }));
results.sane = await suite('sane', () => measureSane({ quick, installSane: values['install-sane'] }));
results.startup = await suite('startup', () => measureStartup({ quick }));
results.serve = await suite('serve', () => measureServe({ quick }));
results.reliability = await suite('reliability', reliability);
results.realUsb = await suite('real-usb', () => measureRealUsb({ quick }));
results.totalSeconds = Number(((performance.now() - started) / 1000).toFixed(1));

await mkdir(resultsDir, { recursive: true });
await writeFile(new URL('latest.json', resultsDir), `${JSON.stringify(results, null, 2)}\n`);
console.log(resultTable(results));
if (results.realUsb) console.log(`\nreal USB stack (umockdev): ${JSON.stringify(results.realUsb)}`);
console.log(`\n${results.totalSeconds} s; full figures in bench/results/latest.json`);
const fuzz = results.reliability?.fuzz;
if (fuzz && fuzz.violations + fuzz.crashes + fuzz.hangs + fuzz.leaks > 0) process.exitCode = 1;
