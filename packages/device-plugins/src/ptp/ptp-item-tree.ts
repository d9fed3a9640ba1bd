import createDebug from 'debug';
import type { WiaDrvItem } from '@openwia/core';
import type { PtpCamera } from './ptp-camera.js';
import type { PtpObjectInfo } from './ptp-datasets.js';
import { PtpProtocolError, PtpResponseError } from './ptp-errors.js';
import { objectItemInit, ptpContextOf, storageItemInit } from './ptp-item-view.js';
import { MAX_FOLDER_DEPTH, isStorageRootParent, placeObjects, type PtpObjectEntry } from './ptp-object-hierarchy.js';

const debug = createDebug('openwia:ptp:tree');

/**
 * The camera as a WIA item tree, laid out as the camera lays out its
 * storages: root → one folder per storage → its folders (association
 * objects: `DCIM`, `100CANON`) → their files and sub-folders, by each
 * object's ParentObject (see {@link placeObjects} for what lying device data
 * becomes). Keeps the tree in step with the device: storages and objects are
 * added and removed by handle.
 */
export class PtpItemTree {
  constructor(
    private readonly camera: PtpCamera,
    readonly root: WiaDrvItem,
  ) {}

  /** Adds every storage the camera reports. */
  async addAllStorages(signal: AbortSignal): Promise<void> {
    for (const storageId of await this.camera.getStorageIds(signal)) await this.addStorage(storageId, signal);
  }

  /**
   * Adds a storage folder and its objects; returns the items created
   * (parents before children), or none when the storage is already there or
   * unreadable. An unreadable object is left out; its children are not.
   */
  async addStorage(storageId: number, signal: AbortSignal): Promise<WiaDrvItem[]> {
    if (this.findStorage(storageId)) return [];
    const info = await this.skipBroken(`storage ${storageId}`, () => this.camera.getStorageInfo(storageId, signal));
    if (!info) return [];
    const storage = this.root.addChild(storageItemInit(storageId, info, this.root.children));
    const handles = (await this.skipBroken(`objects of storage ${storageId}`, () => this.camera.getObjectHandles(storageId, signal))) ?? [];
    const entries: PtpObjectEntry[] = [];
    for (const handle of new Set(handles)) {
      const objectInfo = await this.skipBroken(`object ${handle}`, () => this.camera.getObjectInfo(handle, signal));
      if (objectInfo) entries.push({ handle, info: objectInfo });
    }
    const items = new Map<number, WiaDrvItem>();
    for (const placement of placeObjects(entries)) {
      if (placement.fallback) debug('object %d (parent %d) placed at the root of storage %d: %s', placement.handle, placement.info.parentObject, storageId, placement.fallback);
      const parent = (placement.parent !== undefined && items.get(placement.parent)) || storage;
      items.set(placement.handle, parent.addChild(objectItemInit(placement.handle, placement.info, parent.children)));
    }
    return [storage, ...items.values()];
  }

  /**
   * Adds an object the camera announced (ObjectAdded) under its folder, and
   * that folder first when it is new to the tree too (a camera starting a
   * new `101CANON` may announce the photo before the folder); returns the
   * items created, parents first — none when the object is known already or
   * unreadable.
   */
  async addObject(handle: number, signal: AbortSignal): Promise<WiaDrvItem[]> {
    return this.addObjectOnPath(handle, new Set(), signal);
  }

  /** Removes an object's item (a folder with everything in it); returns it (now marked deleted), or `undefined` when it was not in the tree. */
  removeObject(handle: number): WiaDrvItem | undefined {
    const item = this.findObject(handle);
    item?.parent?.removeChild(item);
    return item;
  }

  /** Removes a storage folder with its items. */
  removeStorage(storageId: number): WiaDrvItem | undefined {
    const folder = this.findStorage(storageId);
    if (folder) this.root.removeChild(folder);
    return folder;
  }

  findStorage(storageId: number): WiaDrvItem | undefined {
    return this.root.children.find((c) => {
      const context = ptpContextOf(c);
      return context?.kind === 'storage' && context.storageId === storageId;
    });
  }

  /** The item of an object (file or folder) by its handle, if it is in the tree. */
  findObject(handle: number): WiaDrvItem | undefined {
    for (const item of this.root.walk()) {
      const context = ptpContextOf(item);
      if ((context?.kind === 'object' || context?.kind === 'folder') && context.handle === handle && !item.isDeleted) return item;
    }
    return undefined;
  }

  /** {@link addObject}, knowing the handles whose parent is being added on the way here: a cycle in the device's data ends there. */
  private async addObjectOnPath(handle: number, path: Set<number>, signal: AbortSignal): Promise<WiaDrvItem[]> {
    if (this.findObject(handle)) return [];
    const info = await this.skipBroken(`object ${handle}`, () => this.camera.getObjectInfo(handle, signal));
    if (!info) return [];
    const added: WiaDrvItem[] = [];
    let storage = this.findStorage(info.storageId);
    if (!storage) {
      // A new storage is read whole, this object with it.
      added.push(...(await this.addStorage(info.storageId, signal)));
      storage = added[0];
    }
    if (!storage || this.findObject(handle)) return added;
    path.add(handle);
    const parent = await this.parentFolderFor(handle, info, storage, path, signal, added);
    // Adding the parent may have read this object as well (its storage, new to the tree).
    if (this.findObject(handle)) return added;
    added.push(parent.addChild(objectItemInit(handle, info, parent.children)));
    return added;
  }

  /** The item an announced object goes under: its folder (added first if new to the tree), else the storage root. */
  private async parentFolderFor(handle: number, info: PtpObjectInfo, storage: WiaDrvItem, path: Set<number>, signal: AbortSignal, added: WiaDrvItem[]): Promise<WiaDrvItem> {
    const parentHandle = info.parentObject;
    if (isStorageRootParent(parentHandle)) return storage;
    let parent = this.findObject(parentHandle);
    if (!parent && !path.has(parentHandle) && path.size < MAX_FOLDER_DEPTH) {
      added.push(...(await this.addObjectOnPath(parentHandle, path, signal)));
      parent = this.findObject(parentHandle);
    }
    if (parent && ptpContextOf(parent)?.kind === 'folder' && levelsBelow(storage, parent) < MAX_FOLDER_DEPTH) return parent;
    debug('object %d (parent %d) placed at the root of storage %d', handle, parentHandle, info.storageId);
    return storage;
  }

  /** One unreadable object or storage (device answers an error, or sends garbage) must not hide the others. */
  private async skipBroken<T>(what: string, read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (err) {
      if (!(err instanceof PtpProtocolError || err instanceof PtpResponseError)) throw err;
      debug('skipping %s: %s', what, err.message);
      return undefined;
    }
  }
}

/** How many levels `item` is below `ancestor` (1 for a child); `Infinity` when it is not below it (another storage's folder). */
function levelsBelow(ancestor: WiaDrvItem, item: WiaDrvItem): number {
  let levels = 0;
  for (let at: WiaDrvItem | undefined = item; at; at = at.parent, levels++) if (at === ancestor) return levels;
  return Infinity;
}
