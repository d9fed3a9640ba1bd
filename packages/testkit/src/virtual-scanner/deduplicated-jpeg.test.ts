import { expect } from 'chai';
import fc from 'fast-check';
import jpeg from 'jpeg-js';
import { encodeDeduplicatedJpeg } from './deduplicated-jpeg.js';

type Box = { x: number; y: number; w: number; h: number; rgb: [number, number, number] };

/** An RGBA image of flat rectangles on white, as test pages are drawn (many blocks repeat). */
function drawImage(width: number, height: number, boxes: Box[]): Buffer {
  const data = Buffer.alloc(width * height * 4, 0xff);
  for (const { x, y, w, h, rgb } of boxes) {
    for (let row = y; row < Math.min(height, y + h); row++) {
      for (let col = x; col < Math.min(width, x + w); col++) data.set([...rgb, 0xff], (row * width + col) * 4);
    }
  }
  return data;
}

function expectSameFileAsJpegJs(data: Buffer, width: number, height: number, quality: number): void {
  const ours = encodeDeduplicatedJpeg(data, width, height, quality);
  const whole = Buffer.from(jpeg.encode({ data, width, height }, quality).data);
  expect(Buffer.compare(ours, whole), `${width}×${height} q${quality}`).to.equal(0);
}

describe('deduplicated JPEG encoding (each distinct 8×8 block transformed once)', () => {
  it('writes byte for byte the file jpeg-js writes for the whole image: page-like content, edges not a multiple of 8', () => {
    const ink: [number, number, number] = [20, 40, 160];
    const boxes: Box[] = [
      { x: 0, y: 0, w: 301, h: 3, rgb: ink },
      { x: 30, y: 40, w: 200, h: 2, rgb: [128, 128, 128] },
      { x: 30, y: 56, w: 200, h: 2, rgb: [128, 128, 128] },
      { x: 100, y: 10, w: 6, h: 60, rgb: ink },
      { x: 297, y: 0, w: 4, h: 101, rgb: ink },
    ];
    expectSameFileAsJpegJs(drawImage(301, 101, boxes), 301, 101, 85);
    expectSameFileAsJpegJs(drawImage(296, 96, boxes), 296, 96, 50);
  });

  it('property: any size, any flat boxes and any quality give the jpeg-js file', () => {
    const box = fc.record({ x: fc.nat(60), y: fc.nat(60), w: fc.integer({ min: 1, max: 60 }), h: fc.integer({ min: 1, max: 60 }), rgb: fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255)) });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 64 }), fc.array(box, { maxLength: 6 }), fc.integer({ min: 1, max: 100 }), (width, height, boxes, quality) => {
        expectSameFileAsJpegJs(drawImage(width, height, boxes), width, height, quality);
      }),
      { numRuns: 20 },
    );
  });

  it('an image of noise (no block repeats) is still the jpeg-js file', () => {
    const data = Buffer.alloc(40 * 24 * 4);
    for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
    expectSameFileAsJpegJs(data, 40, 24, 85);
  });
});
