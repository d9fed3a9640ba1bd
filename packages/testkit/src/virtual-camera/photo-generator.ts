import { encode } from 'jpeg-js';

/** What a generated photo shows. */
export interface PhotoSpec {
  /** Drawn large in the picture, and varies the scene (sun position, colours). */
  label: string;
  width: number;
  height: number;
  /** JPEG quality 1–100 (default 85). */
  quality?: number;
}

/** 5×7 glyphs for the characters a label may use; others draw as blanks. */
const GLYPHS: Record<string, readonly string[]> = {
  '0': ['01110', '10001', '10011', '10101', '11001', '10001', '01110'],
  '1': ['00100', '01100', '00100', '00100', '00100', '00100', '01110'],
  '2': ['01110', '10001', '00001', '00010', '00100', '01000', '11111'],
  '3': ['11110', '00001', '00001', '01110', '00001', '00001', '11110'],
  '4': ['00010', '00110', '01010', '10010', '11111', '00010', '00010'],
  '5': ['11111', '10000', '11110', '00001', '00001', '10001', '01110'],
  '6': ['00110', '01000', '10000', '11110', '10001', '10001', '01110'],
  '7': ['11111', '00001', '00010', '00100', '01000', '01000', '01000'],
  '8': ['01110', '10001', '10001', '01110', '10001', '10001', '01110'],
  '9': ['01110', '10001', '10001', '01111', '00001', '00010', '01100'],
  '#': ['01010', '01010', '11111', '01010', '11111', '01010', '01010'],
  '-': ['00000', '00000', '00000', '11111', '00000', '00000', '00000'],
};

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/** Paints a landscape — sky, sun, hills — and the label, into RGBA pixels. */
function paint(spec: PhotoSpec): Buffer {
  const { width, height } = spec;
  const pixels = Buffer.alloc(width * height * 4);
  const seed = hash(spec.label);
  const sunX = width * (0.2 + ((seed & 0xff) / 255) * 0.6);
  const sunY = height * 0.3;
  const sunR = Math.max(2, Math.min(width, height) * 0.12);
  const hue = (seed >>> 8) & 0xff;
  const hill = height * (0.62 + 0.06 * Math.sin(seed));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const ridge = hill + height * 0.06 * Math.sin((x / width) * Math.PI * 3 + (seed & 7));
      // Channel by channel, without a temporary array per pixel: a short-lived CLI paints cold, and garbage costs it most.
      if (y > ridge) {
        const depth = (y - ridge) / (height - ridge + 1);
        pixels[i] = 40 + hue / 6;
        pixels[i + 1] = 120 - depth * 60;
        pixels[i + 2] = 40;
      } else if ((x - sunX) ** 2 + (y - sunY) ** 2 < sunR ** 2) {
        pixels[i] = 255;
        pixels[i + 1] = 215;
        pixels[i + 2] = 80;
      } else {
        const t = y / height;
        pixels[i] = 90 + t * 80;
        pixels[i + 1] = 140 + t * 70;
        pixels[i + 2] = 235 - hue / 8;
      }
      pixels[i + 3] = 255;
    }
  }
  drawLabel(pixels, spec);
  return pixels;
}

/** Draws the label in white blocks, about a fifth of the picture high, bottom left. */
function drawLabel(pixels: Buffer, { label, width, height }: PhotoSpec): void {
  const scale = Math.max(1, Math.floor(height / 5 / 7));
  const left = scale * 2;
  const top = height - scale * 9;
  [...label].forEach((char, n) => {
    const glyph = GLYPHS[char];
    if (!glyph) return;
    glyph.forEach((row, gy) => {
      [...row].forEach((bit, gx) => {
        if (bit !== '1') return;
        for (let dy = 0; dy < scale; dy++) {
          for (let dx = 0; dx < scale; dx++) {
            const x = left + (n * 6 + gx) * scale + dx;
            const y = top + gy * scale + dy;
            if (x < 0 || y < 0 || x >= width || y >= height) continue;
            const i = (y * width + x) * 4;
            pixels[i] = pixels[i + 1] = pixels[i + 2] = 255;
          }
        }
      });
    });
  });
}

/** Room for jpeg-js's headers (JFIF, quantisation and Huffman tables, frame, scan) in every photo's length. */
const HEADER_ROOM = 2048;

/**
 * The length of the photo {@link generatePhoto} draws for `spec`, known
 * without drawing it: a camera announces its objects' sizes (ObjectInfo)
 * long before a host reads them, and `openwia list` must not pay for
 * pictures nobody asked for. About twice what the landscape takes at
 * quality 85 at every size from 16×16 to 4000×3000: half a bit a pixel for
 * the smooth areas and 400 bits per pixel of edge length (the sun, the
 * hills, the label) — the photo is padded to it.
 */
export function photoByteLength({ width, height }: Pick<PhotoSpec, 'width' | 'height'>): number {
  const pixels = width * height;
  return HEADER_ROOM + Math.ceil((0.5 * pixels + 400 * Math.sqrt(pixels)) / 8);
}

/** The longest COM segment: a 16-bit length that counts itself. */
const MAX_COMMENT = 0xffff + 2;

/** `jpeg` (which starts SOI, APP0) with COM segments after its APP0 that bring it to exactly `length` bytes; `undefined` when 1–3 bytes are missing (no segment is that short). */
function padded(jpeg: Uint8Array, length: number): Uint8Array | undefined {
  let missing = length - jpeg.length;
  if (missing === 0) return jpeg;
  if (missing < 4) return undefined;
  const afterApp0 = 4 + ((jpeg[4]! << 8) | jpeg[5]!);
  const out = new Uint8Array(length);
  out.set(jpeg.subarray(0, afterApp0));
  let at = afterApp0;
  while (missing > 0) {
    // Never leave 1–3 bytes for a last segment.
    const size = missing > MAX_COMMENT && missing - MAX_COMMENT < 4 ? missing - 4 : Math.min(missing, MAX_COMMENT);
    out.set([0xff, 0xfe, (size - 2) >> 8, (size - 2) & 0xff], at);
    out.fill(0x20, at + 4, at + size);
    at += size;
    missing -= size;
  }
  out.set(jpeg.subarray(afterApp0), at);
  return out;
}

const cache = new Map<string, Uint8Array>();

/**
 * A real baseline JPEG (jpeg-js) of a small landscape with `label` written
 * on it, exactly {@link photoByteLength} bytes long: comment (COM) segments
 * fill what the picture does not take, as a camera's maker notes do. Should
 * a picture not fit, it is encoded again at a lower quality. Deterministic:
 * the same spec gives the same bytes, and results are memoised since
 * encoding dominates a virtual camera's cost.
 */
export function generatePhoto(spec: PhotoSpec): Uint8Array {
  const key = `${spec.label}|${spec.width}x${spec.height}|${spec.quality ?? 85}`;
  let jpeg = cache.get(key);
  if (!jpeg) {
    const pixels = paint(spec);
    const length = photoByteLength(spec);
    for (let quality = spec.quality ?? 85; !jpeg && quality >= 1; quality -= 5) {
      const encoded = encode({ data: pixels, width: spec.width, height: spec.height }, quality).data;
      if (encoded.length <= length) jpeg = padded(new Uint8Array(encoded.buffer, encoded.byteOffset, encoded.byteLength), length);
    }
    if (!jpeg) throw new RangeError(`a ${spec.width}×${spec.height} photo does not fit in ${length} bytes at any quality`);
    cache.set(key, jpeg);
  }
  return jpeg;
}
