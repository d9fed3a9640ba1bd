import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPENWIA_BIN, runCli } from './run-cli.test-support.js';

const partials = (files: string[]): string[] => files.filter((f) => f.endsWith('.partial'));

describe('the openwia command stops cleanly (end to end: signals, killed runs, watch)', function () {
  this.timeout(60_000);
  let dir: string;
  let config: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'openwia-stops-'));
    config = join(dir, 'sim.json');
    await writeFile(config, JSON.stringify({ scanner: { pages: 50, speed: 'usb1' } }));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('SIGTERM cancels like Ctrl-C: ends by SIGTERM (status 143 in a shell), finished pages kept, no partial file', async () => {
    const run = await runCli(['acquire', 'sim:scanner', '--sim-config', config, '--out', join(dir, 'scans')], { signals: [{ when: /Page2 +transferred/, signal: 'SIGTERM' }] });
    expect([run.signal, run.code], run.stderr).to.deep.equal(['SIGTERM', null]);
    expect(run.stdout).to.match(/^cancelled: kept \d+ items?,/m);
    const files = await readdir(join(dir, 'scans'));
    expect(partials(files)).to.deep.equal([]);
    expect(files.length).to.be.within(2, 49);
  });

  it('a second Ctrl-C after the transfer settled (while the command winds down) still ends by SIGINT and leaves no partial file', async () => {
    // The summary is printed once the transfer has settled: the moment the handler used to be gone.
    const run = await runCli(['acquire', 'sim:scanner', '--sim-config', config, '--out', join(dir, 'scans')], { signals: [{ when: /Page2 +transferred/ }, { when: /^cancelled: /m }] });
    expect([run.signal, run.code]).to.deep.equal(['SIGINT', null]);
    expect(partials(await readdir(join(dir, 'scans')))).to.deep.equal([]);
  });

  for (const gapMs of [0, 20, 50]) {
    it(`two Ctrl-C ${gapMs} ms apart leave no partial file and say what they do`, async () => {
      const run = await runCli(['acquire', 'sim:scanner', '--sim-config', config, '--out', join(dir, 'scans')], { signals: [{ when: /Page2 +transferred/ }, { afterMs: gapMs }] });
      // Whether the handler answered the second signal or the command had already finished, it ends by SIGINT.
      expect([run.signal, run.code], `${run.stdout}${run.stderr}`).to.deep.equal(['SIGINT', null]);
      expect(`${run.stdout}${run.stderr}`).to.match(/cancelling/);
      expect(partials(await readdir(join(dir, 'scans')))).to.deep.equal([]);
    });
  }

  it('the partial file of a SIGKILLed run is removed by the next acquire into that folder, which says so', async () => {
    const out = join(dir, 'scans');
    const child = spawn(process.execPath, [OPENWIA_BIN, '--no-usb', 'acquire', 'sim:scanner', '--sim-config', config, '--out', out], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    let left: string[] = [];
    while (!left.length) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      left = partials(await readdir(out).catch(() => []));
    }
    child.kill('SIGKILL');
    expect(await exited).to.equal('SIGKILL');
    expect(left, 'a SIGKILLed run leaves its partial file').to.have.length(1);
    await writeFile(config, JSON.stringify({ scanner: { pages: 1, speed: 'unlimited' } }));
    const next = await runCli(['acquire', 'sim:scanner', '--sim-config', config, '--out', out]);
    expect(next.code, next.stderr).to.equal(0);
    expect(next.stderr).to.include(`removed 1 partial file(s) left by an earlier run that was killed: ${left[0]}`);
    expect(partials(await readdir(out))).to.deep.equal([]);
    expect(next.stdout).to.match(/^acquired 1 item,/m);
  });

  it('watch without --for watches until Ctrl-C and exits 0', async () => {
    // Wait for several events: without a ref'd handle the event loop ran dry and the command quit as "stalled".
    await writeFile(config, JSON.stringify({ camera: { newPhotoEveryMs: 200 } }));
    const run = await runCli(['watch', '--sim-config', config, '--json'], { signals: [{ when: /(WIA_EVENT_ITEM_CREATED[^]*){5}/ }] });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stderr).to.equal('');
    expect(run.stdout.trim().split('\n').length).to.be.at.least(5);
  });

  it('watch stops on SIGTERM too', async () => {
    const run = await runCli(['watch', '--simulate'], { signals: [{ when: /watching 2 device\(s\)/, signal: 'SIGTERM' }] });
    expect(run.code, run.stderr).to.equal(0);
  });

  it('the bin says how to build when dist/ is missing, instead of a stack trace', async () => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', `import { loadBuilt } from ${JSON.stringify(join(OPENWIA_BIN, '..', 'load-built.js'))}; await loadBuilt('openwia', new URL('file://${dir}/dist/bin/openwia.js'));`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).to.equal(1);
    expect(stderr).to.equal(`openwia: not built yet (${dir}/dist/bin/openwia.js is missing); run \`npm run build\` in the repository first\n`);
    expect((await stat(OPENWIA_BIN)).mode & 0o111, 'the committed bin is executable').to.not.equal(0);
  });
});
