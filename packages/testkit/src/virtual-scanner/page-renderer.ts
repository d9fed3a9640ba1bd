import { PNG } from 'pngjs';
import { encodeDeduplicatedJpeg } from './deduplicated-jpeg.js';

/** Formats the virtual scanner can deliver. */
export type VirtualPageFormat = 'image/jpeg' | 'image/png' | 'application/pdf';

/** How a virtual page is drawn and encoded. */
export interface PageRenderSpec {
  /** 1-based page number drawn large on the page. */
  pageNumber: number;
  /** Size of the scanned region in pixels. */
  widthPx: number;
  heightPx: number;
  /**
   * Where the region starts on the sheet, in pixels (eSCL `XOffset`/`YOffset` at the scan
   * resolution; default 0). The sheet is drawn whole and the region cut out of it, as a
   * scanner's optics would.
   */
  offsetXPx?: number;
  offsetYPx?: number;
  /** Size of the whole sheet in pixels (default: the region's far corner, i.e. offset + size). */
  sheetWidthPx?: number;
  sheetHeightPx?: number;
  colorMode: 'BlackAndWhite1' | 'Grayscale8' | 'RGB24';
  format: VirtualPageFormat;
  /** JPEG quality 1-100 (default 85); a PDF page holds a JPEG of this quality. */
  quality?: number;
  /** Scan resolution in dpi: sets a PDF page's physical size (default 300). */
  dpi?: number;
}

/** Segments a-g of each digit, as a seven-segment display lights them. */
const SEVEN_SEGMENTS: Record<string, string> = {
  '0': 'abcdef', '1': 'bc', '2': 'abdeg', '3': 'abcdg', '4': 'bcfg',
  '5': 'acdfg', '6': 'acdefg', '7': 'abc', '8': 'abcdefg', '9': 'abcdfg',
};

type Rgb = readonly [number, number, number];

/** An RGBA window onto a sheet: drawing is in sheet coordinates, only the window is kept. */
class Canvas {
  readonly data: Buffer;
  constructor(readonly width: number, readonly height: number, private readonly originX: number, private readonly originY: number) {
    this.data = Buffer.alloc(width * height * 4, 0xff);
  }

  /** Fills a rectangle given in sheet coordinates, row by row (one `fill` per row: fast). */
  fill(x: number, y: number, w: number, h: number, rgb: Rgb): void {
    const x0 = Math.max(0, Math.floor(x) - this.originX), y0 = Math.max(0, Math.floor(y) - this.originY);
    const x1 = Math.min(this.width, Math.floor(x + w) - this.originX), y1 = Math.min(this.height, Math.floor(y + h) - this.originY);
    if (x1 <= x0 || y1 <= y0) return;
    const pixel = Buffer.from([rgb[0], rgb[1], rgb[2], 0xff]);
    const rowStart = (y0 * this.width + x0) * 4;
    this.data.fill(pixel, rowStart, rowStart + (x1 - x0) * 4);
    const first = this.data.subarray(rowStart, rowStart + (x1 - x0) * 4);
    for (let row = y0 + 1; row < y1; row++) first.copy(this.data, (row * this.width + x0) * 4);
  }
}

