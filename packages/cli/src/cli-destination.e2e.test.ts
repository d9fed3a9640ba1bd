import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
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
    // prlimit (util-linux) sets RLIMIT_FSIZE: the kernel writes 30 000 of a photo's 48 961 bytes and fails the
    // next write (EFBIG), as a nearly full disk writes its last blocks and then says ENOSPC.
    const out = join(dir, 'photos');
    const run = await runCli(['acquire', 'sim:camera', '--simulate', '--out', out], { wrapper: ['prlimit', '--fsize=30000', '--'] });
    expect(run.code).to.equal(1);
    expect(run.stdout + run.stderr).to.match(/IMG_0001\.JPG +failed/);
    expect(run.stdout + run.stderr).to.include("WIA_ERROR_DESTINATION: writing IMG_0001.JPG failed: the file would exceed this process's file size limit (EFBIG)");
    expect(run.stdout + run.stderr).to.not.match(/transferred/);
    expect(await readdir(out), 'no truncated photo, no partial file').to.deep.equal([]);
  });

  it('an item is reported transferred only once its bytes and its name are on the disk (flushed, named, its folder flushed)', async function () {
    // strace shows the system calls in order: per photo fdatasync(partial) → link(partial, final) → fsync(folder),
    // and only then the line that says it was transferred. Without a flush, a power cut after "transferred"
    // (and the card wiped) could leave an empty file under the photo's name.
    if (spawnSync('strace', ['-V']).error) {
      if (process.env['OPENWIA_REQUIRE_REAL_USB']) throw new Error('strace is required by CI (OPENWIA_REQUIRE_REAL_USB) but missing: apt-get install -y strace');
      this.skip();
    }
    const out = join(dir, 'photos');
    const trace = join(dir, 'trace.txt');
    const run = await runCli(['acquire', 'sim:camera', '--simulate', '--out', out], {
      wrapper: ['strace', '-f', '-y', '-qq', '-e', 'trace=fdatasync,fsync,link,linkat,rename,renameat,renameat2,write', '-o', trace, '--'],
    });
    expect(run.code, run.stderr).to.equal(0);
    const calls = (await readFile(trace, 'utf8')).split('\n').map((line) => line.replace(/^\d+ +/, ''));
    const first = (what: (call: string) => boolean, name: string): number => {
      const index = calls.findIndex(what);
      expect(index, `${name} in the trace`).to.be.greaterThan(-1);
      return index;
    };
    for (let i = 1; i <= 5; i++) {
      const photo = `IMG_000${i}.JPG`;
      const flushed = first((c) => c.startsWith('fdatasync(') && c.includes(`/${photo}.`) && c.includes('.partial>') && c.endsWith('= 0'), `fdatasync of ${photo}'s partial file`);
      const named = first((c) => /^(link|linkat|rename\w*)\(/.test(c) && c.includes(`${out}/${photo}"`), `${photo} taking its name`);
      const folderFlushed = calls.findIndex((c, at) => at > named && c.startsWith('fsync(') && c.includes(`<${out}>`) && c.endsWith('= 0'));
      const reported = first((c) => c.startsWith('write(1<') && c.includes(`${photo}     transferred`), `the line saying ${photo} was transferred`);
      expect(flushed, `${photo}: flushed before it takes its name`).to.be.lessThan(named);
      expect(folderFlushed, `${photo}: its folder flushed after it took its name`).to.be.greaterThan(named);
      expect(reported, `${photo}: reported only after its folder was flushed`).to.be.greaterThan(folderFlushed);
    }
  });
});
