#!/usr/bin/env node
// `npm start`: what a user would type to acquire from both simulated devices, then one summary line.
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const cli = join('packages', 'cli', 'bin', 'openwia.js');
const config = join('scripts', 'start-sim-config.json');
const out = 'out';
console.log(`npm start: acquiring from the simulated camera and scanner into ./${out} (replacing what an earlier npm start left there)`);
rmSync(out, { recursive: true, force: true });

const runs = [
  ['sim:camera', join(out, 'camera')],
  ['sim:scanner', join(out, 'scanner')],
];
const started = performance.now();
let failed = 0;
for (const [device, dir] of runs) {
  console.log(`\n$ openwia acquire ${device} --sim-config ${config} --out ${dir}`);
  const run = spawnSync(process.execPath, [cli, 'acquire', device, '--sim-config', config, '--out', dir], { stdio: 'inherit' });
  if (run.status !== 0) failed++;
}

const files = runs.flatMap(([, dir]) => readdirSync(dir).map((name) => statSync(join(dir, name)).size));
const mb = files.reduce((a, b) => a + b, 0) / 1e6;
const seconds = (performance.now() - started) / 1000;
console.log(`\nnpm start: ${files.length} files, ${mb.toFixed(2)} MB from sim:camera and sim:scanner into ./${out} in ${seconds.toFixed(1)} s${failed ? `; ${failed} acquisition(s) failed` : ''}`);
process.exitCode = failed ? 1 : 0;
