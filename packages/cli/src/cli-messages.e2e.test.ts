import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { photoByteLength } from '@openwia/testkit';
import { OPENWIA_BIN, runCli } from './run-cli.test-support.js';

describe('the openwia command: what it says (end to end)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'openwia-messages-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('into a log (not a terminal) it says that it waits for a scanner that sends nothing, instead of staying silent until the page comes', async () => {
    const config = join(dir, 'slow.json');
    await writeFile(config, JSON.stringify({ scanner: { pages: 1, scanDelayMs: 14_000, speed: 'unlimited' } }));
    const run = await runCli(['acquire', 'sim:scanner', '--sim-config', config, '--out', join(dir, 'scans')]);
    expect(run.code, run.stderr).to.equal(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).to.equal('waiting for the device: nothing from it for 10 s');
    expect(lines[1]).to.match(/^Page1 +transferred +\d+ bytes {2}→ /);
  });

  it('--json makes errors one JSON document on stdout with a non-zero exit, usage errors too', async () => {
    const missing = await runCli(['acquire', 'sim:camera', 'Nope', '--simulate', '--out', join(dir, 'o'), '--json']);
    expect(missing.code).to.equal(1);
    expect(JSON.parse(missing.stdout)).to.deep.equal({ error: { code: 'E_INVALIDARG', hresult: '0x80070057', message: 'no item Nope (see: openwia items sim:camera --simulate --no-usb)' } });
    expect(missing.stderr).to.equal('');
    const usage = await runCli(['list', '--bogus', '--json']);
    expect(usage.code).to.equal(1);
    expect(JSON.parse(usage.stdout).error.code).to.equal('commander.unknownOption');
    expect(usage.stderr).to.equal('');
  });

  it('every hint it prints runs as printed (it keeps the device options)', async () => {
    const run = await runCli(['props', 'sim:camera', 'Nope', '--simulate']);
    const hint = /\(see: (openwia [^)]+)\)/.exec(run.stderr)?.[1];
    expect(hint, run.stderr).to.equal('openwia items sim:camera --simulate --no-usb');
    const args = hint!.split(' ').slice(1);
    const followed = spawnSync(process.execPath, [OPENWIA_BIN, ...args], { encoding: 'utf8' });
    expect(followed.status, followed.stderr).to.equal(0);
    expect(followed.stdout).to.include('IMG_0001.JPG');
    const device = await runCli(['items', 'sim:nope', '--simulate']);
    expect(device.stderr).to.include('(see: openwia list --simulate --no-usb)');
  });

  it('list names each device once ("OpenWIA Virtual Scanner", not "OpenWIA OpenWIA …")', async () => {
    const run = await runCli(['list', '--simulate']);
    expect(run.stdout).to.match(/sim:scanner .* OpenWIA Virtual Scanner$/m);
    expect(run.stdout).to.not.include('OpenWIA OpenWIA');
  });

  it('demo --json is one JSON document that names every failed check (none here)', async () => {
    const run = await runCli(['demo', '--json', '--pages', '4', '--page-kib', '128']);
    expect(run.code, run.stderr).to.equal(0);
    const report = JSON.parse(run.stdout) as { transfers: Array<{ outcome: string }>; problems: string[]; cancel: { bytesAfterCancel: number } };
    expect(report.transfers.map((t) => t.outcome)).to.deep.equal(['completed', 'cancelled', 'completed']);
    expect(report.problems).to.deep.equal([]);
    expect(report.cancel.bytesAfterCancel).to.equal(0);
  });

  it('demo counts pages in words ("1 page")', async () => {
    const run = await runCli(['demo', '--pages', '1', '--page-kib', '64']);
    expect(run.stdout).to.match(/^OpenWIA demo: in-memory feeder "mem:demo" with 1 page of 64 KiB$/m);
  });

  it('the summary counts items in words ("1 item", "2 items") and uses MB throughout', async () => {
    const run = await runCli(['acquire', 'sim:camera', 'IMG_0001.JPG', '--simulate', '--out', join(dir, 'one')]);
    expect(run.code, run.stderr).to.equal(0);
    // --simulate's camera draws 640×480 photos.
    const mb = (photoByteLength({ width: 640, height: 480 }) / 1e6).toFixed(2).replace('.', '\\.');
    expect(run.stdout).to.match(new RegExp(`^acquired 1 item, ${mb} MB in [\\d.]+ s \\([\\d.]+ MB/s\\) from sim:camera into `, 'm'));
  });
});
