import { bytesContent, lazyContent, syntheticContent, type CameraStore, type ObjectContent, type VirtualObject } from './camera-store.js';
import { FMT } from './camera-wire.js';
import { generatePhoto, photoByteLength, type PhotoSpec } from './photo-generator.js';

/** Sizes of generated pictures. */
export interface PhotoSizes {
  photo: { width: number; height: number };
  thumbnail: { width: number; height: number };
}

/** The two storages of a default camera. */
export const INTERNAL_STORAGE_ID = 0x00010001;
export const CARD_STORAGE_ID = 0x00020001;

function ptpDate(day: number, second: number): string {
  const dd = String(1 + (day % 28)).padStart(2, '0');
  const ss = String(second % 60).padStart(2, '0');
  return `202405${dd}T1200${ss}`;
}

/** Where a camera keeps its photos (DCF): `DCIM`, and in it numbered folders of three digits and five free characters. */
export const DCIM_FOLDER = 'DCIM';
export const FIRST_PHOTO_FOLDER = '100CANON';

/** Adds a folder (an association object, AssociationType GenericFolder) to a storage, in `parent` (0: at its root); returns its handle. */
export function addFolder(store: CameraStore, storageId: number, name: string, parent = 0): number {
  return store.addObject({
    storageId,
    parent,
    format: FMT.Association,
    filename: name,
    captureDate: '',
    modificationDate: '',
    width: 0,
    height: 0,
    thumbnail: undefined,
    thumbWidth: 0,
    thumbHeight: 0,
    content: bytesContent(new Uint8Array(0)),
  }).handle;
}

/** Adds `DCIM/100CANON` to a storage, as a camera formats a card; returns the handle of `100CANON`. */
export function addPhotoFolders(store: CameraStore, storageId: number): number {
  return addFolder(store, storageId, FIRST_PHOTO_FOLDER, addFolder(store, storageId, DCIM_FOLDER));
}

/** The `DCIM` folder at the root of a storage, if it has one. */
export function dcimFolder(store: CameraStore, storageId: number): VirtualObject | undefined {
  return [...store.objects.values()].find((o) => o.storageId === storageId && o.format === FMT.Association && o.parent === 0 && o.filename === DCIM_FOLDER);
}

/** The folder a new photo goes into: the newest folder inside the storage's `DCIM` (0, the storage root, when there is none). */
export function currentPhotoFolder(store: CameraStore, storageId: number): number {
  const dcim = dcimFolder(store, storageId);
  if (!dcim) return 0;
  const inDcim = [...store.objects.values()].filter((o) => o.format === FMT.Association && o.parent === dcim.handle);
  return inDcim.at(-1)?.handle ?? 0;
}

/** Photos made by {@link addPhoto}: JPEGs with a thumbnail. */
const photoObjects = new WeakSet<VirtualObject>();

/** `true` for a photo made by {@link addPhoto} (a JPEG with a thumbnail). */
export function isGeneratedPhoto(object: VirtualObject): boolean {
  return photoObjects.has(object);
}

/** A picture drawn on its first read; its length is known before. */
function drawnOnRead(store: CameraStore, spec: PhotoSpec): ObjectContent {
  return lazyContent(photoByteLength(spec), () => {
    store.picturesDrawn++;
    return generatePhoto(spec);
  });
}

/**
 * Adds photo number `n` (a real JPEG with "#n" on it, and its thumbnail).
 * Both are drawn the first time they are read; their sizes are known without
 * drawing (see {@link photoByteLength}), so that building a camera with many
 * photos, and announcing them, costs nothing until a host reads one.
 */
export function addPhoto(store: CameraStore, storageId: number, parent: number, n: number, sizes: PhotoSizes): VirtualObject {
  const label = `#${n}`;
  const photo = store.addObject({
    storageId,
    parent,
    format: FMT.ExifJpeg,
    filename: `IMG_${String(n).padStart(4, '0')}.JPG`,
    captureDate: ptpDate(n, n),
    modificationDate: ptpDate(n, n),
    width: sizes.photo.width,
    height: sizes.photo.height,
    thumbnail: drawnOnRead(store, { label, ...sizes.thumbnail, quality: 70 }),
    thumbWidth: sizes.thumbnail.width,
    thumbHeight: sizes.thumbnail.height,
    content: drawnOnRead(store, { label, ...sizes.photo }),
  });
  photoObjects.add(photo);
  return photo;
}

