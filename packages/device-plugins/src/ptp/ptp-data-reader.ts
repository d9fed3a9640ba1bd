import { PtpProtocolError } from './ptp-errors.js';

/**
 * A bounded little-endian cursor over device data. Every read checks the
 * remaining length first, so a lying count or a truncated dataset becomes a
 * {@link PtpProtocolError} instead of an out-of-range read or a huge
 * allocation.
 */
export class PtpDataReader {
  private offset = 0;
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    /** What is being read, for error messages (e.g. `ObjectInfo`). */
    private readonly what: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Bytes not read yet. */
  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  u8(field: string): number {
    this.need(1, field);
    return this.view.getUint8(this.offset++);
  }

  u16(field: string): number {
    this.need(2, field);
    const value = this.view.getUint16(this.offset, true);
    this.offset += 2;
    return value;
  }

  u32(field: string): number {
    this.need(4, field);
    const value = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return value;
  }

  /** A u64; exact below 2^53, rounded above (capacities, not identities). */
  u64(field: string): number {
    const low = this.u32(field);
    const high = this.u32(field);
    return high * 0x1_0000_0000 + low;
  }

  /**
   * A PTP string: a count byte (UTF-16 code units including the terminating
   * NUL; 0 = empty string), then the code units. A missing terminator is
   * tolerated (some cameras omit it); everything from the first NUL is cut.
   */
  string(field: string): string {
    const count = this.u8(field);
    if (count === 0) return '';
    this.need(count * 2, field);
    const units: number[] = [];
    for (let i = 0; i < count; i++) units.push(this.view.getUint16(this.offset + i * 2, true));
    this.offset += count * 2;
    const end = units.indexOf(0);
    return String.fromCharCode(...(end < 0 ? units : units.slice(0, end)));
  }

  /**
   * A string at the end of a dataset that real devices may leave out or cut
   * (DeviceInfo's last strings, ObjectInfo's dates and Keywords): `''` when
   * the dataset ends before it or inside it, as real initiators read them.
   */
  trailingString(field: string): string {
    if (this.remaining === 0) return '';
    const count = this.view.getUint8(this.offset);
    if (1 + count * 2 > this.remaining) {
      this.offset = this.bytes.length;
      return '';
    }
    return this.string(field);
  }

  /** A u16 array: a u32 count, then the elements. The count is checked against the bytes left before anything is allocated. */
  u16Array(field: string): number[] {
    return this.array(field, 2, () => this.u16(field));
  }

  /** A u32 array: a u32 count, then the elements. */
  u32Array(field: string): number[] {
    return this.array(field, 4, () => this.u32(field));
  }

  private array(field: string, elementSize: number, element: () => number): number[] {
    const count = this.u32(`${field} count`);
    if (count * elementSize > this.remaining) {
      throw new PtpProtocolError('length', `${this.what}.${field} claims ${count} elements but only ${this.remaining} bytes follow`);
    }
    const values = new Array<number>(count);
    for (let i = 0; i < count; i++) values[i] = element();
    return values;
  }

  private need(size: number, field: string): void {
    if (this.remaining < size) {
      throw new PtpProtocolError('truncated', `${this.what} ends inside ${field} (needs ${size} bytes at offset ${this.offset}, ${this.remaining} left)`);
    }
  }
}
