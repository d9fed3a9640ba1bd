#!/usr/bin/env node
// Runs the README's quick start and "try the command" lines, literally, in a fresh clone of this
// repository outside the workspace: proof that a new user's first commands work as printed
// (e.g. that `npx openwia` is linked by the first `npm install`). `npm run check:readme`.
// `npm test` from the quick start is left to CI's own run of it in the checkout.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The lines of the first ```sh block after `heading` (a line of the README). */
function shBlockAfter(heading) {
  const at = readme.indexOf(heading);
  if (at < 0) throw new Error(`README.md has no "${heading}"`);
  const block = /```sh\n([^]*?)```/.exec(readme.slice(at));
  if (!block) throw new Error(`README.md has no sh block after "${heading}"`);
  return block[1].split('\n').filter((line) => line.trim() !== '');
}

const quickStart = shBlockAfter('## Quick start').filter((line) => line.trim() !== 'npm test');
const tryLines = shBlockAfter('Try the command yourself');
const helpLine = /\(`(npx openwia --help)`\)/.exec(readme)?.[1];
if (!helpLine) throw new Error('README.md no longer offers `npx openwia --help`');

const clone = mkdtempSync(join(tmpdir(), 'openwia-readme-'));
let failed = 0;
try {
  execFileSync('git', ['clone', '--quiet', '--no-hardlinks', root, clone], { stdio: 'inherit' });
  for (const line of [...quickStart, helpLine, ...tryLines]) {
    console.log(`\n$ ${line}`);
    const started = performance.now();
    const run = spawnSync('bash', ['-c', line], { cwd: clone, encoding: 'utf8', env: { ...process.env, npm_config_prefer_offline: 'true', npm_config_fund: 'false', npm_config_audit: 'false' } });
    const output = `${run.stdout}${run.stderr}`;
    console.log(output.trim().split('\n').slice(-4).join('\n'));
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (run.status === 0 && output.trim() !== '') console.log(`ok (${seconds} s)`);
    else {
      failed++;
      console.log(`FAILED: exit ${run.status}${run.signal ? ` (${run.signal})` : ''} after ${seconds} s`);
    }
  }
  const scans = join(clone, 'scans');
  const pages = existsSync(scans) ? readdirSync(scans).filter((f) => f.endsWith('.jpg')).length : 0;
  if (pages === 0) {
    failed++;
    console.log('FAILED: the README\'s acquire line left no pages in ./scans');
  }
  console.log(`\nREADME check: ${failed === 0 ? 'every line works as printed on a fresh clone' : `${failed} problem(s)`}`);
} finally {
  rmSync(clone, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
