#!/usr/bin/env node
// Debian's sane-airscan (a real eSCL client) against the virtual scanner:
// the testkit's eSCL server, which normally runs over simulated IPP-USB, is
// bound to loopback TCP here, and `scanimage` scans from it through airscan
// — flatbed, feeder, duplex feeder, and a scan cancelled by SIGINT. Prints
// what each run produced and what the scanner saw, as JSON.
//
//   node bench/sane/airscan-virtual-scanner.mjs
// Needs scanimage (sane-utils) and sane-airscan (apt-get install -y sane-utils sane-airscan).
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVirtualScanner } from '@openwia/testkit';

const scanner = createVirtualScanner({ feederSheets: 3, duplex: true, resolutions: [75, 150, 300], scanDelayMs: 0 });
const { server, control } = scanner;
await new Promise((resolve) => server.server.listen(0, '127.0.0.1', resolve));
const port = server.server.address().port;
const requests = [];
control.on('request', (method, path, status) => requests.push(`${method} ${path} ${status}`));

// A SANE configuration of our own: only the airscan backend, only this device.
const configDir = await mkdtemp(join(tmpdir(), 'openwia-airscan-'));
await writeFile(join(configDir, 'dll.conf'), 'airscan\n');
await writeFile(join(configDir, 'airscan.conf'), `[devices]\n"OpenWIA Virtual" = http://127.0.0.1:${port}/eSCL, eSCL\n[options]\ndiscovery = disable\n`);
const env = { ...process.env, SANE_CONFIG_DIR: configDir };
const device = 'airscan:e0:OpenWIA Virtual';

/** Runs scanimage; with `interrupt`, SIGINT goes to it 300 ms after its job was created (the page is being scanned). */
function scanimage(args, { interrupt = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn('scanimage', ['-d', device, ...args], { env, cwd: configDir });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    let onPage;
    if (interrupt) {
      onPage = () => setTimeout(() => child.kill('SIGINT'), 300);
      control.once('jobCreated', onPage);
    }
    const t0 = performance.now();
    child.on('close', (code, signal) => {
      if (onPage) control.off('jobCreated', onPage);
      resolve({ code, signal, ms: Math.round(performance.now() - t0), stderr: stderr.trim().split('\n').slice(-3).join(' | ') });
    });
  });
}

async function fileInfo(name) {
  const bytes = await readFile(join(configDir, name)).catch(() => undefined);
  if (!bytes) return undefined;
  const header = bytes.subarray(0, 20).toString('latin1').split('\n').slice(0, 3).join(' ');
  return { bytes: bytes.length, header };
}

const results = {};
const list = await new Promise((resolve) => {
  const child = spawn('scanimage', ['-L'], { env });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.on('close', () => resolve(out.trim()));
});
results.list = list;

requests.length = 0;
results.flatbed = { run: await scanimage(['--source', 'Flatbed', '--resolution', '150', '--mode', 'Color', '--format=pnm', '-o', 'flatbed.pnm']), file: await fileInfo('flatbed.pnm'), jobs: control.jobs.map((j) => `${j.id}:${j.settings.inputSource}:${j.settings.format}:${j.state}`) };

control.loadFeeder(3);
const before = control.jobs.length;
results.feeder = { run: await scanimage(['--source', 'ADF', '--resolution', '150', '--format=pnm', '--batch=feeder-%d.pnm']), files: await Promise.all([1, 2, 3, 4].map((n) => fileInfo(`feeder-${n}.pnm`))), jobs: control.jobs.slice(before).map((j) => `${j.id}:${j.settings.inputSource}:duplex=${j.settings.duplex}:${j.imagesCompleted} pages:${j.state}`) };

control.loadFeeder(2);
const beforeDuplex = control.jobs.length;
results.duplex = { run: await scanimage(['--source', 'ADF Duplex', '--resolution', '150', '--format=pnm', '--batch=duplex-%d.pnm']), files: await Promise.all([1, 2, 3, 4, 5].map((n) => fileInfo(`duplex-${n}.pnm`))), jobs: control.jobs.slice(beforeDuplex).map((j) => `${j.id}:${j.settings.inputSource}:duplex=${j.settings.duplex}:${j.imagesCompleted} pages:${j.state}`) };

control.scanDelayMs = 3000;
const beforeCancel = control.jobs.length;
requests.length = 0;
results.cancel = { run: await scanimage(['--source', 'Flatbed', '--resolution', '300', '--format=pnm', '-o', 'cancelled.pnm'], { interrupt: true }) };
// airscan deletes the job after the process has its signal; give the DELETE a moment to land.
await new Promise((resolve) => setTimeout(resolve, 500));
control.scanDelayMs = 0;
results.cancel.jobs = control.jobs.slice(beforeCancel).map((j) => `${j.id}:${j.state}:deleted=${j.deleted}`);
results.cancel.scannerState = control.state;
results.cancel.requests = requests.slice(0, 8);

await rm(configDir, { recursive: true, force: true });
server.server.close();
console.log(JSON.stringify(results, null, 2));
