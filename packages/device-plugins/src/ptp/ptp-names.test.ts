import { expect } from 'chai';
import fc from 'fast-check';
import { MAX_ITEM_NAME_LENGTH, fileExtension, sanitizeItemName, uniqueName } from './ptp-names.js';

describe('PTP item names', () => {
  it('keep ordinary camera file names as they are', () => {
    expect(sanitizeItemName('IMG_0001.JPG', 'x')).to.equal('IMG_0001.JPG');
    expect(sanitizeItemName('Urlaub – Strand (2).jpg', 'x')).to.equal('Urlaub – Strand (2).jpg');
  });

  it('defuse path tricks a hostile camera may send', () => {
    expect(sanitizeItemName('../../etc/passwd', 'x')).to.equal('.._.._etc_passwd');
    expect(sanitizeItemName('C:\\Windows\\evil.jpg', 'x')).to.equal('C__Windows_evil.jpg');
    expect(sanitizeItemName('..', 'fallback')).to.equal('fallback');
    expect(sanitizeItemName('', 'fallback')).to.equal('fallback');
    expect(sanitizeItemName('bell\u0007\u0000tail', 'x')).to.equal('bell__tail');
  });

  it('never yield a separator, a control character, a dot-only name, or an overlong one, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400, unit: 'binary' }), (raw) => {
        const name = sanitizeItemName(raw, 'fallback');
        expect(name).to.not.match(/[\\/\u0000-\u001f\u007f]/);
        expect(name).to.not.match(/^\.*$/);
        expect(name.length).to.be.within(1, MAX_ITEM_NAME_LENGTH);
      }),
      { numRuns: 1000 },
    );
  });

  it('number duplicates before the extension', () => {
    expect(uniqueName('IMG.JPG', new Set(['IMG.JPG', 'IMG (2).JPG']))).to.equal('IMG (3).JPG');
    expect(uniqueName('README', new Set(['README']))).to.equal('README (2)');
    expect(fileExtension('a.jpeg')).to.equal('JPEG');
    expect(fileExtension('noext')).to.equal(undefined);
  });
});
