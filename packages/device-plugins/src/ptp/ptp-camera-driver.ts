import 'reflect-metadata';
import createDebug from 'debug';
import { inject, injectable } from 'tsyringe';
import {
  AbortableMiniDriver,
  E_INVALIDARG,
  TYMED_FILE,
  USB_TRANSPORT,
  WIA_DIP_DEV_DESC,
  WIA_DIP_VEND_DESC,
  WIA_DPC_PICTURES_TAKEN,
  WIA_EVENT_ITEM_CREATED,
  WIA_EVENT_ITEM_DELETED,
  WIA_IPA_BUFFER_SIZE,
  WIA_IPA_FORMAT,
  WIA_IPC_THUMBNAIL,
  WIA_MINIDRV_TRANSFER_ACQUIRE_CHILDREN,
  WIA_PROP_READ,
  WiaError,
  type HResult,
  type ItemReader,
  type TransferSource,
  type UsbTransport,
  type WiaDeviceCapability,
  type WiaDrvItem,
  type WiaFormatInfo,
} from '@openwia/core';
import type { InjectionToken } from 'tsyringe';
import { PtpCamera, type PtpCameraOptions } from './ptp-camera.js';
import { findPtpEndpoints, type PtpEndpoints } from './ptp-endpoints.js';
import { PtpEventPump } from './ptp-event-pump.js';
import { PtpEventReader } from './ptp-event-reader.js';
import { PtpItemTree } from './ptp-item-tree.js';
import { identifyPtpDevice, type PtpDeviceIdentity } from './ptp-device-identity.js';
import { PtpResponseError } from './ptp-errors.js';
import { PtpResponse } from './ptp-codes.js';
import { defineFolderProperties, defineObjectProperties, defineStorageProperties, hasThumbnail, ptpContextOf } from './ptp-item-view.js';
import { DEFAULT_PARTIAL_CHUNK_SIZE, PtpObjectReader } from './ptp-object-reader.js';

const debug = createDebug('openwia:ptp:driver');

/** Answers to GetThumb that mean "no thumbnail here", not a failure. */
const NO_THUMBNAIL: ReadonlySet<number> = new Set([PtpResponse.OperationNotSupported, PtpResponse.NoThumbnailPresent]);

/**
 * Bytes per USB read of a picture's data: its items' `WIA_IPA_BUFFER_SIZE`.
 * Four times the base's 64 KiB, because a read is one transfer the host
 * submits and waits for, and fewer of them move more: over the real USB
 * stack (node-usb → libusb → usbfs, under umockdev) the whole stack moved
 * 13.8 MB/s at 64 KiB, 19.7 MB/s at 256 KiB and 21.7 MB/s at 1 MiB. 256 KiB
 * keeps a progress message per ~6 ms at USB 2.0 speed.
 */
export const DEFAULT_PTP_READ_SIZE = 256 * 1024;
/** The largest read allowed: Linux's usbfs gives all of a process's transfers in flight 16 MiB by default (`usbfs_memory_mb`). */
const MAX_PTP_READ_SIZE = 16 * 1024 * 1024;

/** Options of the PTP plugin (all optional). */
export interface PtpDriverOptions extends PtpCameraOptions {
  /** Bytes per GetPartialObject transaction (default 1 MiB). */
  partialChunkSize?: number;
  /** Bytes per USB read of a picture's data (default {@link DEFAULT_PTP_READ_SIZE}). */
  readSize?: number;
  /** Bound of the CloseSession sent when the session ends, ms (default 1000). */
  closeTimeoutMs?: number;
}

/** Injection token for {@link PtpDriverOptions}; register it in the device's container to tune the plugin. */
export const PTP_DRIVER_OPTIONS: InjectionToken<PtpDriverOptions> = Symbol.for('openwia.ptp.DriverOptions');

/** What a session of the driver holds between `drvInitializeWia` and `drvUnInitializeWia`. */
interface PtpDriverSession {
  camera: PtpCamera;
  tree: PtpItemTree;
  pump: PtpEventPump | undefined;
  openedTransport: boolean;
  endpoints: PtpEndpoints;
}

/**
 * The WIA driver for PTP cameras and phones (USB still image class 6/1/1).
 * Storages and the camera's folders (`DCIM/100CANON`) are folders, objects
 * are image items in them; `drvDeleteItem` deletes on
 * the camera; device events keep the tree current. A cancelled transfer is
 * cancelled on the device the class-specification way (see `PtpRecovery`),
 * so the next transfer works.
 */
