import jpeg from 'jpeg-js';
import { readBlocks, writeBlocks } from './jpeg-blocks.js';

/**
 * JPEG encoding that transforms each distinct 8×8 block once. A test page —
 * white margins, ruled lines, block digits — holds a few hundred distinct
 * blocks among tens of thousands (34 000 at A4, 150 dpi), so jpeg-js encodes a
 * strip of the distinct blocks only, and the page's scan is written from
 * their codes. The file is byte for byte the one jpeg-js writes for the whole
 * page: jpeg-js codes 4:4:4 with fixed tables, so a block's codes depend on
 * its pixels alone, but for the DC difference, which is re-coded in page order.
 */

const BLOCK = 8;
/** The widest strip of distinct blocks (JPEG sizes are 16-bit); a page with more falls back to a whole encode. */
const MAX_DISTINCT = Math.floor(0xffff / BLOCK);

/** The 32-bit pixels of an RGBA image (a copy when its bytes are not 4-aligned). */
function pixelsOf(rgba: Buffer): Uint32Array {
  if (rgba.byteOffset % 4 === 0) return new Uint32Array(rgba.buffer, rgba.byteOffset, rgba.length >> 2);
  return new Uint32Array(Uint8Array.from(rgba).buffer);
}

/** Copies the block at (`bx`, `by`) into `block`, edges replicated as jpeg-js pads them; returns its FNV-1a hash. */
function readBlock(pixels: Uint32Array, width: number, height: number, bx: number, by: number, block: Uint32Array): number {
  let hash = 0x811c9dc5;
  const x0 = bx * BLOCK;
  const inside = x0 + BLOCK <= width;
  for (let row = 0; row < BLOCK; row++) {
    const line = Math.min(by * BLOCK + row, height - 1) * width;
    for (let col = 0; col < BLOCK; col++) {
      const pixel = pixels[line + (inside ? x0 + col : Math.min(x0 + col, width - 1))]!;
      block[row * BLOCK + col] = pixel;
      hash = Math.imul(hash ^ pixel, 0x01000193);
    }
  }
  return hash;
}

/** The index (among `candidates`) of the kept block equal to `block`, pixel for pixel. */
function findEqual(candidates: readonly number[], kept: readonly Uint32Array[], block: Uint32Array): number | undefined {
  for (const index of candidates) {
    const other = kept[index]!;
    let same = true;
    for (let j = 0; j < block.length && same; j++) same = other[j] === block[j];
    if (same) return index;
  }
  return undefined;
}

/**
 * The index of each block of the image into a list of distinct blocks, and
 * those blocks laid side by side (a strip 8 lines high). A block's pixels are
 * read in place, edges replicated as jpeg-js pads them; blocks are bucketed by
 * an FNV-1a hash and compared pixel by pixel.
 */
function distinctBlocks(rgba: Buffer, width: number, height: number): { order: Uint32Array; strip: Buffer; count: number } | undefined {
  const pixels = pixelsOf(rgba);
  const across = Math.ceil(width / BLOCK);
  const down = Math.ceil(height / BLOCK);
  const order = new Uint32Array(across * down);
  const kept: Uint32Array[] = [];
  const buckets = new Map<number, number[]>();
  const block = new Uint32Array(BLOCK * BLOCK);
  for (let by = 0; by < down; by++) {
    for (let bx = 0; bx < across; bx++) {
      const hash = readBlock(pixels, width, height, bx, by, block);
      const bucket = buckets.get(hash);
      let index = bucket === undefined ? undefined : findEqual(bucket, kept, block);
      if (index === undefined) {
        if (kept.length >= MAX_DISTINCT) return undefined;
        index = kept.length;
        kept.push(block.slice());
        if (bucket) bucket.push(index);
        else buckets.set(hash, [index]);
      }
      order[by * across + bx] = index;
    }
  }
  // Line r of the strip is line r of every distinct block in turn.
  const strip = new Uint32Array(kept.length * BLOCK * BLOCK);
  kept.forEach((b, i) => {
    for (let row = 0; row < BLOCK; row++) strip.set(b.subarray(row * BLOCK, (row + 1) * BLOCK), row * kept.length * BLOCK + i * BLOCK);
  });
  return { order, strip: Buffer.from(strip.buffer), count: kept.length };
}

/** SOI … SOS header of a jpeg-js file, where its SOF0 starts, and its scan data. */
function splitJpeg(file: Uint8Array): { head: Buffer; sofAt: number; scan: Uint8Array } {
  let sofAt = -1;
  for (let at = 2; ; ) {
    if (file[at] !== 0xff) throw new Error('jpeg-js output without a marker where one belongs');
    const marker = file[at + 1]!;
    if (marker === 0xc0) sofAt = at;
    const next = at + 2 + ((file[at + 2]! << 8) | file[at + 3]!);
    // jpeg-js ends the file with EOI right after the scan data.
    if (marker === 0xda) return { head: Buffer.from(file.subarray(0, next)), sofAt, scan: file.subarray(next, file.length - 2) };
    at = next;
  }
}

/** Encodes `rgba` (`width` × `height`, 4 bytes a pixel) as jpeg-js would, at `quality`, transforming each distinct block once. */
export function encodeDeduplicatedJpeg(rgba: Buffer, width: number, height: number, quality: number): Buffer {
  const distinct = distinctBlocks(rgba, width, height);
  if (!distinct) return Buffer.from(jpeg.encode({ data: rgba, width, height }, quality).data);
  const { head, sofAt, scan } = splitJpeg(jpeg.encode({ data: distinct.strip, width: distinct.count * BLOCK, height: BLOCK }, quality).data);
  const coded = readBlocks(head, scan, distinct.count);
  // SOF0: FF C0, length (2), precision (1), height (2), width (2).
  head.writeUInt16BE(height, sofAt + 5);
  head.writeUInt16BE(width, sofAt + 7);
  return Buffer.concat([head, writeBlocks(head, coded, distinct.order), Buffer.from([0xff, 0xd9])]);
}
