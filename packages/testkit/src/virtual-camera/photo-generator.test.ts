import { expect } from 'chai';
import fc from 'fast-check';
import jpeg from 'jpeg-js';
import { generatePhoto, photoByteLength } from './photo-generator.js';

describe('generated photos', () => {
  it('are exactly as long as photoByteLength says before drawing, and decode to the size asked (any size, label and quality)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 16, max: 320 }), fc.integer({ min: 16, max: 320 }), fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 30, max: 100 }), (width, height, n, quality) => {
        const photo = generatePhoto({ label: `#${n}`, width, height, quality });
        expect(photo).to.have.length(photoByteLength({ width, height }));
        const picture = jpeg.decode(photo, { useTArray: true });
        expect([picture.width, picture.height]).to.deep.equal([width, height]);
      }),
      { numRuns: 25 },
    );
  });

  it('are padded with comment segments only: without them the same picture decodes', () => {
    const photo = generatePhoto({ label: '#7', width: 64, height: 48 });
    const segments = segmentsBeforeScan(photo);
    expect(segments[0]?.marker, 'JFIF APP0 first').to.equal(0xe0);
    expect(segments[1]?.marker, 'a COM segment right after it').to.equal(0xfe);
    const scanAt = segments.at(-1)!.end;
    const withoutComments = Buffer.concat([photo.subarray(0, 2), ...segments.filter((s) => s.marker !== 0xfe).map((s) => photo.subarray(s.start, s.end)), photo.subarray(scanAt)]);
    expect(withoutComments.length).to.be.lessThan(photo.length);
    expect(Buffer.from(jpeg.decode(withoutComments, { useTArray: true }).data).equals(Buffer.from(jpeg.decode(photo, { useTArray: true }).data))).to.equal(true);
  });

  it('fill a large photo with several comment segments, none longer than a segment can be', () => {
    const photo = generatePhoto({ label: '#1', width: 2000, height: 1500 });
    const comments = segmentsBeforeScan(photo).filter((s) => s.marker === 0xfe);
    expect(comments.length).to.be.greaterThan(1);
    expect(Math.max(...comments.map((s) => s.end - s.start - 2))).to.be.at.most(0xffff);
    expect(jpeg.decode(photo, { useTArray: true }).width).to.equal(2000);
  });
});

/** The marker segments from SOI to the end of SOS, with where each starts and ends. */
function segmentsBeforeScan(file: Uint8Array): Array<{ marker: number; start: number; end: number }> {
  const segments = [];
  for (let at = 2; ; ) {
    const marker = file[at + 1]!;
    const end = at + 2 + ((file[at + 2]! << 8) | file[at + 3]!);
    segments.push({ marker, start: at, end });
    if (marker === 0xda) return segments;
    at = end;
  }
}
