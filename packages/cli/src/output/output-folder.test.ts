import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WiaError } from '@openwia/core';
import { partialName, prepareOutputFolder, sweepStalePartials } from './output-folder.js';
import { rejectionOf } from '@openwia/testkit';

/** The id of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('the output folder', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'openwia-out-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is created with its missing parents and left empty', async () => {
    const out = await prepareOutputFolder(join(dir, 'a', 'b', 'c'));
    expect((await stat(out)).isDirectory()).to.equal(true);
    expect(await readdir(out)).to.deep.equal([]);
  });

  it('under /proc is refused at once with a reason (a recursive mkdir spun there forever)', async () => {
    const err = await rejectionOf(prepareOutputFolder('/proc/nope/deeper'), WiaError);
    expect(err.code).to.equal('WIA_ERROR_DESTINATION');
    expect(err.message).to.equal('--out /proc/nope/deeper: cannot create the folder /proc/nope: this file system does not allow creating files or folders there');
  });

  it('that is a file, or lies under one, is refused by name', async () => {
    await writeFile(join(dir, 'file'), 'x');
    expect((await rejectionOf(prepareOutputFolder(join(dir, 'file')), WiaError)).message).to.match(/: \/.*\/file is a file, not a folder$/);
    expect((await rejectionOf(prepareOutputFolder(join(dir, 'file', 'sub')), WiaError)).message).to.match(/cannot use \/.*\/file\/sub: a part of the path is a file, not a folder$/);
  });

  it('that cannot be written is refused before anything is acquired (even for root)', async () => {
    const err = await rejectionOf(prepareOutputFolder('/sys'), WiaError);
    expect(err.message).to.match(/^--out \/sys: cannot write files into \/sys: (permission denied|the file system is read-only)$/);
  });

  it('loses the partial files of a killed run, keeps those of running processes and reports unknown ones', async () => {
    const killed = partialName('IMG_0001.JPG', deadPid());
    const running = partialName('IMG_0002.JPG', process.ppid);
    const ours = partialName('IMG_0003.JPG');
    for (const name of [killed, running, ours, 'old.jpg.partial', 'IMG_0004.JPG']) await writeFile(join(dir, name), 'x');
    expect(await sweepStalePartials(dir)).to.deep.equal({ removed: [killed], unknown: ['old.jpg.partial'] });
    expect((await readdir(dir)).sort()).to.deep.equal(['IMG_0004.JPG', running, ours, 'old.jpg.partial'].sort());
  });
});
