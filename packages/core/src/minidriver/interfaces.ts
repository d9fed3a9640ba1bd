import type { Readable, Writable } from 'node:stream';
import type { HResult } from '../hresult/index.js';
import type { WiaEventGuid } from './events.js';
import type { WiaDrvItem } from './items.js';
import type { WiaTransferParams } from './messages.js';

/** What `GetNextStream` answers. */
export interface WiaNextStream {
  /** `S_OK`: use `stream`/`source`; `S_FALSE`: the transfer is cancelled, stop; `WIA_STATUS_SKIP_ITEM`: skip this item. */
  hr: HResult;
  /**
   * Downloads: where the item's bytes go. With `WIA_STATUS_SKIP_ITEM` it is a
   * sink that discards, so a driver that must still move the medium (a feeder
   * page) can drain the page into it.
   */
  stream?: Writable;
  /** Uploads: where the item's bytes come from. */
  source?: Readable;
}

/**
 * What a driver calls during `drvAcquireItemData` (WIA's
 * `IWiaMiniDrvTransferCallback`). The core implements it; once the transfer
 * is cancelled both methods answer `S_FALSE` on every call.
 */
export interface IWiaMiniDrvTransferCallback {
  /** Asks for the destination (download) or source (upload) of the next item. */
  GetNextStream(lFlags: number, itemName: string, fullItemName: string): Promise<WiaNextStream>;
  /** Reports progress (`STATUS`), device status (`DEVICE_STATUS`) or a new page (`NEW_PAGE`). */
  SendMessage(lFlags: number, params: WiaTransferParams): Promise<HResult>;
}

/** The transfer context handed to `drvAcquireItemData` (WIA's `MINIDRV_TRANSFER_CONTEXT`). */
export interface MiniDrvTransferContext {
  /** The callback for streams and messages. */
  readonly callback: IWiaMiniDrvTransferCallback;
  /**
   * Aborted by the core when the transfer is cancelled (or fails on the app
   * side). Pass it to every transport call: that is how a plugin honours a cancel.
   */
  readonly signal: AbortSignal;
  /** Suggested read size in bytes (`WIA_IPA_BUFFER_SIZE`). */
  readonly bufferSize: number;
}

/** A command or event a driver supports (WIA's `WIA_DEV_CAP_DRV`). */
export interface WiaDeviceCapability {
  kind: 'command' | 'event';
  guid: string;
  name: string;
  description?: string;
}

/** A supported (format, medium) pair (WIA's `WIA_FORMAT_INFO`). */
export interface WiaFormatInfo {
  /** A `WiaImgFmt_*` GUID. */
  format: string;
  /** A `TYMED_*` value. */
  tymed: number;
}

/** Services the core offers a driver for its whole session (WIA's `wias*` helpers). */
export interface WiaDriverServices {
  /** The device id the core knows this device by. */
  readonly deviceId: string;
  /** Raises a device event (item created/deleted, scan button, ...) towards apps. */
  queueEvent(event: WiaEventGuid, fullItemName?: string): void;
}

/**
 * The WIA mini-driver interface (`IWiaMiniDrv`), asynchronous. Errors are
 * reported by throwing a `WiaError`; anything else thrown is wrapped as
 * `WIA_ERROR_EXCEPTION_IN_DRIVER` by the core.
 */
export interface IWiaMiniDrv {
  /** A session starts: build and return the root of the item tree. */
  drvInitializeWia(services: WiaDriverServices): Promise<WiaDrvItem>;
  /** The session ends: free everything. Must not throw. */
  drvUnInitializeWia(): Promise<void>;
  /** Create an item's properties and their valid values. */
  drvInitItemProperties(item: WiaDrvItem): Promise<void>;
  /** Refresh the listed property values from the device. */
  drvReadItemProperties(item: WiaDrvItem, propertyIds: readonly number[]): Promise<void>;
  /** Check app-written values (dependencies between properties) and update dependent ones. */
  drvValidateItemProperties(item: WiaDrvItem, propertyIds: readonly number[]): Promise<void>;
  /** Push validated values to the device before a transfer. */
  drvWriteItemProperties(item: WiaDrvItem): Promise<void>;
  /**
   * Perform a transfer. `lFlags` holds `WIA_MINIDRV_TRANSFER_*`. Resolves to
   * `S_OK`, `WIA_STATUS_END_OF_MEDIA` (some pages), or `S_FALSE` (cancelled);
   * throws a `WiaError` on failure.
   */
  drvAcquireItemData(item: WiaDrvItem, lFlags: number, context: MiniDrvTransferContext): Promise<HResult>;
  drvLockWiaDevice(): Promise<void>;
  drvUnLockWiaDevice(): Promise<void>;
  drvGetCapabilities(): Promise<WiaDeviceCapability[]>;
  /** Run a device command; may return an item it created (e.g. a new picture). */
  drvDeviceCommand(item: WiaDrvItem, command: string): Promise<WiaDrvItem | undefined>;
  drvDeleteItem(item: WiaDrvItem): Promise<void>;
  drvFreeDrvItemContext(item: WiaDrvItem): Promise<void>;
  drvGetWiaFormatInfo(item: WiaDrvItem): Promise<WiaFormatInfo[]>;
  drvAnalyzeItem(item: WiaDrvItem): Promise<void>;
  drvGetDeviceErrorStr(deviceError: number): Promise<string>;
  /**
   * The core tells the driver of an event: device connected/disconnected, and
   * `WIA_EVENT_CANCEL_IO` — sent once per cancelled transfer, concurrently
   * with `drvAcquireItemData`.
   */
  drvNotifyPnPEvent(event: WiaEventGuid, deviceId: string): Promise<void>;
}
