import createDebug from 'debug';
import type { Writable } from 'node:stream';
import {
  E_NOTIMPL,
  HResult,
  S_FALSE,
  S_OK,
  WIA_ERROR_INVALID_COMMAND,
  WIA_ERROR_INVALID_DRIVER_RESPONSE,
  WIA_ERROR_OFFLINE,
  WIA_STATUS_SKIP_ITEM,
  WiaError,
  failed,
  hresultName,
} from '../hresult/index.js';
import {
  WIA_CATEGORY_FINISHED_FILE,
  WIA_EVENT_DEVICE_DISCONNECTED,
  WIA_IPA_BUFFER_SIZE,
  WIA_IPA_FULL_ITEM_NAME,
  WIA_IPA_ITEM_CATEGORY,
  WIA_IPA_ITEM_FLAGS,
  WIA_IPA_ITEM_NAME,
  WIA_IPS_TRANSFER_CAPABILITIES,
  WIA_MINIDRV_TRANSFER_ACQUIRE_CHILDREN,
  WIA_PROP_READ,
  WIA_TRANSFER_CHILDREN_SINGLE_SCAN,
  WIA_TRANSFER_MSG_STATUS,
  WiaDrvItem,
  type IWiaMiniDrv,
  type IWiaMiniDrvTransferCallback,
  type MiniDrvTransferContext,
  type WiaDeviceCapability,
  type WiaDriverServices,
  type WiaEventGuid,
  type WiaFormatInfo,
} from '../minidriver/index.js';
import { endStream, waitForDrain } from './chunk-writer.js';
import { ProgressThrottle } from './progress-throttle.js';
import type { ItemReader, TransferSource } from './item-reader.js';

const debug = createDebug('openwia:core');

/** Checks what a reader's `readChunk` resolved with. */
function checkedChunk(chunk: unknown, readSize: number): Uint8Array {
  if (!(chunk instanceof Uint8Array) || chunk.length > readSize) {
    throw new WiaError(WIA_ERROR_INVALID_DRIVER_RESPONSE, `readChunk returned ${chunk instanceof Uint8Array ? `${chunk.length} bytes` : String(chunk)} for at most ${readSize}`);
  }
  return chunk;
}

/** The next chunk through `read` into a fresh buffer, for readers without `readChunk`. */
async function readIntoBuffer(reader: ItemReader, readSize: number, signal: AbortSignal): Promise<Uint8Array> {
  const buffer = Buffer.allocUnsafe(readSize);
  const n = await reader.read(buffer, signal);
  if (!Number.isInteger(n) || n < 0 || n > buffer.length) {
    throw new WiaError(WIA_ERROR_INVALID_DRIVER_RESPONSE, `read returned ${n} for a ${buffer.length}-byte buffer`);
  }
  return buffer.subarray(0, n);
}

/** Default read size of {@link AbortableMiniDriver} when the core suggests none. */
export const DEFAULT_READ_SIZE = 64 * 1024;

/**
 * The base of a typical plugin: it implements all of `IWiaMiniDrv`, so a
 * plugin supplies only its item tree, per-item `open → read(buffer, signal)
 * → close`, and optionally `cancelDevice()` to tell the device to abort a job.
 *
 * The transfer loop (streams, progress, skip, draining, cancel) lives here; the
 * core enforces the contract around it. A plugin never checks "am I
 * cancelled?": its reads reject when the signal aborts, and this base answers
 * the core with `S_FALSE` after calling `cancelDevice()`.
 */
export abstract class AbortableMiniDriver implements IWiaMiniDrv {
  /** Set by `drvInitializeWia`. */
  protected services: WiaDriverServices | undefined;
  /** Aborted when the driver hears the device was disconnected. */
  private disconnect = new AbortController();

  /** Adds the device's items under `root` (storages, pictures, flatbed, feeder...). */
  protected abstract buildItemTree(root: WiaDrvItem, signal: AbortSignal): Promise<void>;

  /** Opens a stored item for reading. */
  protected abstract openItem(item: WiaDrvItem, signal: AbortSignal): Promise<ItemReader>;

  /** Tells the device to abandon the job in progress after a cancel (PTP Cancel Request, eSCL DELETE). */
  protected async cancelDevice(): Promise<void> {}

  /** Adds item-specific properties; the base has already set name, flags, category and buffer size. */
  protected async initItemProperties(_item: WiaDrvItem): Promise<void> {}

