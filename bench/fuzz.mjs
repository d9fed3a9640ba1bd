#!/usr/bin/env node
// `npm run fuzz [-- --seconds 60] [--seed N] [--prove-checks]`: the time-bounded fuzzer.
// Writes bench/results/fuzz-latest.json; exits 1 when anything went wrong.
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { provePlantedFaults } from './fuzz/planted.mjs';
import { runFuzz } from './fuzz/run-fuzz.mjs';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' }, seed: { type: 'string' }, 'prove-checks': { type: 'boolean' }, help: { type: 'boolean' } } });
if (values.help) {
  console.log('usage: npm run fuzz -- [--seconds 60] [--seed N] [--prove-checks]');
  console.log('  --prove-checks  first run one planted fault per check and fail when a check does not fire');
  process.exit(0);
}
if (values['prove-checks']) {
  console.log('planted faults (each check must fire):');
  const silent = (await provePlantedFaults(console.log)).filter((r) => !r.fired);
  if (silent.length) {
    console.log(`${silent.length} check(s) did not fire: ${silent.map((r) => r.plant).join(', ')}`);
    process.exit(1);
  }
}
const seconds = Number(values.seconds);
if (!(seconds > 0)) throw new RangeError(`--seconds must be a positive number, got ${values.seconds}`);
console.log(`fuzzing for ${seconds} s...`);
const result = await runFuzz({ seconds, seed: values.seed !== undefined ? Number(values.seed) : undefined, log: console.log });
const resultsDir = new URL('./results/', import.meta.url);
await mkdir(resultsDir, { recursive: true });
await writeFile(new URL('fuzz-latest.json', resultsDir), `${JSON.stringify({ ranAt: new Date().toISOString(), ...result }, null, 2)}\n`);
const bad = result.violations + result.crashes + result.hangs + result.leaks + result.failures;
console.log(`${result.cases} cases in ${result.seconds} s: ${result.violations} contract violations, ${result.crashes} crashes, ${result.hangs} hangs, ${result.leaks} leaks, ${result.failures} failed properties`);
for (const t of result.targets) for (const p of t.firstProblems ?? []) console.log(`  ${t.target}: ${p}`);
process.exitCode = bad === 0 ? 0 : 1;
