import { readFileSync } from 'node:fs';

const FIXTURES = new URL('../../../test-fixtures/ptp/', import.meta.url);

/** A captured data container: its header fields, the dataset bytes that were kept, and whether the source cut it. */
export interface Capture {
  announcedLength: number;
  type: number;
  code: number;
  /** The dataset (the container without its 12-byte header), as far as the capture goes. */
  dataset: Uint8Array;
  truncated: boolean;
}

/** Reads a capture from `test-fixtures/ptp/` (binary, or a libgphoto2 hexdump `.hex`). */
export function readCapture(path: string): Capture {
  const raw = readFileSync(new URL(path, FIXTURES));
  const bytes = path.endsWith('.hex') ? fromHexdump(raw.toString('utf8')) : new Uint8Array(raw);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const announcedLength = view.getUint32(0, true);
  return { announcedLength, type: view.getUint16(4, true), code: view.getUint16(6, true), dataset: bytes.slice(12), truncated: bytes.length < announcedLength };
}

/** The bytes of a libgphoto2 hexdump: `0010  00 00 64 00 ...-... 00  ascii` per line. */
function fromHexdump(text: string): Uint8Array {
  const out: number[] = [];
  for (const line of text.split('\n')) {
    const match = /^[0-9a-f]{4}\s{2}(.{47})/i.exec(line);
    if (!match) continue;
    for (const pair of match[1]!.replace('-', ' ').trim().split(/\s+/)) if (pair) out.push(parseInt(pair, 16));
  }
  return Uint8Array.from(out);
}
