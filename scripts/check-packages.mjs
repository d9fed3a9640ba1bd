#!/usr/bin/env node
// Packs the publishable packages, installs them from the tarballs into a fresh
// app outside the workspace, and runs the README's app example there on the
// virtual scanner, the packed CLI's `openwia --help` and `openwia-conformance --help`, and a scan by
// the packed `openwia` from the simulated scanner: proof
// that `exports`, types, bins and dependencies hold for a consumer. `npm run check:packages`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const app = mkdtempSync(join(tmpdir(), 'openwia-consumer-'));
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

try {
  const packages = ['core', 'testkit', 'device-plugins', 'escl-server', 'cli'];
  const tarballs = packages.map((name) => {
    const [info] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', app], join(root, 'packages', name)));
    const shipped = info.files.map((f) => f.path);
    // Sources stay home, but for the usbfs relay: a Python program the testkit runs as it is.
    const stray = shipped.filter((p) => /\.test\.|tsbuildinfo|fixtures|test-support|^src\/(?!usbfs-bridge\/usbfs_(relay|interfaces)\.py$)/.test(p));
    if (stray.length) throw new Error(`${info.name} would ship ${stray.join(', ')}`);
    console.log(`${info.name}: ${shipped.length} files, ${(info.size / 1024).toFixed(0)} KiB packed`);
    return join(app, info.filename);
  });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: Object.fromEntries(tarballs.map((t, i) => [`@openwia/${packages[i]}`, `file:${t}`])) }, null, 2));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], app);
  writeFileSync(
    join(app, 'example.mjs'),
    `import { DeviceManager } from '@openwia/core';
import { esclPlugin } from '@openwia/device-plugins/escl';
import { SimulatedUsbBus, createVirtualScanner } from '@openwia/testkit';

const bus = new SimulatedUsbBus();
bus.attach(createVirtualScanner({ feederSheets: 2 }).device);
const devices = new DeviceManager({ backend: bus, plugins: [esclPlugin] });
await devices.start();
const scanner = devices.devices().find((d) => d.plugin === 'escl')?.device;
const result = await scanner.acquire('Root\\\\Feeder', { signal: AbortSignal.timeout(60_000) });
console.log(result.outcome, result.items.map((i) => i.itemName + ' ' + i.bytes).join(', '));
await devices.stop();
`,
  );
  const output = run(process.execPath, ['example.mjs'], app).trim();
  console.log(`consumer app: ${output}`);
  if (!output.startsWith('completed Page1')) throw new Error('the example did not complete');
  // The bins as an installed consumer runs them (npx finds them in node_modules/.bin).
  for (const [bin, expected] of [['openwia', /Usage: openwia/], ['openwia-conformance', /Usage: openwia-conformance/]]) {
    const help = run('npx', ['--no-install', bin, '--help'], app);
    if (!expected.test(help)) throw new Error(`npx ${bin} --help printed no usage:\n${help}`);
    console.log(`npx ${bin} --help: ${help.split('\n')[0]}`);
  }
  // The bundled command with what it leaves to node_modules (usb, tsyringe, pdfkit) and the page-render child beside it: a whole scan.
  const scan = run('npx', ['--no-install', 'openwia', '--no-usb', '--simulate', 'acquire', 'sim:scanner', '--out', 'scans'], app);
  const pages = readdirSync(join(app, 'scans')).filter((f) => f.endsWith('.jpg')).length;
  if (pages === 0) throw new Error(`npx openwia acquire sim:scanner saved no page:\n${scan}`);
  console.log(`npx openwia --simulate acquire sim:scanner: ${pages} pages`);
  console.log(`packages check passed (${readdirSync(app).filter((f) => f.endsWith('.tgz')).length} tarballs)`);
} finally {
  rmSync(app, { recursive: true, force: true });
}