/** Adds a large synthetic object (a "video") of `size` bytes, generated on demand. */
export function addLargeObject(store: CameraStore, storageId: number, parent: number, name: string, size: number): VirtualObject {
  return store.addObject({
    storageId,
    parent,
    format: FMT.Undefined,
    filename: name,
    captureDate: ptpDate(20, 0),
    modificationDate: ptpDate(20, 0),
    width: 0,
    height: 0,
    thumbnail: undefined,
    thumbWidth: 0,
    thumbHeight: 0,
    content: syntheticContent(size, size & 0xff),
  });
}

/**
 * Objects whose metadata attacks the host: path separators and `..` in file
 * names, control characters, an empty name, absurd sizes and dimensions, a
 * thumbnail announced but absent, an impossible date.
 */
export function addHostileObjects(store: CameraStore, storageId: number): VirtualObject[] {
  const base = { storageId, format: FMT.ExifJpeg, modificationDate: '', thumbnail: undefined, thumbWidth: 0, thumbHeight: 0 };
  const small = (seed: number) => syntheticContent(2048 + seed, seed);
  return [
    store.addObject({ ...base, filename: '../../etc/passwd', captureDate: '20240501T120000', width: 10, height: 10, content: small(1) }),
    store.addObject({ ...base, filename: 'C:\\Windows\\evil/../x.jpg', captureDate: '20240501T120000', width: 10, height: 10, content: small(2) }),
    store.addObject({ ...base, filename: '..', captureDate: 'yesterday', width: 10, height: 10, content: small(3) }),
    store.addObject({ ...base, filename: '', captureDate: '', width: 10, height: 10, content: small(4) }),
    store.addObject({ ...base, filename: 'bell\u0007\u0000tail.jpg', captureDate: '20241341T256199', width: 10, height: 10, content: small(5) }),
    store.addObject({
      ...base,
      filename: 'absurd.jpg',
      captureDate: '20240501T120000',
      announcedSize: 0xfffffffe,
      width: 0xffffffff,
      height: 0xffffffff,
      bitDepth: 0xffffffff,
      announcedThumbSize: 0xffffffff,
      thumbWidth: 0xffffffff,
      thumbHeight: 0xffffffff,
      content: small(6),
    }),
    store.addObject({ ...base, filename: 'x'.repeat(300), captureDate: '20240501T120000', width: 1, height: 1, content: small(7) }),
  ];
}

/**
 * Objects whose ParentObject lies: two folders that contain each other (a
 * photo inside), a folder that is its own parent, a photo in a folder the
 * camera does not have, a photo "inside" another photo, and a folder whose
 * parent is 0xFFFFFFFF (the storage root, as MTP devices say it).
 */
export function addTangledObjects(store: CameraStore, storageId: number): VirtualObject[] {
  const base = { storageId, modificationDate: '', captureDate: '20240501T120000', thumbnail: undefined, thumbWidth: 0, thumbHeight: 0 };
  const folder = (filename: string, parent: number) => store.objects.get(addFolder(store, storageId, filename, parent))!;
  const file = (filename: string, parent: number, seed: number) =>
    store.addObject({ ...base, parent, format: FMT.ExifJpeg, filename, width: 10, height: 10, content: syntheticContent(1024 + seed, seed) });
  const loopA = folder('LOOP_A', 0);
  const loopB = folder('LOOP_B', loopA.handle);
  loopA.parent = loopB.handle;
  const self = folder('SELF', 0);
  self.parent = self.handle;
  const orphan = file('ORPHAN.JPG', 0x7fff0000, 11);
  return [loopA, loopB, file('IN_LOOP.JPG', loopA.handle, 12), self, orphan, file('UNDER_FILE.JPG', orphan.handle, 13), folder('MISC', 0xffffffff)];
}
