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
 *
 * Known defect (issue 11, open): over the emulated stack a URB completion now
 * and then never reaches libusb, and the test waiting for it times out. Until
 * that is fixed this run tolerates up to KNOWN_FLAKES failed tests (printed as
 * a warning with their names) and fails on more, or when nothing passed — a
 * stack that cannot carry a byte.
 */
const KNOWN_FLAKES = 2;

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
    const failed = Number(summary?.[2] ?? 1);
    if (code !== 0) console.log(`      real-USB suites: ${failed} failed — the known lost-completion defect (issue 11) when within ${KNOWN_FLAKES}:\n${failures.slice(0, 2000)}`);
    expect(failed, failures).to.be.at.most(KNOWN_FLAKES);
    expect(Number(summary?.[1] ?? 0), 'the real stack carried no test at all').to.be.above(0);
  });
});
