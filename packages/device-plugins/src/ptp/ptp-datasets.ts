import { PtpDataReader } from './ptp-data-reader.js';

/** The DeviceInfo dataset (GetDeviceInfo). */
export interface PtpDeviceInfo {
  standardVersion: number;
  vendorExtensionId: number;
  vendorExtensionVersion: number;
  vendorExtensionDesc: string;
  functionalMode: number;
  operationsSupported: number[];
  eventsSupported: number[];
  devicePropertiesSupported: number[];
  captureFormats: number[];
  imageFormats: number[];
  manufacturer: string;
  model: string;
  deviceVersion: string;
  serialNumber: string;
}

/** The StorageInfo dataset (GetStorageInfo). */
export interface PtpStorageInfo {
  storageType: number;
  filesystemType: number;
  accessCapability: number;
  maxCapacity: number;
  freeSpaceInBytes: number;
  freeSpaceInImages: number;
  storageDescription: string;
  volumeLabel: string;
}

/** The ObjectInfo dataset (GetObjectInfo), as the device states it (not yet sanitised). */
export interface PtpObjectInfo {
  storageId: number;
  objectFormat: number;
  protectionStatus: number;
  compressedSize: number;
  thumbFormat: number;
  thumbCompressedSize: number;
  thumbPixWidth: number;
  thumbPixHeight: number;
  imagePixWidth: number;
  imagePixHeight: number;
  imageBitDepth: number;
  parentObject: number;
  associationType: number;
  associationDesc: number;
  sequenceNumber: number;
  filename: string;
  captureDate: string;
  modificationDate: string;
  keywords: string;
  /**
   * `true` when the device sent ObjectCompressedSize as a UINT64 (some Samsung
   * phones do; every later field is then 4 bytes further on).
   */
  compressedSize64?: true;
}

/** Parses a DeviceInfo dataset; throws `PtpProtocolError` when it is truncated or lies about counts. */
export function parseDeviceInfo(bytes: Uint8Array): PtpDeviceInfo {
  const r = new PtpDataReader(bytes, 'DeviceInfo');
  return {
    standardVersion: r.u16('StandardVersion'),
    vendorExtensionId: r.u32('VendorExtensionID'),
    vendorExtensionVersion: r.u16('VendorExtensionVersion'),
    vendorExtensionDesc: r.string('VendorExtensionDesc'),
    functionalMode: r.u16('FunctionalMode'),
    operationsSupported: r.u16Array('OperationsSupported'),
    eventsSupported: r.u16Array('EventsSupported'),
    devicePropertiesSupported: r.u16Array('DevicePropertiesSupported'),
    captureFormats: r.u16Array('CaptureFormats'),
    imageFormats: r.u16Array('ImageFormats'),
    // Real devices cut the last strings short (a DeviceInfo bigger than the first read, old firmware): default them.
    manufacturer: r.trailingString('Manufacturer'),
    model: r.trailingString('Model'),
    deviceVersion: r.trailingString('DeviceVersion'),
    serialNumber: r.trailingString('SerialNumber'),
  };
}

/** Parses a StorageInfo dataset. */
export function parseStorageInfo(bytes: Uint8Array): PtpStorageInfo {
  const r = new PtpDataReader(bytes, 'StorageInfo');
  return {
    storageType: r.u16('StorageType'),
    filesystemType: r.u16('FilesystemType'),
    accessCapability: r.u16('AccessCapability'),
    maxCapacity: r.u64('MaxCapacity'),
    freeSpaceInBytes: r.u64('FreeSpaceInBytes'),
    freeSpaceInImages: r.u32('FreeSpaceInImages'),
    storageDescription: r.string('StorageDescription'),
    volumeLabel: r.string('VolumeLabel'),
  };
}

/**
 * Parses an ObjectInfo dataset. Trailing bytes (vendor additions) are
 * ignored; the dates and Keywords default to `''` when the dataset ends
 * before them. Some Samsung phones send ObjectCompressedSize as a UINT64:
 * read with the standard layout, such a dataset gives an empty file name
 * and leaves the real strings unread, so when the 64-bit layout explains the
 * dataset exactly, that reading is taken (and marked `compressedSize64`).
 */
export function parseObjectInfo(bytes: Uint8Array): PtpObjectInfo {
  const standard = readObjectInfo(new PtpDataReader(bytes, 'ObjectInfo'), false);
  if (standard.info.filename !== '' || standard.unread === 0) return standard.info;
  let wide: { info: PtpObjectInfo; unread: number } | undefined;
  try {
    wide = readObjectInfo(new PtpDataReader(bytes, 'ObjectInfo'), true);
  } catch {
    return standard.info; // the 64-bit layout does not fit either: keep the standard reading
  }
  return wide.unread === 0 && wide.info.filename !== '' ? { ...wide.info, compressedSize64: true } : standard.info;
}

function readObjectInfo(r: PtpDataReader, sizeIs64Bit: boolean): { info: PtpObjectInfo; unread: number } {
  const info: PtpObjectInfo = {
    storageId: r.u32('StorageID'),
    objectFormat: r.u16('ObjectFormat'),
    protectionStatus: r.u16('ProtectionStatus'),
    compressedSize: sizeIs64Bit ? r.u64('ObjectCompressedSize') : r.u32('ObjectCompressedSize'),
    thumbFormat: r.u16('ThumbFormat'),
    thumbCompressedSize: r.u32('ThumbCompressedSize'),
    thumbPixWidth: r.u32('ThumbPixWidth'),
    thumbPixHeight: r.u32('ThumbPixHeight'),
    imagePixWidth: r.u32('ImagePixWidth'),
    imagePixHeight: r.u32('ImagePixHeight'),
    imageBitDepth: r.u32('ImageBitDepth'),
    parentObject: r.u32('ParentObject'),
    associationType: r.u16('AssociationType'),
    associationDesc: r.u32('AssociationDesc'),
    sequenceNumber: r.u32('SequenceNumber'),
    filename: r.string('Filename'),
    captureDate: r.trailingString('CaptureDate'),
    modificationDate: r.trailingString('ModificationDate'),
    keywords: r.trailingString('Keywords'),
  };
  return { info, unread: r.remaining };
}

/** Parses a u32 array dataset (GetStorageIDs, GetObjectHandles). */
export function parseU32ArrayDataset(bytes: Uint8Array, what: string): number[] {
  return new PtpDataReader(bytes, what).u32Array('values');
}

const PTP_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(?:\.\d)?(Z|[+-]\d{4})?$/;

/**
 * Converts a PTP date (`YYYYMMDDThhmmss[.s][Z|±hhmm]`) to ISO 8601
 * (`2024-05-01T12:30:00`, zone kept when given). Returns `undefined` for
 * anything else, including impossible dates: device text is not trusted.
 */
export function ptpDateToIso(text: string): string | undefined {
  const m = PTP_DATE.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const probe = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return undefined;
  const zone = m[7] === undefined ? '' : m[7] === 'Z' ? 'Z' : `${m[7].slice(0, 3)}:${m[7].slice(3)}`;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${zone}`;
}
