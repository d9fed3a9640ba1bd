#!/usr/bin/env node
// npm run test:usb: the real-USB-stack tests (node-usb → libusb → usbfs, emulated by umockdev).
// Fails, never skips, when umockdev is missing. Usage: node scripts/test-usb.mjs [spec files ...] (default: every real-USB suite)
import { spawn } from 'node:child_process';
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
  'packages/device-plugins/dist/escl/escl-scanner-driver.test.js',
  'packages/device-plugins/dist/escl/escl-feeder.test.js',
];

const { umockdevMissing, UMOCKDEV_APT_PACKAGES } = await import('../packages/testkit/dist/usbfs-bridge/availability.js');

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const missing = umockdevMissing();
  if (missing) {
    console.error(`real-USB tests cannot run: ${missing}; install with: apt-get install -y ${UMOCKDEV_APT_PACKAGES.join(' ')}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  const mocha = path.join(root, 'node_modules/mocha/bin/mocha.js');
  const args = [process.execPath, mocha, '--no-config', '--reporter', './scripts/summary-reporter.cjs', '--timeout', '60000',
    '--require', './packages/testkit/dist/usbfs-bridge/install-real-stack.js', ...(process.argv.length > 2 ? process.argv.slice(2) : REAL_USB_SPECS)];
  const child = spawn('umockdev-wrapper', args, { cwd: root, stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
