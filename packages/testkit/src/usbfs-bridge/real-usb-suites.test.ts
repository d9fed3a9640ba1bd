import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { umockdevMissing, umockdevSkipLine } from './availability.js';

/*
 * `npm test` runs the core of the real-USB suites (`scripts/test-usb.mjs --core`:
 * the real-stack tests and the transport conformance suite over node-usb →
 * libusb → usbfs, emulated by umockdev) as a child run, because libusb must
 * start under umockdev's preload library. `npm run test:usb` runs them all
 * (plus both plugins' conformance suites and end-to-end tests; .ci/run runs it
 * too). Without umockdev this skips with one line naming the packages;
 * `npm run test:usb` fails instead.
 */
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

describe('real USB stack (umockdev)', function () {
  it('the real-stack tests and the transport conformance suite pass over node-usb → libusb → usbfs (test-usb.mjs --core)', async function () {
    const missing = umockdevMissing();
    if (missing && process.env['OPENWIA_REQUIRE_REAL_USB']) throw new Error(umockdevSkipLine(missing).replace('skipped', 'required by OPENWIA_REQUIRE_REAL_USB but cannot run'));
    if (missing) {
      console.log(`  ${umockdevSkipLine(missing)}`);
      this.skip();
    }
    this.timeout(900_000);
    const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, ['scripts/test-usb.mjs', '--core'], { cwd: ROOT });
      let text = '';
      child.stdout.on('data', (d: Buffer) => (text += d.toString()));
      child.stderr.on('data', (d: Buffer) => (text += d.toString()));
      child.once('exit', (exitCode) => resolve({ code: exitCode, out: text }));
    });
    const summary = /^(\d+) passed, (\d+) failed/m.exec(out.split('\n').filter((l) => /^\d+ passed, \d+ failed/.test(l)).at(-1) ?? '');
    console.log(`      real-USB suites: ${summary?.[0] ?? 'no summary'}`);
    const failures = out.slice(Math.max(0, out.search(/^\s+\d+ failing/m)));
    expect(code, failures.slice(0, 4000)).to.equal(0);
    expect(Number(summary?.[2] ?? 1), failures.slice(0, 4000)).to.equal(0);
    expect(Number(summary?.[1] ?? 0), 'the real stack carried no test at all').to.be.above(0);
  });
});
