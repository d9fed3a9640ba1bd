/**
 * The virtual camera's own PTP wire code (device side). Deliberately written
 * apart from the plugin's codec: a misreading of the standard in one must not
 * be mirrored by the other.
 */

/** Operation codes the camera answers. */
export const OP = {
  GetDeviceInfo: 0x1001,
  OpenSession: 0x1002,
  CloseSession: 0x1003,
  GetStorageIDs: 0x1004,
  GetStorageInfo: 0x1005,
  GetNumObjects: 0x1006,
  GetObjectHandles: 0x1007,
  GetObjectInfo: 0x1008,
  GetObject: 0x1009,
  GetThumb: 0x100a,
  DeleteObject: 0x100b,
  GetPartialObject: 0x101b,
  GetDevicePropDesc: 0x1014,
  GetDevicePropValue: 0x1015,
  /** MTP: one property of an object (ObjectSize 0xDC04 gives sizes past 4 GiB). */
  GetObjectPropValue: 0x9803,
  /** Android MTP extension: GetPartialObject with a 64-bit offset (handle, offset low, offset high, max bytes). */
  GetPartialObject64: 0x95c1,
} as const;

/** MTP object property codes the camera answers. */
export const OBJECT_PROP = { ObjectSize: 0xdc04 } as const;

/** Response codes the camera gives. */
export const RC = {
  OK: 0x2001,
  GeneralError: 0x2002,
  SessionNotOpen: 0x2003,
  InvalidTransactionID: 0x2004,
  OperationNotSupported: 0x2005,
  InvalidStorageID: 0x2008,
  DevicePropNotSupported: 0x200a,
  InvalidObjectHandle: 0x2009,
  ObjectWriteProtected: 0x200d,
  NoThumbnailPresent: 0x2010,
  DeviceBusy: 0x2019,
  InvalidParameter: 0x201d,
  SessionAlreadyOpened: 0x201e,
  TransactionCancelled: 0x201f,
} as const;

/** Event codes the camera sends. */
export const EV = {
  CancelTransaction: 0x4001,
  ObjectAdded: 0x4002,
  ObjectRemoved: 0x4003,
  StoreAdded: 0x4004,
  StoreRemoved: 0x4005,
} as const;

/** Object formats the camera stores. */
export const FMT = {
  Undefined: 0x3000,
  Association: 0x3001,
  ExifJpeg: 0x3801,
  Jfif: 0x3808,
} as const;

/** Still-image class control requests. */
export const CLASS_REQUEST = { Cancel: 0x64, GetExtendedEventData: 0x65, DeviceReset: 0x66, GetDeviceStatus: 0x67 } as const;

/** Container kinds on the wire. */
export const KIND = { Command: 1, Data: 2, Response: 3, Event: 4 } as const;

/** A command as the host sent it. */
export interface HostCommand {
  code: number;
  transactionId: number;
  params: number[];
}

/**
 * Reads a command container; `undefined` when the bytes are not one (wrong
 * kind, bad length). The camera then stalls its OUT pipe, as devices do.
 */
export function readCommand(bytes: Uint8Array): HostCommand | undefined {
  if (bytes.length < 12 || bytes.length > 32 || bytes.length % 4 !== 0) return undefined;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0, true) !== bytes.length || dv.getUint16(4, true) !== KIND.Command) return undefined;
  const params: number[] = [];
  for (let at = 12; at < bytes.length; at += 4) params.push(dv.getUint32(at, true));
  return { code: dv.getUint16(6, true), transactionId: dv.getUint32(8, true), params };
}

/** A 12-byte container header. `length` is the whole container's. */
export function header(kind: number, code: number, transactionId: number, length: number): Uint8Array {
  const bytes = new Uint8Array(12);
  const dv = new DataView(bytes.buffer);
  dv.setUint32(0, Math.min(length, 0xffffffff), true);
  dv.setUint16(4, kind, true);
  dv.setUint16(6, code, true);
  dv.setUint32(8, transactionId, true);
  return bytes;
}

/** A response or event container with its parameters. */
export function paramContainer(kind: number, code: number, transactionId: number, params: readonly number[] = []): Uint8Array {
  const bytes = new Uint8Array(12 + params.length * 4);
  bytes.set(header(kind, code, transactionId, bytes.length));
  const dv = new DataView(bytes.buffer);
  params.forEach((value, i) => dv.setUint32(12 + i * 4, value >>> 0, true));
  return bytes;
}

/** Builds a dataset field by field (little endian, PTP strings and arrays). */
export class DatasetBuilder {
  private readonly parts: number[] = [];

  u8(value: number): this {
    this.parts.push(value & 0xff);
    return this;
  }

  u16(value: number): this {
    return this.u8(value).u8(value >>> 8);
  }

  u32(value: number): this {
    return this.u16(value & 0xffff).u16(value >>> 16);
  }

  u64(value: number): this {
    return this.u32(value % 0x1_0000_0000).u32(Math.floor(value / 0x1_0000_0000));
  }

  /** A PTP string: character count with the NUL, UTF-16LE units, NUL. Empty → a single 0. Longer than 254 units is cut. */
  str(text: string): this {
    if (text.length === 0) return this.u8(0);
    const units = text.slice(0, 254);
    this.u8(units.length + 1);
    for (let i = 0; i < units.length; i++) this.u16(units.charCodeAt(i));
    return this.u16(0);
  }

  u16s(values: readonly number[]): this {
    this.u32(values.length);
    for (const v of values) this.u16(v);
    return this;
  }

  u32s(values: readonly number[]): this {
    this.u32(values.length);
    for (const v of values) this.u32(v);
    return this;
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}
