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

  it('a write the file system cuts short fails the item instead of keeping a truncated file (it was reported transferred)', async () => {
    // The kernel writes 30 000 of a photo's 48 961 bytes under this limit and fails the next write (EFBIG),
    // as a nearly full disk writes its last blocks and then says ENOSPC.
    const out = join(dir, 'photos');
    const run = await runCli(['acquire', 'sim:camera', '--simulate', '--out', out], { fileSizeLimit: 30_000 });
    expect(run.code).to.equal(1);
    expect(run.stdout + run.stderr).to.match(/IMG_0001\.JPG +failed/);
    expect(run.stdout + run.stderr).to.include("WIA_ERROR_DESTINATION: writing IMG_0001.JPG failed: the file would exceed this process's file size limit (EFBIG)");
    expect(run.stdout + run.stderr).to.not.match(/transferred/);
    expect(await readdir(out), 'no truncated photo, no partial file').to.deep.equal([]);
  });
});