/** Draws `digits` as seven-segment numerals centred in the box. */
function drawNumber(canvas: Canvas, digits: string, box: { x: number; y: number; w: number; h: number }, rgb: Rgb): void {
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

/** Draws the sheet (frame, ruled "text" lines, the page number) and keeps the region. */
function drawSheet(spec: PageRenderSpec): Canvas {
  const width = Math.max(8, Math.floor(spec.widthPx));
  const height = Math.max(8, Math.floor(spec.heightPx));
  const ox = Math.max(0, Math.floor(spec.offsetXPx ?? 0));
  const oy = Math.max(0, Math.floor(spec.offsetYPx ?? 0));
  const sheetW = Math.max(width + ox, Math.floor(spec.sheetWidthPx ?? 0));
  const sheetH = Math.max(height + oy, Math.floor(spec.sheetHeightPx ?? 0));
  const canvas = new Canvas(width, height, ox, oy);
  const ink: Rgb = spec.colorMode === 'RGB24' ? [20, 40, 160] : [0, 0, 0];
  const border = Math.max(1, Math.floor(sheetW / 100));
  canvas.fill(0, 0, sheetW, border, ink);
  canvas.fill(0, sheetH - border, sheetW, border, ink);
  canvas.fill(0, 0, border, sheetH, ink);
  canvas.fill(sheetW - border, 0, border, sheetH, ink);
  const lineGap = Math.max(4, Math.floor(sheetH / 40));
  for (let y = Math.floor(sheetH * 0.6); y < sheetH - 2 * lineGap; y += lineGap) {
    canvas.fill(sheetW * 0.1, y, sheetW * (0.5 + ((y * 7) % 30) / 100), Math.max(1, lineGap / 4), [128, 128, 128]);
  }
  drawNumber(canvas, String(spec.pageNumber), { x: sheetW * 0.1, y: sheetH * 0.08, w: sheetW * 0.8, h: sheetH * 0.45 }, ink);
  return canvas;
}

/** A test page is mostly repeated blocks: each distinct one is transformed once (jpeg-js underneath; see `encodeDeduplicatedJpeg`). */
function encodeJpeg(canvas: Canvas, quality: number): Buffer {
  return encodeDeduplicatedJpeg(canvas.data, canvas.width, canvas.height, quality);
}

function encodePng(canvas: Canvas, colorMode: PageRenderSpec['colorMode']): Buffer {
  const colorType = colorMode === 'RGB24' ? 2 : 0;
  const png = new PNG({ width: canvas.width, height: canvas.height, colorType, inputColorType: 6, bitDepth: 8 });
  canvas.data.copy(png.data);
  return PNG.sync.write(png, { colorType, inputColorType: 6, bitDepth: 8 });
}

/**
 * Wraps a JPEG in a one-page PDF (pdfkit) whose page has the scan's physical
 * size. pdfkit is loaded on the first PDF page: it costs half a second to
 * load, which a scanner that is never asked for a PDF should not pay.
 */
async function wrapInPdf(jpegBytes: Buffer, widthPx: number, heightPx: number, dpi: number): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit');
  const points = (px: number): number => (px * 72) / dpi;
  const size: [number, number] = [points(widthPx), points(heightPx)];
  // Fixed dates: the same page gives the same bytes.
  const doc = new PDFDocument({ size, margin: 0, autoFirstPage: false, info: { Producer: 'OpenWIA virtual scanner', Creator: 'OpenWIA', CreationDate: new Date(0) } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.addPage({ size, margin: 0 });
  doc.image(jpegBytes, 0, 0, { width: size[0], height: size[1] });
  doc.end();
  return done;
}

/**
 * Renders a test page — a frame, ruled "text" lines and the page number in
 * large seven-segment digits, cut to the scan region — as JPEG (jpeg-js, each distinct block once) or
 * PNG (pngjs). Deterministic: the same spec gives the same bytes. For PDF
 * use {@link renderDocument}.
 */
export function renderPage(spec: PageRenderSpec & { format: 'image/jpeg' | 'image/png' }): Buffer {
  const canvas = drawSheet(spec);
  return spec.format === 'image/jpeg' ? encodeJpeg(canvas, spec.quality ?? 85) : encodePng(canvas, spec.colorMode);
}

/** Renders a page in any {@link VirtualPageFormat}; a PDF (pdfkit) holds the page as a JPEG image. */
export async function renderDocument(spec: PageRenderSpec): Promise<Buffer> {
  if (spec.format !== 'application/pdf') return renderPage({ ...spec, format: spec.format });
  const image = renderPage({ ...spec, format: 'image/jpeg' });
  return wrapInPdf(image, Math.max(8, Math.floor(spec.widthPx)), Math.max(8, Math.floor(spec.heightPx)), spec.dpi ?? 300);
}
