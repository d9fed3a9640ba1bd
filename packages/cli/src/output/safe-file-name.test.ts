import { expect } from 'chai';
import fc from 'fast-check';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { numberedName, resolveInside, safeFileName } from './safe-file-name.js';

describe('safe file names from device data', () => {
  it('keeps ordinary names', () => {
    expect(safeFileName('IMG_0001.JPG')).to.equal('IMG_0001.JPG');
    expect(safeFileName('Page 12.png')).to.equal('Page 12.png');
  });

  it('neutralises path tricks, control characters, hidden files and device names', () => {
    expect(safeFileName('../../etc/passwd')).to.equal('_.._etc_passwd');
    expect(safeFileName('..\\..\\boot.ini')).to.equal('_.._boot.ini');
    expect(safeFileName('/abs/path.jpg')).to.equal('_abs_path.jpg');
    expect(safeFileName('.hidden')).to.equal('hidden');
    expect(safeFileName('..')).to.equal('item');
    expect(safeFileName('a\u0000b\nc')).to.equal('a_b_c');
    expect(safeFileName('CON.txt')).to.equal('_CON.txt');
    expect(safeFileName('   ')).to.equal('item');
  });

  it('cuts long names at 200 bytes and keeps the extension', () => {
    const name = safeFileName(`${'é'.repeat(300)}.JPG`);
    expect(Buffer.byteLength(name)).to.be.at.most(200);
    expect(name.endsWith('.JPG')).to.equal(true);
  });

  it('any name at all stays a single component inside the output directory', () => {
    const dir = join(tmpdir(), 'openwia-out');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (raw) => {
        const name = safeFileName(raw);
        expect(name).to.not.match(/[/\\\u0000-\u001f]/);
        expect(name.startsWith('.')).to.equal(false);
        expect(resolveInside(dir, name).startsWith(dir + sep)).to.equal(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses to resolve outside the directory', () => {
    expect(() => resolveInside('/tmp/out', '../x')).to.throw(/outside/);
  });

  it('numbers alternatives before the extension', () => {
    expect(numberedName('IMG_0001.JPG', 2)).to.equal('IMG_0001 (2).JPG');
    expect(numberedName('Page1', 3)).to.equal('Page1 (3)');
  });
});
