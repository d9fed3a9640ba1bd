import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** How a virtual page is drawn and encoded. */
export interface PageRenderSpec {
  /** 1-based page number drawn large on the page. */
  pageNumber: number;
  widthPx: number;
  heightPx: number;
  colorMode: 'BlackAndWhite1' | 'Grayscale8' | 'RGB24';
  format: 'image/jpeg' | 'image/png';
  /** JPEG quality 1-100 (default 85). */
  quality?: number;
}

/** Segments a-g of each digit, as a seven-segment display lights them. */
const SEVEN_SEGMENTS: Record<string, string> = {
  '0': 'abcdef', '1': 'bc', '2': 'abdeg', '3': 'abcdg', '4': 'bcfg',
  '5': 'acdfg', '6': 'acdefg', '7': 'abc', '8': 'abcdefg', '9': 'abcdfg',
};

/** An RGBA canvas with just what a test page needs. */
class Canvas {
  readonly data: Buffer;
  constructor(readonly width: number, readonly height: number) {
    this.data = Buffer.alloc(width * height * 4, 0xff);
  }

  fill(x: number, y: number, w: number, h: number, rgb: readonly [number, number, number]): void {
    const x0 = Math.max(0, Math.floor(x)), y0 = Math.max(0, Math.floor(y));
    const x1 = Math.min(this.width, Math.floor(x + w)), y1 = Math.min(this.height, Math.floor(y + h));
    for (let row = y0; row < y1; row++) {
      for (let col = x0; col < x1; col++) {
        const i = (row * this.width + col) * 4;
        this.data[i] = rgb[0];
        this.data[i + 1] = rgb[1];
        this.data[i + 2] = rgb[2];
      }
    }
  }
}

/** Draws `digits` as seven-segment numerals centred in the box. */
function drawNumber(canvas: Canvas, digits: string, box: { x: number; y: number; w: number; h: number }, rgb: readonly [number, number, number]): void {
  const digitW = Math.min(box.w / (digits.length * 1.3), box.h / 2);
  const digitH = digitW * 2;
  const t = Math.max(1, digitW / 6);
  let x = box.x + (box.w - digits.length * digitW * 1.3) / 2;
  const y = box.y + (box.h - digitH) / 2;
  for (const d of digits) {
    const on = SEVEN_SEGMENTS[d] ?? '';
    const seg: Record<string, [number, number, number, number]> = {
      a: [x, y, digitW, t], d: [x, y + digitH - t, digitW, t], g: [x, y + digitH / 2 - t / 2, digitW, t],
      f: [x, y, t, digitH / 2], b: [x + digitW - t, y, t, digitH / 2],
      e: [x, y + digitH / 2, t, digitH / 2], c: [x + digitW - t, y + digitH / 2, t, digitH / 2],
    };
    for (const s of on) canvas.fill(...seg[s]!, rgb);
    x += digitW * 1.3;
  }
}

/**
 * Renders a test page — a frame, ruled "text" lines and the page number in
 * large seven-segment digits — and encodes it with a maintained encoder
 * (jpeg-js, pngjs). Deterministic: the same spec gives the same bytes.
 */
export function renderPage(spec: PageRenderSpec): Buffer {
  const width = Math.max(8, Math.floor(spec.widthPx));
  const height = Math.max(8, Math.floor(spec.heightPx));
  const canvas = new Canvas(width, height);
  const ink: [number, number, number] = spec.colorMode === 'RGB24' ? [20, 40, 160] : [0, 0, 0];
  const border = Math.max(1, Math.floor(width / 100));
  canvas.fill(0, 0, width, border, ink);
  canvas.fill(0, height - border, width, border, ink);
  canvas.fill(0, 0, border, height, ink);
  canvas.fill(width - border, 0, border, height, ink);
  const lineGap = Math.max(4, Math.floor(height / 40));
  for (let y = Math.floor(height * 0.6); y < height - 2 * lineGap; y += lineGap) {
    canvas.fill(width * 0.1, y, width * (0.5 + ((y * 7) % 30) / 100), Math.max(1, lineGap / 4), [128, 128, 128]);
  }
  drawNumber(canvas, String(spec.pageNumber), { x: width * 0.1, y: height * 0.08, w: width * 0.8, h: height * 0.45 }, ink);
  if (spec.format === 'image/jpeg') return Buffer.from(jpeg.encode({ data: canvas.data, width, height }, spec.quality ?? 85).data);
  const png = new PNG({ width, height, colorType: spec.colorMode === 'RGB24' ? 2 : 0, inputColorType: 6, bitDepth: 8 });
  canvas.data.copy(png.data);
  return PNG.sync.write(png, { colorType: spec.colorMode === 'RGB24' ? 2 : 0, inputColorType: 6, bitDepth: 8 });
}
