import {
  WIA_CATEGORY_FINISHED_FILE,
  WIA_CATEGORY_FOLDER,
  WIA_IPA_ACCESS_RIGHTS,
  WIA_IPA_DEPTH,
  WIA_IPA_FILENAME_EXTENSION,
  WIA_IPA_FORMAT,
  WIA_IPA_ITEM_SIZE,
  WIA_IPA_ITEM_TIME,
  WIA_IPA_NUMBER_OF_LINES,
  WIA_IPA_PIXELS_PER_LINE,
  WIA_IPA_PREFERRED_FORMAT,
  WIA_IPC_THUMB_HEIGHT,
  WIA_IPC_THUMB_WIDTH,
  WIA_IPC_THUMBNAIL,
  WIA_PROP_READ,
  WiaImgFmt_BMP,
  WiaImgFmt_JPEG,
  WiaImgFmt_PNG,
  WiaImgFmt_RAW,
  WiaImgFmt_TIFF,
  WiaItemType,
  type WiaDrvItem,
  type WiaDrvItemInit,
  type WiaPropertyStorage,
} from '@openwia/core';
import { PtpObjectFormat } from './ptp-codes.js';
import { isFolderObject } from './ptp-object-hierarchy.js';
import { ptpDateToIso, type PtpObjectInfo, type PtpStorageInfo } from './ptp-datasets.js';
import { fileExtension, hex32, sanitizeItemName, uniqueName } from './ptp-names.js';

/** WIA's private item property range starts here; the PTP plugin's own properties live there. */
const WIA_PRIVATE_ITEMPROP = 38914;
/** The object's file name exactly as the camera states it (may be hostile: never use it as a path). */
export const PTP_IPA_ORIGINAL_FILENAME = WIA_PRIVATE_ITEMPROP;
/** 1 when the camera has a thumbnail for the object (read it through `WIA_IPC_THUMBNAIL`). */
export const PTP_IPA_THUMBNAIL_AVAILABLE = WIA_PRIVATE_ITEMPROP + 1;
/** The PTP object handle (or storage id for a storage folder). */
export const PTP_IPA_OBJECT_HANDLE = WIA_PRIVATE_ITEMPROP + 2;

/** WIA access rights bits (`WIA_ITEM_READ`, `WIA_ITEM_CAN_BE_DELETED`). */
const WIA_ITEM_READ = 0x1;
const WIA_ITEM_CAN_BE_DELETED = 0x4;
/** Dimensions beyond this are device nonsense and read as 0 (unknown). */
const MAX_PLAUSIBLE_DIMENSION = 1 << 20;

/** What the driver keeps per item: a storage, a folder (association object), or a file object. */
export type PtpItemContext =
  | { kind: 'storage'; storageId: number; info: PtpStorageInfo }
  | { kind: 'folder'; handle: number; info: PtpObjectInfo }
  | { kind: 'object'; handle: number; info: PtpObjectInfo };

const IMAGE_FORMATS: ReadonlyMap<number, { guid: string; extension: string }> = new Map([
  [PtpObjectFormat.ExifJpeg, { guid: WiaImgFmt_JPEG, extension: 'JPG' }],
  [PtpObjectFormat.Jfif, { guid: WiaImgFmt_JPEG, extension: 'JPG' }],
  [PtpObjectFormat.TiffEp, { guid: WiaImgFmt_TIFF, extension: 'TIF' }],
  [PtpObjectFormat.Tiff, { guid: WiaImgFmt_TIFF, extension: 'TIF' }],
  [PtpObjectFormat.Bmp, { guid: WiaImgFmt_BMP, extension: 'BMP' }],
  [PtpObjectFormat.Png, { guid: WiaImgFmt_PNG, extension: 'PNG' }],
]);

/** The context of an item made by this plugin, if it is one. */
export function ptpContextOf(item: WiaDrvItem): PtpItemContext | undefined {
  const context = item.context as PtpItemContext | undefined;
  return context && (context.kind === 'storage' || context.kind === 'folder' || context.kind === 'object') ? context : undefined;
}

/** The item for a storage: a folder named after its description (or its id). */
export function storageItemInit(storageId: number, info: PtpStorageInfo, siblings: readonly WiaDrvItem[]): WiaDrvItemInit {
  const fallback = `Storage ${hex32(storageId)}`;
  const name = sanitizeItemName(info.storageDescription || info.volumeLabel, fallback);
  return {
    name: uniqueName(name, new Set(siblings.map((s) => s.name))),
    flags: WiaItemType.Folder | WiaItemType.Storage,
    category: WIA_CATEGORY_FOLDER,
    context: { kind: 'storage', storageId, info } satisfies PtpItemContext,
  };
}

/**
 * The item for an object: an association becomes a folder (`DCIM`,
 * `100CANON`), anything else an image (or plain file) item; both named after
 * the sanitised file name.
 */