@injectable()
export class PtpCameraDriver extends AbortableMiniDriver {
  private current: PtpDriverSession | undefined;
  /** Who made the device and whether it speaks MTP (after `drvInitializeWia`); vendor operations would key on it. */
  identity: PtpDeviceIdentity | undefined;
  private readonly deletedByUs = new Set<number>();

  constructor(
    @inject(USB_TRANSPORT) private readonly usb: UsbTransport,
    @inject(PTP_DRIVER_OPTIONS, { isOptional: true }) private readonly options: PtpDriverOptions = {},
  ) {
    super();
    const { readSize } = options;
    if (readSize !== undefined && !(Number.isInteger(readSize) && readSize >= 512 && readSize <= MAX_PTP_READ_SIZE)) {
      throw new WiaError(E_INVALIDARG, `PtpDriverOptions.readSize must be a whole number of bytes from 512 to ${MAX_PTP_READ_SIZE}, got ${String(readSize)}`);
    }
  }

  /** The live PTP camera (for diagnostics and tests); throws before `drvInitializeWia`. */
  get camera(): PtpCamera {
    return this.session().camera;
  }

  protected async buildItemTree(root: WiaDrvItem, signal: AbortSignal): Promise<void> {
    const endpoints = findPtpEndpoints(this.usb.descriptor);
    const openedTransport = !this.usb.opened;
    const camera = new PtpCamera(this.usb, endpoints, this.options);
    const tree = new PtpItemTree(camera, root);
    // Recorded before the first I/O: if any step fails, drvUnInitializeWia undoes what was done (the base calls it).
    this.current = { camera, tree, pump: undefined, openedTransport, endpoints };
    if (openedTransport) {
      await this.usb.open();
      await this.usb.selectConfiguration(endpoints.configurationValue);
    }
    await this.usb.claimInterface(endpoints.interfaceNumber);
    await camera.session.openSession(signal);
    this.identity = identifyPtpDevice(await camera.getDeviceInfo(signal), this.usb.descriptor.vendorId);
    await tree.addAllStorages(signal);
    if (endpoints.interruptIn) {
      const host = { tree, deletedByUs: this.deletedByUs, queueEvent: (event: string, name: string) => this.services?.queueEvent(event, name) };
      this.current.pump = new PtpEventPump(this.usb, new PtpEventReader(this.usb, endpoints.interruptIn), endpoints.interruptIn.address, host);
      this.current.pump.start(signal);
    }
  }

  protected async openItem(item: WiaDrvItem): Promise<ItemReader> {
    const context = ptpContextOf(item);
    if (context?.kind !== 'object') throw new WiaError(E_INVALIDARG, `${item.fullName} is not a picture`);
    return new PtpObjectReader(this.camera, context.handle, context.info.compressedSize, this.options.partialChunkSize ?? DEFAULT_PARTIAL_CHUNK_SIZE);
  }

  /**
   * A folder transfer (`ACQUIRE_CHILDREN`) delivers every picture below the
   * folder, through its sub-folders: on `100CANON` its pictures, on a storage
   * or `DCIM` every picture in it, on the root those of every storage —
   * "download all photos" is one multi-item transfer, each file once.
   */
  protected override async *transferSources(item: WiaDrvItem, lFlags: number, signal: AbortSignal): AsyncGenerator<TransferSource, HResult | void> {
    if ((lFlags & WIA_MINIDRV_TRANSFER_ACQUIRE_CHILDREN) === 0) return yield* super.transferSources(item, lFlags, signal);
    const pictures = [...item.walk()].filter((each) => each !== item && each.isTransferable && !each.isDeleted);
    for (const picture of pictures) yield { item: picture, open: () => this.openItem(picture) };
  }

  /** After a cancel: Cancel Request, Get Device Status until ready (Device Reset if it stays busy), drain. */
  protected override async cancelDevice(): Promise<void> {
    await this.current?.camera.session.recoverIfInterrupted(this.disconnectSignal);
  }

  protected override async initItemProperties(item: WiaDrvItem): Promise<void> {
    const context = ptpContextOf(item);
    if (context?.kind === 'object') {
      defineObjectProperties(item.properties, item, context);
      item.properties.setByDriver(WIA_IPA_BUFFER_SIZE, this.options.readSize ?? DEFAULT_PTP_READ_SIZE);
    } else if (context?.kind === 'folder') defineFolderProperties(item.properties, context);
    else if (context?.kind === 'storage') defineStorageProperties(item.properties, context);
    else if (!item.parent) this.defineDeviceProperties(item);
  }

