#!/usr/bin/env node
// npm run test:usb: the real-USB-stack tests (node-usb → libusb → usbfs, emulated by umockdev).
// Fails, never skips, when umockdev is missing. Usage: node scripts/test-usb.mjs [spec files ...] (default: every real-USB suite)
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The suites that run over the real stack: unchanged simulated-bus suites, plus the real-stack-only tests. */
export const REAL_USB_SPECS = [
  'packages/testkit/dist/usbfs-bridge/*.usb-test.js',
  'packages/testkit/dist/usb/transport-conformance.test.js',
  'packages/device-plugins/dist/conformance.test.js',
  'packages/device-plugins/dist/ptp/e2e/listing.test.js',
  'packages/device-plugins/dist/ptp/e2e/transfer.test.js',
  'packages/device-plugins/dist/ptp/e2e/cancel.test.js',
  'packages/device-plugins/dist/ptp/e2e/faults.test.js',
  'packages/device-plugins/dist/ptp/e2e/events.test.js',
  'packages/device-plugins/dist/ptp/e2e/reattach.test.js',
  'packages/device-plugins/dist/ptp/e2e/folders.test.js',
  'packages/device-plugins/dist/escl/escl-scanner-driver.test.js',
  'packages/device-plugins/dist/escl/escl-feeder.test.js',
  'packages/device-plugins/dist/escl/escl-faults.test.js',
  'packages/device-plugins/dist/escl/escl-storm.test.js',
  'packages/device-plugins/dist/escl/escl-stale-input.test.js',
  'packages/device-plugins/dist/escl/ipp-usb/usb-pipe-connection.test.js',
  'packages/cli/dist/cli-real-usb.usb-test.js',
];

/** What `npm test` runs of them (`--core`): the real-stack tests and the transport conformance suite, quick and steady on a loaded machine. */
export const CORE_REAL_USB_SPECS = REAL_USB_SPECS.slice(0, 2);

const { umockdevMissing, UMOCKDEV_APT_PACKAGES } = await import('../packages/testkit/dist/usbfs-bridge/availability.js');

/** `dir/*.suffix` → the files of dir that end in `.suffix` (Node 20 has no fs.globSync). */
function expandStar(spec) {
  const dir = path.dirname(spec);
  const suffix = path.basename(spec).replace(/^\*/, '');
  return readdirSync(path.join(root, dir)).filter((f) => f.endsWith(suffix)).map((f) => path.join(dir, f));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const missing = umockdevMissing();
  if (missing) {
    console.error(`real-USB tests cannot run: ${missing}; install with: apt-get install -y ${UMOCKDEV_APT_PACKAGES.join(' ')}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  // One mocha process per spec file: each gets a fresh libusb, testbed and relay, so one
  // suite's leftovers (handles, umockdev's bounded fd table) cannot fail the next.
  const mocha = path.join(root, 'node_modules/mocha/bin/mocha.js');
  const cli = process.argv.slice(2);
  const specs = cli[0] === '--core' ? CORE_REAL_USB_SPECS : cli.length > 0 ? cli : REAL_USB_SPECS;
  const files = specs.flatMap((spec) => (spec.includes('*') ? expandStar(spec) : [spec])).sort();
  let passed = 0;
  let failed = 0;
  for (const entry of files) {
    // `file::text` runs only the tests whose title matches text, `file::!text` all others. --exit: a transfer a failing test
    // left in flight must not keep its process (and so this run) alive.
    const [file, filter] = entry.split('::');
    const grep = filter?.startsWith('!') ? ['--grep', filter.slice(1), '--invert'] : filter ? ['--grep', filter] : [];
    const args = [process.execPath, mocha, '--no-config', '--exit', '--reporter', './scripts/summary-reporter.cjs', '--timeout', '60000',
      '--require', './packages/testkit/dist/usbfs-bridge/install-real-stack.js', ...grep, file];
    const out = await new Promise((resolve) => {
      const child = spawn('umockdev-wrapper', args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      child.stdout.on('data', (d) => {
        text += d;
        process.stdout.write(String(d).replace(/^\d+ passed, \d+ failed.*$/m, ''));
      });
      child.on('exit', (code) => resolve({ code, text }));
    });
    // Mocha's own epilogue (with --exit the reporter's closing line may not get out).
    const passing = /^\s+(\d+) passing/m.exec(out.text);
    const summary = passing ? [passing[0], passing[1], /^\s+(\d+) failing/m.exec(out.text)?.[1] ?? '0'] : undefined;
    passed += Number(summary?.[1] ?? 0);
    const failedHere = Number(summary?.[2] ?? 0);
    // A run that crashed (no summary, or a non-zero exit with none failed) counts as one failure.
    failed += failedHere > 0 ? failedHere : summary && out.code === 0 ? 0 : 1;
    if (!(summary && out.code === 0) && failedHere === 0) console.log(`${entry}: the run ended abnormally (exit ${out.code})`);
  }
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}
