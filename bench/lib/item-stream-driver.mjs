// The bench plugin: a complete plugin on AbortableMiniDriver that speaks the
// bench device's protocol (item-stream-device.mjs) over a UsbTransport — the
// same path a hardware plugin runs. Two behaviours: `conforming` passes its
// read signal to transferIn; `ignore-signal` does not (the watchdog path).
import {
  AbortableMiniDriver,
  WIA_CATEGORY_FINISHED_FILE,
  WIA_EVENT_CANCEL_IO,
  WIA_IPA_BUFFER_SIZE,
  WiaItemType,
} from '@openwia/core';
import { ITEM_STREAM, decodeList, encodeCommand } from './item-stream-device.mjs';

/**
 * @typedef {object} ItemStreamDriverOptions
 * @property {number} [readSize] bytes per read (the items' WIA_IPA_BUFFER_SIZE; default 64 KiB)
 * @property {'conforming' | 'ignore-signal'} [behaviour]
 * @property {() => void} [onReadStarted] called as each read is submitted to the transport
 * @property {() => void} [onCancelIo] called when the core sends WIA_EVENT_CANCEL_IO
 * @property {boolean} [readAhead] keep one transfer in flight ahead of the core (default false: one read at a time, like the raw baselines)
 */

export class ItemStreamDriver extends AbortableMiniDriver {
  /**
   * @param {import('@openwia/core').UsbTransport} transport an opened transport to the bench device
   * @param {ItemStreamDriverOptions} [options]
   */
  constructor(transport, options = {}) {
    super();
    this.transport = transport;
    this.options = options;
    this.readSize = options.readSize ?? 64 * 1024;
    /** The transfer options for {@link optionsSignal}: made once per signal, not per read or item. */
    this.signalOptions = NO_OPTIONS;
    this.optionsSignal = undefined;
  }

  /**
   * `{ signal }` for the transport, one object per signal. A signal lasts a transfer or longer (the core hands the
   * same one to the next transfer when nothing waits on it), and a literal made per item that lives as long as its
   * item is one V8 ends up allocating in the old generation (core's abort/transfer-scoped.ts).
   */
  transferOptions(signal) {
    if (signal !== this.optionsSignal) {
      this.optionsSignal = signal;
      this.signalOptions = { signal };
    }
    return this.signalOptions;
  }

  async buildItemTree(root, signal) {
    if (!this.transport.opened) await this.transport.open();
    await this.transport.claimInterface(0).catch(() => undefined); // already claimed after a reset
    const sizes = await this.listItems(signal);
    const folder = root.addChild({ name: 'Items', flags: WiaItemType.Folder, category: WIA_CATEGORY_FINISHED_FILE });
    sizes.forEach((size, index) => {
      folder.addChild({ name: `Item${String(index).padStart(3, '0')}`, flags: WiaItemType.File | WiaItemType.Transfer, category: WIA_CATEGORY_FINISHED_FILE, context: { index, size } });
    });
  }

  async initItemProperties(item) {
    item.properties.setByDriver(WIA_IPA_BUFFER_SIZE, this.readSize);
  }

  /** Asks the device for its item sizes. */
  async listItems(signal) {
    await this.transport.transferOut(ITEM_STREAM.commandOut, encodeCommand(ITEM_STREAM.LIST), { signal });
    return decodeList(await this.transport.transferIn(ITEM_STREAM.replyIn, 64 * 1024, { signal }));
  }

  async openItem(item, signal) {
    const { index, size } = item.context;
    await this.transport.transferOut(ITEM_STREAM.commandOut, encodeCommand(ITEM_STREAM.SEND, index), this.transferOptions(signal));
    return new ItemReads(this, size, this.options);
  }

  /** After a cancel: tell the device to stop sending (it flushes what it queued). */
  async cancelDevice() {
    await this.transport.transferOut(ITEM_STREAM.commandOut, encodeCommand(ITEM_STREAM.ABORT), { timeoutMs: 1000 });
  }

  async drvNotifyPnPEvent(event, deviceId) {
    if (event === WIA_EVENT_CANCEL_IO) this.options.onCancelIo?.();
    return super.drvNotifyPnPEvent(event, deviceId);
  }
}

const NO_BYTES = new Uint8Array(0);
const NO_OPTIONS = Object.freeze({});
const ignoreRejection = () => undefined;

/**
 * One item's reads, zero-copy: the transport's bytes go to the core as they
 * are (the plugin base's fast path). Written the way a plugin's hot path
 * should be: `readChunk` is not an `async` function (the transport's promise
 * and one `then` per chunk, nothing more), and the read options are made
 * once per signal, not per read.
 */
class ItemReads {
  constructor(driver, size, { behaviour = 'conforming', onReadStarted, readAhead = false }) {
    this.driver = driver;
    this.transport = driver.transport;
    /** Bytes of the item not yet returned to the core. */
    this.remaining = size;
    this.size = size;
    this.conforming = behaviour === 'conforming';
    this.onReadStarted = onReadStarted;
    this.readAhead = readAhead;
    /** Bytes asked for by transfers still in flight. */
    this.outstanding = 0;
    /** Lengths of the transfers in flight, oldest first (they complete in order). Not `[]`: see transferOptions. */
    this.lengths = Array.of();
    /** One transfer kept in flight ahead of the core, as a host controller keeps URBs queued, so the wire never idles between reads. */
    this.ahead = undefined;
    /** The transfer options of every read: the driver's, one object per signal ({@link ItemStreamDriver.transferOptions}). */
    this.options = NO_OPTIONS;
    /** The core's signal of the last read, for the read that replaces a zero-length packet. */
    this.readSignal = undefined;
    this.maxBytes = 0;
    this.accept = (data) => this.accepted(data);
  }

  readChunk(maxBytes, readSignal) {
    this.maxBytes = maxBytes;
    this.readSignal = readSignal;
    if (this.conforming) this.options = this.driver.transferOptions(readSignal);
    const read = this.ahead ?? this.submit();
    this.ahead = undefined;
    if (!read) return Promise.resolve(NO_BYTES);
    // A read ahead that fails after a cancel has nobody waiting for it yet: it must not be an unhandled rejection.
    if (this.readAhead) {
      this.ahead = this.submit();
      this.ahead?.catch(ignoreRejection);
    }
    return read.then(this.accept);
  }

  /** Starts the next transfer, or returns `undefined` when every byte is asked for. */
  submit() {
    const length = Math.min(this.maxBytes, this.remaining - this.outstanding);
    if (length <= 0) return undefined;
    this.outstanding += length;
    this.lengths.push(length);
    const promise = this.transport.transferIn(ITEM_STREAM.dataIn, length, this.options);
    this.onReadStarted?.();
    return promise;
  }

  accepted(data) {
    this.outstanding -= this.lengths.shift();
    // An empty read is the zero-length packet that ended the previous item (its size was a multiple of 512).
    if (data.length === 0) return this.remaining > 0 ? this.readChunk(this.maxBytes, this.readSignal) : NO_BYTES;
    this.remaining -= data.length;
    return data;
  }

  async read(buffer, readSignal) {
    const data = await this.readChunk(buffer.length, readSignal);
    buffer.set(data);
    return data.length;
  }

  async close() {}
}