  /**
   * The items one `drvAcquireItemData` call delivers. Default: the folder's
   * transferable children for `ACQUIRE_CHILDREN`, otherwise the item itself.
   * Feeder plugins override it to yield pages as the device scans them; the
   * generator's return value becomes the call's result (e.g.
   * `WIA_STATUS_END_OF_MEDIA`).
   */
  protected async *transferSources(item: WiaDrvItem, lFlags: number, _signal: AbortSignal): AsyncGenerator<TransferSource, HResult | void> {
    const items = (lFlags & WIA_MINIDRV_TRANSFER_ACQUIRE_CHILDREN) !== 0 ? item.children.filter((c) => c.isTransferable && !c.isDeleted) : [item];
    for (const each of items) yield { item: each, open: (signal) => this.openItem(each, signal) };
  }

  /**
   * The signal that aborts when the driver hears `WIA_EVENT_DEVICE_DISCONNECTED`: for device work outside a
   * transfer (thumbnails, deletes). A transfer's own signal already aborts on a disconnect.
   */
  protected get disconnectSignal(): AbortSignal {
    return this.disconnect.signal;
  }

  async drvInitializeWia(services: WiaDriverServices): Promise<WiaDrvItem> {
    this.services = services;
    this.disconnect = new AbortController();
    const root = WiaDrvItem.createRoot();
    try {
      await this.buildItemTree(root, this.disconnect.signal);
    } catch (err) {
      // A session that failed half-way (the device vanished after the transport was opened) must not keep
      // the handle: on real USB every open is a file descriptor, and nobody calls drvUnInitializeWia for a
      // device whose drvInitializeWia failed.
      await Promise.resolve()
        .then(() => this.drvUnInitializeWia())
        .catch((cleanupError: unknown) => debug('drvUnInitializeWia after a failed drvInitializeWia: %s', String(cleanupError)));
      throw err;
    }
    return root;
  }

  async drvUnInitializeWia(): Promise<void> {
    this.disconnect.abort();
  }

  async drvInitItemProperties(item: WiaDrvItem): Promise<void> {
    const p = item.properties;
    p.define({ id: WIA_IPA_ITEM_NAME, name: 'WIA_IPA_ITEM_NAME', access: WIA_PROP_READ, value: item.name });
    p.define({ id: WIA_IPA_FULL_ITEM_NAME, name: 'WIA_IPA_FULL_ITEM_NAME', access: WIA_PROP_READ, value: item.fullName });
    p.define({ id: WIA_IPA_ITEM_FLAGS, name: 'WIA_IPA_ITEM_FLAGS', access: WIA_PROP_READ, value: item.flags >>> 0 });
    p.define({ id: WIA_IPA_ITEM_CATEGORY, name: 'WIA_IPA_ITEM_CATEGORY', access: WIA_PROP_READ, value: item.category ?? WIA_CATEGORY_FINISHED_FILE });
    p.define({ id: WIA_IPA_BUFFER_SIZE, name: 'WIA_IPA_BUFFER_SIZE', access: WIA_PROP_READ, value: DEFAULT_READ_SIZE });
    if (item.isFolder) {
      p.define({ id: WIA_IPS_TRANSFER_CAPABILITIES, name: 'WIA_IPS_TRANSFER_CAPABILITIES', access: WIA_PROP_READ, value: WIA_TRANSFER_CHILDREN_SINGLE_SCAN });
    }
    await this.initItemProperties(item);
  }

  async drvReadItemProperties(_item: WiaDrvItem, _propertyIds: readonly number[]): Promise<void> {}
  async drvValidateItemProperties(_item: WiaDrvItem, _propertyIds: readonly number[]): Promise<void> {}
  async drvWriteItemProperties(_item: WiaDrvItem): Promise<void> {}
  /** The core serializes transfers per device; plugins with shared hardware state override these. */
  async drvLockWiaDevice(): Promise<void> {}
  async drvUnLockWiaDevice(): Promise<void> {}

  async drvGetCapabilities(): Promise<WiaDeviceCapability[]> {
    return [];
  }

  async drvDeviceCommand(_item: WiaDrvItem, command: string): Promise<WiaDrvItem | undefined> {
    throw new WiaError(WIA_ERROR_INVALID_COMMAND, `command ${command} is not supported by this device`);
  }

  async drvDeleteItem(item: WiaDrvItem): Promise<void> {
    throw new WiaError(E_NOTIMPL, `this device cannot delete ${item.fullName}`);
  }

  async drvFreeDrvItemContext(item: WiaDrvItem): Promise<void> {
    item.context = undefined;
  }

  async drvGetWiaFormatInfo(_item: WiaDrvItem): Promise<WiaFormatInfo[]> {
    return [];
  }

