/**
 * PTP (ISO 15740) and USB Still Image class codes, as the wire carries them.
 * Names follow the standard so that anyone holding the specification (or
 * libgphoto2's `ptp.h`) finds them.
 */

/** Bulk container types. */
export const PtpContainerType = {
  Command: 1,
  Data: 2,
  Response: 3,
  Event: 4,
} as const;

/** Operation codes used by this plugin (and a few more for readable logs). */
export const PtpOperation = {
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
  SendObjectInfo: 0x100c,
  SendObject: 0x100d,
  InitiateCapture: 0x100e,
  FormatStore: 0x100f,
  ResetDevice: 0x1010,
  GetDevicePropDesc: 0x1014,
  GetDevicePropValue: 0x1015,
  SetDevicePropValue: 0x1016,
  GetPartialObject: 0x101b,
  /** MTP GetObjectPropValue: one property of an object (ObjectSize for objects past 4 GiB). */
  GetObjectPropValue: 0x9803,
  /** Android's MTP extension: GetPartialObject with a 64-bit offset (handle, offset low, offset high, max bytes). */
  GetPartialObject64: 0x95c1,
} as const;

/** Response codes. */
export const PtpResponse = {
  OK: 0x2001,
  GeneralError: 0x2002,
  SessionNotOpen: 0x2003,
  InvalidTransactionID: 0x2004,
  OperationNotSupported: 0x2005,
  ParameterNotSupported: 0x2006,
  IncompleteTransfer: 0x2007,
  InvalidStorageID: 0x2008,
  InvalidObjectHandle: 0x2009,
  StoreFull: 0x200c,
  ObjectWriteProtected: 0x200d,
  AccessDenied: 0x200f,
  NoThumbnailPresent: 0x2010,
  StoreNotAvailable: 0x2013,
  DeviceBusy: 0x2019,
  InvalidParameter: 0x201d,
  SessionAlreadyOpened: 0x201e,
  TransactionCancelled: 0x201f,
} as const;

/** Event codes (interrupt endpoint). */
export const PtpEvent = {
  CancelTransaction: 0x4001,
  ObjectAdded: 0x4002,
  ObjectRemoved: 0x4003,
  StoreAdded: 0x4004,
  StoreRemoved: 0x4005,
  DevicePropChanged: 0x4006,
  ObjectInfoChanged: 0x4007,
  DeviceInfoChanged: 0x4008,
  StoreFull: 0x400a,
  DeviceReset: 0x400b,
  StorageInfoChanged: 0x400c,
  CaptureComplete: 0x400d,
} as const;

/** Object format codes. */
export const PtpObjectFormat = {
  Undefined: 0x3000,
  Association: 0x3001,
  ExifJpeg: 0x3801,
  TiffEp: 0x3802,
  Bmp: 0x3804,
  Jfif: 0x3808,
  Png: 0x380b,
  Tiff: 0x380d,
} as const;

/** USB Still Image class-specific requests (to the interface). */
export const PtpClassRequest = {
  CancelRequest: 0x64,
  GetExtendedEventData: 0x65,
  DeviceReset: 0x66,
  GetDeviceStatus: 0x67,
} as const;

/** Bytes of a container header: length u32, type u16, code u16, transaction id u32. */
export const PTP_HEADER_SIZE = 12;
/** Commands and responses carry at most five parameters. */
export const PTP_MAX_PARAMS = 5;
/** Events carry at most three parameters. */
export const PTP_MAX_EVENT_PARAMS = 3;
/** A data container length of 0xFFFFFFFF means "longer than 4 GiB": read until the transfer ends. */
export const PTP_LENGTH_UNKNOWN = 0xffffffff;
/** The session id this plugin opens (any non-zero value works). */
export const PTP_SESSION_ID = 1;

/** Code → name, for logs and error messages. */
function invert(table: Record<string, number>): ReadonlyMap<number, string> {
  return new Map(Object.entries(table).map(([name, code]) => [code, name]));
}
const NAMES: ReadonlyMap<number, string> = new Map([
  ...invert(PtpOperation),
  ...invert(PtpResponse),
  ...invert(PtpEvent),
  ...invert(PtpObjectFormat),
]);

/** The standard name of an operation, response, event or format code, or its hex form. */
export function ptpCodeName(code: number): string {
  return NAMES.get(code) ?? `0x${code.toString(16).padStart(4, '0')}`;
}

/** MTP object property codes the plugin reads. */
export const MtpObjectProperty = {
  /** ObjectSize, a UINT64: the size when ObjectInfo's UINT32 says 0xFFFFFFFF. */
  ObjectSize: 0xdc04,
} as const;