export function objectItemInit(handle: number, info: PtpObjectInfo, siblings: readonly WiaDrvItem[]): WiaDrvItemInit {
  const folder = isFolderObject(info);
  const name = uniqueName(sanitizeItemName(info.filename, `${folder ? 'Folder' : 'Object'} ${hex32(handle)}`), new Set(siblings.map((s) => s.name)));
  if (folder) return { name, flags: WiaItemType.Folder, category: WIA_CATEGORY_FOLDER, context: { kind: 'folder', handle, info } satisfies PtpItemContext };
  const image = IMAGE_FORMATS.has(info.objectFormat);
  return {
    name,
    flags: (image ? WiaItemType.Image : 0) | WiaItemType.File | WiaItemType.Transfer,
    category: WIA_CATEGORY_FINISHED_FILE,
    context: { kind: 'object', handle, info } satisfies PtpItemContext,
  };
}

function plausibleDimension(n: number): number {
  return n <= MAX_PLAUSIBLE_DIMENSION ? n : 0;
}

/** `true` when the camera says it has a thumbnail for the object. */
export function hasThumbnail(info: PtpObjectInfo): boolean {
  return info.thumbFormat !== 0 && info.thumbFormat !== PtpObjectFormat.Undefined && info.thumbCompressedSize > 0;
}

/** Defines an object item's properties from its ObjectInfo (device values bounded, never trusted as paths). */
export function defineObjectProperties(properties: WiaPropertyStorage, item: WiaDrvItem, context: Extract<PtpItemContext, { kind: 'object' }>): void {
  const { info, handle } = context;
  const format = IMAGE_FORMATS.get(info.objectFormat);
  const read = (id: number, name: string, value: number | string | Uint8Array): void => properties.define({ id, name, access: WIA_PROP_READ, value });
  // 0xFFFFFFFF is "4 GiB or more" when the real size could not be learnt (no ObjectSize property): unknown, not 4294967295.
  read(WIA_IPA_ITEM_SIZE, 'WIA_IPA_ITEM_SIZE', info.compressedSize === 0xffffffff && !info.compressedSize64 ? 0 : info.compressedSize);
  read(WIA_IPA_FORMAT, 'WIA_IPA_FORMAT', format?.guid ?? WiaImgFmt_RAW);
  read(WIA_IPA_PREFERRED_FORMAT, 'WIA_IPA_PREFERRED_FORMAT', format?.guid ?? WiaImgFmt_RAW);
  read(WIA_IPA_FILENAME_EXTENSION, 'WIA_IPA_FILENAME_EXTENSION', fileExtension(item.name) ?? format?.extension ?? '');
  read(WIA_IPA_PIXELS_PER_LINE, 'WIA_IPA_PIXELS_PER_LINE', plausibleDimension(info.imagePixWidth));
  read(WIA_IPA_NUMBER_OF_LINES, 'WIA_IPA_NUMBER_OF_LINES', plausibleDimension(info.imagePixHeight));
  read(WIA_IPA_DEPTH, 'WIA_IPA_DEPTH', info.imageBitDepth <= 64 ? info.imageBitDepth : 0);
  read(WIA_IPA_ITEM_TIME, 'WIA_IPA_ITEM_TIME', ptpDateToIso(info.captureDate) ?? '');
  read(WIA_IPA_ACCESS_RIGHTS, 'WIA_IPA_ACCESS_RIGHTS', info.protectionStatus === 0 ? WIA_ITEM_READ | WIA_ITEM_CAN_BE_DELETED : WIA_ITEM_READ);
  read(WIA_IPC_THUMB_WIDTH, 'WIA_IPC_THUMB_WIDTH', plausibleDimension(info.thumbPixWidth));
  read(WIA_IPC_THUMB_HEIGHT, 'WIA_IPC_THUMB_HEIGHT', plausibleDimension(info.thumbPixHeight));
  read(WIA_IPC_THUMBNAIL, 'WIA_IPC_THUMBNAIL', new Uint8Array(0));
  read(PTP_IPA_ORIGINAL_FILENAME, 'PTP_IPA_ORIGINAL_FILENAME', info.filename);
  read(PTP_IPA_THUMBNAIL_AVAILABLE, 'PTP_IPA_THUMBNAIL_AVAILABLE', hasThumbnail(info) ? 1 : 0);
  read(PTP_IPA_OBJECT_HANDLE, 'PTP_IPA_OBJECT_HANDLE', handle);
}

/** Defines a storage folder's properties. */
export function defineStorageProperties(properties: WiaPropertyStorage, context: Extract<PtpItemContext, { kind: 'storage' }>): void {
  properties.define({ id: PTP_IPA_OBJECT_HANDLE, name: 'PTP_IPA_OBJECT_HANDLE', access: WIA_PROP_READ, value: context.storageId });
}

/** Defines a folder's (association's) properties: its handle and its name as the camera states it. */
export function defineFolderProperties(properties: WiaPropertyStorage, context: Extract<PtpItemContext, { kind: 'folder' }>): void {
  properties.define({ id: PTP_IPA_OBJECT_HANDLE, name: 'PTP_IPA_OBJECT_HANDLE', access: WIA_PROP_READ, value: context.handle });
  properties.define({ id: PTP_IPA_ORIGINAL_FILENAME, name: 'PTP_IPA_ORIGINAL_FILENAME', access: WIA_PROP_READ, value: context.info.filename });
}
