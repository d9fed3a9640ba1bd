#!/usr/bin/env node
// `npm run fuzz [-- --seconds 60] [--seed N]`: the time-bounded fuzzer.
// Writes bench/results/fuzz-latest.json; exits 1 when anything went wrong.
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { runFuzz } from './fuzz/run-fuzz.mjs';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' }, seed: { type: 'string' }, help: { type: 'boolean' } } });
if (values.help) {
  console.log('usage: npm run fuzz -- [--seconds 60] [--seed N]');
  process.exit(0);
}
const seconds = Number(values.seconds);
if (!(seconds > 0)) throw new RangeError(`--seconds must be a positive number, got ${values.seconds}`);
console.log(`fuzzing for ${seconds} s...`);
const result = await runFuzz({ seconds, seed: values.seed !== undefined ? Number(values.seed) : undefined, log: console.log });
const resultsDir = new URL('./results/', import.meta.url);
await mkdir(resultsDir, { recursive: true });
await writeFile(new URL('fuzz-latest.json', resultsDir), `${JSON.stringify({ ranAt: new Date().toISOString(), ...result }, null, 2)}\n`);
const bad = result.violations + result.crashes + result.hangs + result.leaks;
console.log(`${result.cases} cases in ${result.seconds} s: ${result.violations} contract violations, ${result.crashes} crashes, ${result.hangs} hangs, ${result.leaks} leaks`);
for (const t of result.targets) for (const p of t.firstProblems ?? []) console.log(`  ${t.target}: ${p}`);
process.exitCode = bad === 0 ? 0 : 1;
