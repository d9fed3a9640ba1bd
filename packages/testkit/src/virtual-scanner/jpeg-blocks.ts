/**
 * Reads the coded blocks of a baseline 4:4:4 JPEG scan (as jpeg-js writes
 * it) and writes a scan from coded blocks in any order: the Huffman codes of
 * a block's AC coefficients do not depend on its neighbours, only its DC
 * difference does, and that is re-coded against the block before it.
 */

/** One Huffman table: decoding by code length (ITU T.81 F.2.2.3) and the code of each symbol. */
interface HuffmanTable {
  minCode: Int32Array;
  maxCode: Int32Array;
  valuePointer: Int32Array;
  values: Uint8Array;
  /** symbol → code and its length in bits. */
  codes: Map<number, { code: number; length: number }>;
}

/** One 8×8 block of one component: its DC value, and its AC codes as (bits, length) pairs ready to be written again. */
export interface CodedBlock {
  dc: number;
  ac: number[];
}

function buildTable(counts: Uint8Array, values: Uint8Array): HuffmanTable {
  const table: HuffmanTable = { minCode: new Int32Array(17), maxCode: new Int32Array(17).fill(-1), valuePointer: new Int32Array(17), values, codes: new Map() };
  let code = 0;
  let k = 0;
  for (let length = 1; length <= 16; length++) {
    const n = counts[length - 1]!;
    table.valuePointer[length] = k;
    table.minCode[length] = code;
    if (n > 0) table.maxCode[length] = code + n - 1;
    for (let i = 0; i < n; i++) table.codes.set(values[k + i]!, { code: code + i, length });
    code = (code + n) << 1;
    k += n;
  }
  return table;
}

/** For each scan component, its DC and AC table: DHT segments read, matched through the SOS header. */
export function scanTables(head: Uint8Array): Array<{ dc: HuffmanTable; ac: HuffmanTable }> {
  const tables = new Map<number, HuffmanTable>();
  for (let at = 2; ; ) {
    const marker = head[at + 1]!;
    const length = (head[at + 2]! << 8) | head[at + 3]!;
    if (marker === 0xc4) {
      for (let p = at + 4; p < at + 2 + length; ) {
        const counts = head.subarray(p + 1, p + 17);
        const total = counts.reduce((a, b) => a + b, 0);
        tables.set(head[p]!, buildTable(counts, head.subarray(p + 17, p + 17 + total)));
        p += 17 + total;
      }
    }
    if (marker === 0xda) {
      return Array.from({ length: head[at + 4]! }, (_, i) => {
        const selectors = head[at + 6 + 2 * i]!;
        return { dc: tables.get(selectors >> 4)!, ac: tables.get(0x10 | (selectors & 15))! };
      });
    }
    at += 2 + length;
  }
}

/** Reads bits from entropy-coded data, skipping the 0x00 stuffed after each 0xFF. */
class BitReader {
  private byteAt = 0;
  private bitAt = 8;
  private current = 0;
  constructor(private readonly data: Uint8Array) {}

  bits(n: number): number {
    let value = 0;
    for (let i = 0; i < n; i++) {
      if (this.bitAt === 8) {
        if (this.byteAt >= this.data.length) throw new Error('the JPEG scan ends inside a block');
        this.current = this.data[this.byteAt++]!;
        if (this.current === 0xff) this.byteAt++;
        this.bitAt = 0;
      }
      value = (value << 1) | ((this.current >> (7 - this.bitAt++)) & 1);
    }
    return value;
  }

  decode(table: HuffmanTable): number {
    let code = this.bits(1);
    let length = 1;
    while (code > table.maxCode[length]!) {
      code = (code << 1) | this.bits(1);
      if (++length > 16) throw new Error('the JPEG scan holds a code no table has');
    }
    return table.values[table.valuePointer[length]! + code - table.minCode[length]!]!;
  }
}

/** Writes entropy-coded data: 0x00 stuffed after each 0xFF; at the end 1-padded as jpeg-js pads (a whole 0xFF byte when aligned). */
class BitWriter {
  private bytes = new Uint8Array(64 * 1024);
  private length = 0;
  private acc = 0;
  private used = 0;

  /** Writes the low `n` bits of `value` (n ≤ 16). */
  bits(value: number, n: number): void {
    this.acc = (this.acc << n) | (value & ((1 << n) - 1));
    this.used += n;
    while (this.used >= 8) {
      this.used -= 8;
      const byte = (this.acc >> this.used) & 0xff;
      this.push(byte);
      if (byte === 0xff) this.push(0);
    }
    this.acc &= (1 << this.used) - 1;
  }

  finish(): Uint8Array {
    this.bits(0xff, 8 - this.used);
    return this.bytes.subarray(0, this.length);
  }

  private push(byte: number): void {
    if (this.length === this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes[this.length++] = byte;
  }
}

/** The value of `raw`, read as the `size` extra bits of a coefficient (T.81 F.2.2.1). */
function extend(raw: number, size: number): number {
  return size === 0 ? 0 : raw < 1 << (size - 1) ? raw - (1 << size) + 1 : raw;
}

function sizeOf(value: number): number {
  let size = 0;
  for (let v = Math.abs(value); v > 0; v >>= 1) size++;
  return size;
}

/** The first `mcus` MCUs of a scan (one block per component each), decoded down to their codes. */
export function readBlocks(head: Uint8Array, scan: Uint8Array, mcus: number): CodedBlock[][] {
  const components = scanTables(head);
  const predictors = components.map(() => 0);
  const reader = new BitReader(scan);
  const out: CodedBlock[][] = [];
  for (let mcu = 0; mcu < mcus; mcu++) {
    out.push(
      components.map(({ dc, ac }, c) => {
        const size = reader.decode(dc);
        predictors[c] = predictors[c]! + extend(reader.bits(size), size);
        const codes: number[] = [];
        for (let k = 1; k < 64; k++) {
          const rs = reader.decode(ac);
          const { code, length } = ac.codes.get(rs)!;
          codes.push(code, length, reader.bits(rs & 15), rs & 15);
          if ((rs & 15) === 0 && rs !== 0xf0) break;
          k += rs >> 4;
        }
        return { dc: predictors[c]!, ac: codes };
      }),
    );
  }
  return out;
}

/**
 * A scan of the MCUs `order` names (indexes into `mcus`, each a block per
 * component), with `head`'s tables; DC differences re-coded in the new order.
 */
export function writeBlocks(head: Uint8Array, mcus: ReadonlyArray<readonly CodedBlock[]>, order: ArrayLike<number>): Uint8Array {
  const components = scanTables(head);
  const predictors = components.map(() => 0);
  const writer = new BitWriter();
  for (let m = 0; m < order.length; m++) {
    const blocks = mcus[order[m]!]!;
    for (let c = 0; c < components.length; c++) {
      const block = blocks[c]!;
      const difference = block.dc - predictors[c]!;
      predictors[c] = block.dc;
      const size = sizeOf(difference);
      const { code, length } = components[c]!.dc.codes.get(size)!;
      writer.bits(code, length);
      writer.bits(difference < 0 ? difference + (1 << size) - 1 : difference, size);
      const ac = block.ac;
      for (let i = 0; i < ac.length; i += 4) {
        writer.bits(ac[i]!, ac[i + 1]!);
        writer.bits(ac[i + 2]!, ac[i + 3]!);
      }
    }
  }
  return writer.finish();
}
