import { expect } from 'chai';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../run-cli.test-support.js';
import { ServeProcess } from './serve-process.test-support.js';

describe('openwia on one host acquires from openwia serve on another (escl:http://… device ids)', function () {
  this.timeout(120_000);
  let serve: ServeProcess;
  let origin: string;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'openwia-serve-acquire-'));
    const config = join(dir, 'sim.json');
    // A slow bus, so that Ctrl-C on the client lands while a page is on its way.
    await writeFile(config, JSON.stringify({ scanner: { pages: 20, speed: 'usb1' } }));
    ({ serve, origin } = await ServeProcess.start(['--sim-config', config]));
  });

  after(async () => {
    expect(await serve?.stop()).to.equal(0);
    await rm(dir, { recursive: true, force: true });
  });

  it('lists the served items and acquires the non-eSCL feeder page by page', async () => {
    const items = await runCli(['items', `escl:${origin}/sim-feeder/eSCL`]);
    expect(items.code, items.stderr).to.equal(0);
    expect(items.stdout).to.match(/Feeder/);
    const run = await runCli(['acquire', `escl:${origin}/sim-feeder/eSCL`, 'Root\\Feeder', '--out', join(dir, 'feeder')]);
    expect(run.code, run.stderr).to.equal(0);
    expect((await readdir(join(dir, 'feeder'))).sort()).to.deep.equal(['Page1.png', 'Page2.png', 'Page3.png']);
  });

  it('Ctrl-C on the client cancels the served job (CANCEL_IO at the served driver), and the next acquire works', async () => {
    const out = join(dir, 'cut');
    const run = await runCli(['acquire', `escl:${origin}/sim-scanner/eSCL`, 'Root\\Feeder', '--out', out], { signals: [{ when: /Page1 +transferred/ }] });
    expect([run.signal, run.code], run.stderr).to.deep.equal(['SIGINT', null]);
    expect((await readdir(out)).filter((f) => f.endsWith('.partial'))).to.deep.equal([]);
    await serve.waitFor(/sim:scanner: driver received WIA_EVENT_CANCEL_IO/);
    await serve.waitFor(/sim:scanner: job \S+ Canceled/);
    const next = await runCli(['acquire', `escl:${origin}/sim-scanner/eSCL`, 'Root\\Flatbed', '--out', join(dir, 'next')]);
    expect(next.code, next.stderr).to.equal(0);
    expect(await readdir(join(dir, 'next'))).to.have.length(1);
  });

  it('an escl: id nobody answers fails with a typed message, not a stall', async () => {
    const run = await runCli(['items', 'escl:http://127.0.0.1:9/eSCL']);
    expect(run.code).to.not.equal(0);
    expect(run.code).to.not.equal(70);
    expect(run.stderr).to.match(/WIA_ERROR|ECONNREFUSED|refused/i);
  });
});
