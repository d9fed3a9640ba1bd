import { DatasetBuilder, FMT } from './camera-wire.js';

/** An object's bytes, read by range so large objects need no memory. */
export interface ObjectContent {
  readonly length: number;
  read(offset: number, length: number): Uint8Array;
}

/** Bytes held in memory. */
export function bytesContent(bytes: Uint8Array): ObjectContent {
  return { length: bytes.length, read: (offset, length) => bytes.subarray(offset, Math.min(bytes.length, offset + length)) };
}

/**
 * Bytes of a known `length`, made by `render` the first time they are read:
 * a camera full of photos costs nothing to build, and announcing their sizes
 * (ObjectInfo) draws none of them.
 */
export function lazyContent(length: number, render: () => Uint8Array): ObjectContent {
  let bytes: Uint8Array | undefined;
  const rendered = (): Uint8Array => {
    if (bytes) return bytes;
    bytes = render();
    if (bytes.length !== length) throw new Error(`lazy content rendered ${bytes.length} bytes, announced ${length}`);
    return bytes;
  };
  return { length, read: (offset, count) => rendered().subarray(offset, Math.min(length, offset + count)) };
}

/** Synthetic bytes computed from their offset (any size, no memory): for large objects. */
export function syntheticContent(length: number, seed: number): ObjectContent {
  return {
    length,
    read(offset, count) {
      const n = Math.max(0, Math.min(count, length - offset));
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const at = offset + i;
        out[i] = (at * 131 + (at >>> 9) * 7 + seed * 29) & 0xff;
      }
      return out;
    },
  };
}

/** A storage of the camera. */
export interface VirtualStorage {
  id: number;
  description: string;
  volumeLabel: string;
  capacity: number;
  freeSpace: number;
}

/** An object of the camera: what GetObjectInfo states, and what GetObject sends. */
export interface VirtualObject {
  handle: number;
  storageId: number;
  parent: number;
  format: number;
  /** 1 = read-only (DeleteObject answers ObjectWriteProtected). */
  protection: number;
  filename: string;
  captureDate: string;
  modificationDate: string;
  /** What ObjectInfo announces when the camera lies; by default `content.length` (0xFFFFFFFF from 4 GiB on). */
  announcedSize?: number;
  width: number;
  height: number;
  bitDepth: number;
  /** The thumbnail (GetThumb), read as a whole; its length is ThumbCompressedSize. */
  thumbnail: ObjectContent | undefined;
  thumbWidth: number;
  thumbHeight: number;
  /** ThumbCompressedSize when the camera lies; by default the thumbnail's length. */
  announcedThumbSize?: number;
  content: ObjectContent;
}

/** What a caller gives to add an object; the store picks the handle. */
export type VirtualObjectInit = Omit<VirtualObject, 'handle' | 'announcedSize' | 'announcedThumbSize' | 'parent' | 'protection' | 'bitDepth'> &
  Partial<Pick<VirtualObject, 'announcedSize' | 'announcedThumbSize' | 'parent' | 'protection' | 'bitDepth'>>;

/** The camera's storages and objects, with handle allocation and the datasets that describe them. */
export class CameraStore {
  readonly storages = new Map<number, VirtualStorage>();
  readonly objects = new Map<number, VirtualObject>();
  private nextHandle = 1;
  /** Photos and thumbnails drawn so far (they are drawn on first read, never up front). */
  picturesDrawn = 0;

  addStorage(storage: VirtualStorage): VirtualStorage {
    this.storages.set(storage.id, storage);
    return storage;
  }

  /** Removes a storage and its objects; returns the handles that went with it. */
  removeStorage(storageId: number): number[] {
    this.storages.delete(storageId);
    const gone = [...this.objects.values()].filter((o) => o.storageId === storageId).map((o) => o.handle);
    for (const handle of gone) this.objects.delete(handle);
    return gone;
  }

  addObject(init: VirtualObjectInit): VirtualObject {
    const object: VirtualObject = {
      parent: 0,
      protection: 0,
      bitDepth: init.format === FMT.ExifJpeg || init.format === FMT.Jfif ? 24 : 0,
      ...init,
      handle: this.nextHandle++,
    };
    this.objects.set(object.handle, object);
    return object;
  }

  removeObject(handle: number): boolean {
    return this.objects.delete(handle);
  }

  /** GetObjectHandles: by storage (0xFFFFFFFF = all), format (0 = all) and parent (0 = whole storage, 0xFFFFFFFF = root only). */
  handles(storageId: number, format: number, parent: number): number[] {
    return [...this.objects.values()]
      .filter((o) => storageId === 0xffffffff || o.storageId === storageId)
      .filter((o) => format === 0 || o.format === format)
      .filter((o) => parent === 0 || (parent === 0xffffffff ? o.parent === 0 : o.parent === parent))
      .map((o) => o.handle);
  }

  storageInfo(storage: VirtualStorage): Uint8Array {
    return new DatasetBuilder()
      .u16(0x0004) // removable RAM
      .u16(0x0002) // generic hierarchical
      .u16(0x0000) // read-write
      .u64(storage.capacity)
      .u64(storage.freeSpace)
      .u32(0xffffffff)
      .str(storage.description)
      .str(storage.volumeLabel)
      .bytes();
  }

  objectInfo(o: VirtualObject): Uint8Array {
    // ObjectCompressedSize is a UINT32: an object of 4 GiB or more says 0xFFFFFFFF (the host asks ObjectSize, 0xDC04).
    const size = o.announcedSize ?? Math.min(o.content.length, 0xffffffff);
    const thumbSize = o.announcedThumbSize ?? o.thumbnail?.length ?? 0;
    return new DatasetBuilder()
      .u32(o.storageId)
      .u16(o.format)
      .u16(o.protection)
      .u32(size)
      .u16(o.thumbnail || thumbSize ? FMT.Jfif : 0)
      .u32(thumbSize)
      .u32(o.thumbWidth)
      .u32(o.thumbHeight)
      .u32(o.width)
      .u32(o.height)
      .u32(o.bitDepth)
      .u32(o.parent)
      .u16(o.format === FMT.Association ? 0x0001 : 0)
      .u32(0)
      .u32(0)
      .str(o.filename)
      .str(o.captureDate)
      .str(o.modificationDate)
      .str('')
      .bytes();
  }
}
