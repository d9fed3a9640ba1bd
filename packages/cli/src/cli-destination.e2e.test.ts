import { expect } from 'chai';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli.test-support.js';

describe('the openwia command checks --out and --set before it acquires (end to end)', function () {
  this.timeout(60_000);
  let dir: string;
  let config: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'openwia-dest-'));
    config = join(dir, 'sim.json');
    await writeFile(config, JSON.stringify({ scanner: { pages: 2, speed: 'unlimited' } }));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const acquire = (...args: string[]) => runCli(['acquire', 'sim:scanner', '--sim-config', config, ...args]);

  it('--out under /proc fails at once with the reason (it used to spin at 100 % CPU forever)', async () => {
    const run = await acquire('--out', '/proc/nope');
    expect(run.code).to.equal(1);
    expect(run.stderr).to.equal('openwia: --out /proc/nope: cannot create the folder /proc/nope: this file system does not allow creating files or folders there\n');
    expect(run.stdout).to.equal('');
  });

  it('--out that is a file, or a folder nobody may write, gets a clear message and acquires nothing', async () => {
    await writeFile(join(dir, 'taken'), 'x');
    const file = await acquire('--out', join(dir, 'taken'));
    expect(file.code).to.equal(1);
    expect(file.stderr).to.equal(`openwia: --out ${join(dir, 'taken')}: ${join(dir, 'taken')} is a file, not a folder\n`);
    const unwritable = await acquire('--out', '/sys');
    expect(unwritable.code).to.equal(1);
    expect(unwritable.stderr).to.match(/^openwia: --out \/sys: cannot write files into \/sys: (permission denied|the file system is read-only)\n$/);
    expect(unwritable.stdout).to.not.match(/Page1/);
  });

  it('a bad --set (unknown name, or a value the device refuses) creates no folder', async () => {
    const unknown = await acquire('--out', join(dir, 'a'), '--set', 'XRES=300');
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.match(/no property XRES/);
    const refused = await acquire('--out', join(dir, 'b'), '--set', 'WIA_IPS_XRES=123');
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.match(/WIA_IPS_XRES/);
    expect(await readdir(dir)).to.deep.equal(['sim.json']);
  });
});
