import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { umockdevMissing, umockdevSkipLine } from './availability.js';

/*
 * `npm test` runs the real-USB suites (`npm run test:usb`: the transport and
 * plugin conformance suites and the plugins' end-to-end tests over node-usb →
 * libusb → usbfs, emulated by umockdev) as one child run, because libusb must
 * start under umockdev's preload library. Without umockdev it skips them with
 * one line naming the packages; `npm run test:usb` fails instead.
 */

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

describe('real USB stack (umockdev)', function () {
  it('every real-USB suite passes over node-usb → libusb → usbfs (npm run test:usb)', async function () {
    const missing = umockdevMissing();
    if (missing && process.env['OPENWIA_REQUIRE_REAL_USB']) throw new Error(umockdevSkipLine(missing).replace('skipped', 'required by OPENWIA_REQUIRE_REAL_USB but cannot run'));
    if (missing) {
      console.log(`  ${umockdevSkipLine(missing)}`);
      this.skip();
    }
    this.timeout(900_000);
    const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, ['scripts/test-usb.mjs'], { cwd: ROOT });
      let text = '';
      child.stdout.on('data', (d: Buffer) => (text += d.toString()));
      child.stderr.on('data', (d: Buffer) => (text += d.toString()));
      child.once('exit', (exitCode) => resolve({ code: exitCode, out: text }));
    });
    const summary = /^(\d+) passed, (\d+) failed/m.exec(out.split('\n').filter((l) => /^\d+ passed, \d+ failed/.test(l)).at(-1) ?? '');
    console.log(`      real-USB suites: ${summary?.[0] ?? 'no summary'}`);
    const failures = out.slice(Math.max(0, out.search(/^\s+\d+ failing/m)));
    expect(code, failures).to.equal(0);
    expect(Number(summary?.[1] ?? 0)).to.be.above(0);
  });
});