  /** `WIA_IPC_THUMBNAIL` is read from the camera (GetThumb) the first time an app asks for it. */
  override async drvReadItemProperties(item: WiaDrvItem, propertyIds: readonly number[]): Promise<void> {
    const context = ptpContextOf(item);
    if (context?.kind !== 'object' || !propertyIds.includes(WIA_IPC_THUMBNAIL) || !hasThumbnail(context.info)) return;
    const current = item.properties.value(WIA_IPC_THUMBNAIL);
    if (current instanceof Uint8Array && current.length > 0) return;
    item.properties.setByDriver(WIA_IPC_THUMBNAIL, await this.readThumbnail(context.handle));
  }

  /** GetThumb; a device without thumbnails (phones answer OperationNotSupported, others NoThumbnailPresent) gives none. */
  private async readThumbnail(handle: number): Promise<Uint8Array> {
    try {
      return await this.camera.getThumb(handle, this.disconnectSignal);
    } catch (err) {
      if (err instanceof PtpResponseError && NO_THUMBNAIL.has(err.responseCode)) return new Uint8Array(0);
      throw err;
    }
  }

  override async drvDeleteItem(item: WiaDrvItem): Promise<void> {
    const context = ptpContextOf(item);
    if (context?.kind !== 'object') throw new WiaError(E_INVALIDARG, `${item.fullName} cannot be deleted: only pictures can`);
    this.deletedByUs.add(context.handle);
    try {
      await this.camera.deleteObject(context.handle, this.disconnectSignal);
    } catch (err) {
      this.deletedByUs.delete(context.handle);
      throw err;
    }
  }

  override async drvGetCapabilities(): Promise<WiaDeviceCapability[]> {
    return [
      { kind: 'event', guid: WIA_EVENT_ITEM_CREATED, name: 'Item created', description: 'a new picture or storage appeared on the camera' },
      { kind: 'event', guid: WIA_EVENT_ITEM_DELETED, name: 'Item deleted', description: 'a picture or storage disappeared from the camera' },
    ];
  }

  override async drvGetWiaFormatInfo(item: WiaDrvItem): Promise<WiaFormatInfo[]> {
    if (!item.properties.has(WIA_IPA_FORMAT)) return [];
    return [{ format: String(item.properties.value(WIA_IPA_FORMAT)), tymed: TYMED_FILE }];
  }

  override async drvUnInitializeWia(): Promise<void> {
    await super.drvUnInitializeWia();
    const session = this.current;
    this.current = undefined;
    if (!session) return;
    await session.pump?.stop();
    await this.closeSession(session.camera);
    await this.usb.releaseInterface(session.endpoints.interfaceNumber).catch((err: unknown) => debug('releaseInterface: %s', String(err)));
    if (session.openedTransport) await this.usb.close().catch((err: unknown) => debug('close: %s', String(err)));
  }

  /** CloseSession, bounded: a device that stopped answering must not hold up the end of the session. */
  private async closeSession(camera: PtpCamera): Promise<void> {
    const bound = new AbortController();
    const timer = setTimeout(() => bound.abort(), this.options.closeTimeoutMs ?? 1000);
    try {
      await camera.session.closeSession(bound.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  private defineDeviceProperties(root: WiaDrvItem): void {
    const info = this.current?.camera.deviceInfo;
    const pictures = [...root.walk()].filter((i) => ptpContextOf(i)?.kind === 'object').length;
    const define = (id: number, name: string, value: string | number): void => root.properties.define({ id, name, access: WIA_PROP_READ, value });
    // A device whose DeviceInfo names no maker (cut short) is still told by its USB vendor id.
    define(WIA_DIP_VEND_DESC, 'WIA_DIP_VEND_DESC', info?.manufacturer || this.identity?.vendor || '');
    define(WIA_DIP_DEV_DESC, 'WIA_DIP_DEV_DESC', info?.model ?? '');
    define(WIA_DPC_PICTURES_TAKEN, 'WIA_DPC_PICTURES_TAKEN', pictures);
  }

  private session(): PtpDriverSession {
    if (!this.current) throw new WiaError(E_INVALIDARG, 'the PTP driver has no session: call drvInitializeWia first');
    return this.current;
  }
}
