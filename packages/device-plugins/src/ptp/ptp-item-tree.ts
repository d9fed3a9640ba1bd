import createDebug from 'debug';
import type { WiaDrvItem } from '@openwia/core';
import type { PtpCamera } from './ptp-camera.js';
import { PtpProtocolError, PtpResponseError } from './ptp-errors.js';
import { isTransferableObject, objectItemInit, ptpContextOf, storageItemInit } from './ptp-item-view.js';

const debug = createDebug('openwia:ptp:tree');

/**
 * The camera as a WIA item tree: root → one folder per storage → one item
 * per object (a storage's folders are flattened: apps see pictures, not the
 * camera's DCIM layout). Keeps the tree in step with the device: storages
 * and objects are added and removed by handle.
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
   * (folder first), or none when the storage is already there or unreadable.
   */
  async addStorage(storageId: number, signal: AbortSignal): Promise<WiaDrvItem[]> {
    if (this.findStorage(storageId)) return [];
    const info = await this.skipBroken(`storage ${storageId}`, () => this.camera.getStorageInfo(storageId, signal));
    if (!info) return [];
    const folder = this.root.addChild(storageItemInit(storageId, info, this.root.children));
    const handles = (await this.skipBroken(`objects of storage ${storageId}`, () => this.camera.getObjectHandles(storageId, signal))) ?? [];
    const added = [folder];
    for (const handle of handles) {
      const item = await this.addObjectTo(folder, handle, signal);
      if (item) added.push(item);
    }
    return added;
  }

  /** Adds one object under its storage's folder; `undefined` when known already, not an item, or unreadable. */
  async addObject(handle: number, signal: AbortSignal): Promise<WiaDrvItem | undefined> {
    if (this.findObject(handle)) return undefined;
    const info = await this.skipBroken(`object ${handle}`, () => this.camera.getObjectInfo(handle, signal));
    if (!info || !isTransferableObject(info)) return undefined;
    const folder = this.findStorage(info.storageId) ?? (await this.addStorage(info.storageId, signal))[0];
    if (!folder || this.findObject(handle)) return this.findObject(handle);
    return folder.addChild(objectItemInit(handle, info, folder.children));
  }

  /** Removes an object's item; returns it (now marked deleted), or `undefined` when it was not in the tree. */
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

  findObject(handle: number): WiaDrvItem | undefined {
    for (const item of this.root.walk()) {
      const context = ptpContextOf(item);
      if (context?.kind === 'object' && context.handle === handle && !item.isDeleted) return item;
    }
    return undefined;
  }

  private async addObjectTo(folder: WiaDrvItem, handle: number, signal: AbortSignal): Promise<WiaDrvItem | undefined> {
    const info = await this.skipBroken(`object ${handle}`, () => this.camera.getObjectInfo(handle, signal));
    if (!info || !isTransferableObject(info)) return undefined;
    return folder.addChild(objectItemInit(handle, info, folder.children));
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