  async drvAnalyzeItem(_item: WiaDrvItem): Promise<void> {
    throw new WiaError(E_NOTIMPL, 'image analysis is not supported');
  }

  async drvGetDeviceErrorStr(deviceError: number): Promise<string> {
    return hresultName(deviceError);
  }

  /** `WIA_EVENT_CANCEL_IO` needs nothing here: the core has already aborted every read's signal. */
  async drvNotifyPnPEvent(event: WiaEventGuid, _deviceId: string): Promise<void> {
    if (event === WIA_EVENT_DEVICE_DISCONNECTED) this.disconnect.abort(new WiaError(WIA_ERROR_OFFLINE, 'the device was disconnected'));
  }

  async drvAcquireItemData(item: WiaDrvItem, lFlags: number, context: MiniDrvTransferContext): Promise<HResult> {
    // The core's signal as it is: it also aborts when the device is disconnected (`WiaDevice.notifyDisconnected`),
    // so no signal of our own is linked to it per transfer (4.5 µs and ~1 kB on Node 20; issue 12).
    const { signal } = context;
    const sources = this.transferSources(item, lFlags, signal);
    try {
      for (;;) {
        const next = await sources.next();
        if (next.done) return next.value ?? S_OK;
        const hr = await this.deliver(next.value, context.callback, signal, context.bufferSize || DEFAULT_READ_SIZE);
        if (hr === S_FALSE) return await this.stopDevice();
      }
    } catch (err) {
      // A device that is gone has no job to cancel: the core has failed the transfer with WIA_ERROR_OFFLINE.
      if (signal.aborted && !this.disconnect.signal.aborted) return await this.stopDevice();
      throw err;
    } finally {
      await sources.return(undefined).catch(() => undefined);
    }
  }

  /** Asks for the item's stream and copies the item into it (or drains it on skip). */
  private async deliver(source: TransferSource, callback: IWiaMiniDrvTransferCallback, signal: AbortSignal, readSize: number): Promise<HResult> {
    const target = await callback.GetNextStream(0, source.item.name, source.item.fullName);
    if (target.hr === S_FALSE) return S_FALSE;
    if (target.hr === WIA_STATUS_SKIP_ITEM) {
      if (!source.drainOnSkip || !target.stream) return S_OK;
      return this.copy(source, target.stream, undefined, signal, readSize);
    }
    if (failed(target.hr) || !target.stream) throw new WiaError(failed(target.hr) ? target.hr : WIA_ERROR_INVALID_DRIVER_RESPONSE, `GetNextStream for ${source.item.fullName} gave no stream`);
    return this.copy(source, target.stream, callback, signal, readSize);
  }

  /**
   * The read loop: read → write → progress, until the item ends or the
   * callback says stop. Per chunk it costs the reader's own promise and
   * nothing else while the app keeps up: the write is synchronous unless the
   * app's stream asks to wait, and progress goes out every 1 % (at most once
   * a millisecond), at least every 16 ms, and always for the last byte.
   */
  private async copy(source: TransferSource, stream: Writable, callback: IWiaMiniDrvTransferCallback | undefined, signal: AbortSignal, readSize: number): Promise<HResult> {
    const reader = await source.open(signal);
    try {
      const progress = new ProgressThrottle(reader.size);
      for (;;) {
        const chunk = reader.readChunk ? checkedChunk(await reader.readChunk(readSize, signal), readSize) : await readIntoBuffer(reader, readSize, signal);
        signal.throwIfAborted();
        if (chunk.length === 0) {
          if (callback && progress.hasUnreported && (await this.sendProgress(callback, progress)) === S_FALSE) return S_FALSE;
          // Ending the stream tells the core the item is whole, even if the device fails before the next one.
          await endStream(stream, signal);
          return S_OK;
        }
        if (!stream.write(chunk)) await waitForDrain(stream, signal);
        progress.add(chunk.length);
        if (callback && progress.due() && (await this.sendProgress(callback, progress)) === S_FALSE) return S_FALSE;
      }
    } finally {
      await reader.close().catch(() => undefined);
    }
  }

  private sendProgress(callback: IWiaMiniDrvTransferCallback, progress: ProgressThrottle): Promise<HResult> {
    const { percent, bytes } = progress.report();
    return callback.SendMessage(0, { lMessage: WIA_TRANSFER_MSG_STATUS, lPercentComplete: percent, ulTransferredBytes: bytes, hrErrorStatus: S_OK });
  }

  /** After a cancel: tell the device, answer the core with `S_FALSE`. */
  private async stopDevice(): Promise<HResult> {
    await this.cancelDevice().catch(() => undefined);
    return S_FALSE;
  }
}
