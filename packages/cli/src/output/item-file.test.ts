import { expect } from 'chai';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { ItemFile } from './item-file.js';

describe('item files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'openwia-item-file-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('takes its final name only when complete', async () => {
    const file = await ItemFile.create(dir, 'IMG_0001.JPG');
    file.write(Buffer.from('hello '));
    expect(await readdir(dir)).to.deep.equal([`IMG_0001.JPG.${process.pid}.partial`]);
    file.end(Buffer.from('world'));
    await finished(file);
    expect(await readdir(dir)).to.deep.equal(['IMG_0001.JPG']);
    expect(await readFile(join(dir, 'IMG_0001.JPG'), 'utf8')).to.equal('hello world');
    expect(file.path).to.equal(join(dir, 'IMG_0001.JPG'));
  });

  it('a forced quit while a file is being created still finds its partial file (the second Ctrl-C race)', async () => {
    const creating = new Set<string>();
    const pending = ItemFile.create(dir, 'Page3.jpg', { creating });
    // The creation has not returned: no ItemFile owns the path yet, but the set names it.
    expect([...creating]).to.deep.equal([join(dir, `Page3.jpg.${process.pid}.partial`)]);
    const file = await pending;
    expect(creating.size, 'released once create returns').to.equal(0);
    ItemFile.removeCreatingSync(new Set([join(dir, `Page3.jpg.${process.pid}.partial`)]));
    expect(await readdir(dir)).to.deep.equal([]);
    file.destroy();
  });

  it('a destroyed (cancelled) item leaves nothing behind', async () => {
    const file = await ItemFile.create(dir, 'Page5.jpg');
    file.write(Buffer.alloc(1000));
    file.destroy();
    await new Promise((resolve) => file.once('close', resolve));
    expect(await readdir(dir)).to.deep.equal([]);
  });

  it('a stream error after the transfer stopped listening is kept, not thrown (a full disk cannot crash the CLI)', async () => {
    const file = await ItemFile.create(dir, 'Page1.jpg');
    file.write(Buffer.alloc(1000));
    // What a failed write does: the stream is destroyed with the error, and emits it on a later tick.
    const failure = new Error('ENOSPC: no space left on device, write');
    file.destroy(failure);
    await file.settled();
    expect(file.failure).to.equal(failure);
    expect(await readdir(dir)).to.deep.equal([]);
  });

  it('settled() abandons an unfinished item and removes its partial file', async () => {
    const file = await ItemFile.create(dir, 'Page2.jpg');
    file.write(Buffer.alloc(1000));
    await file.settled();
    expect(await readdir(dir)).to.deep.equal([]);
    const done = await ItemFile.create(dir, 'Page3.jpg');
    done.end('x');
    await done.settled();
    expect(await readdir(dir)).to.deep.equal(['Page3.jpg']);
  });

  it('never replaces an existing file unless asked', async () => {
    await writeFile(join(dir, 'a.jpg'), 'old');
    const kept = await ItemFile.create(dir, 'a.jpg');
    kept.end('new');
    await finished(kept);
    expect(await readFile(join(dir, 'a.jpg'), 'utf8')).to.equal('old');
    expect(await readFile(join(dir, 'a (2).jpg'), 'utf8')).to.equal('new');
    const replaced = await ItemFile.create(dir, 'a.jpg', { overwrite: true });
    replaced.end('newest');
    await finished(replaced);
    expect(await readFile(join(dir, 'a.jpg'), 'utf8')).to.equal('newest');
  });

  it('a hostile device name cannot escape the directory', async () => {
    const file = await ItemFile.create(dir, '../../escape.jpg');
    file.end('x');
    await finished(file);
    expect(await readdir(dir)).to.deep.equal(['_.._escape.jpg']);
  });
});
