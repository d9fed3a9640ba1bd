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
    await this.transport.transferOut(ITEM_STREAM.commandOut, encodeCommand(ITEM_STREAM.SEND, index), { signal });
    const transport = this.transport;
    const { behaviour = 'conforming', onReadStarted, readAhead = false } = this.options;
    /** Bytes of the item not yet returned to the core. */
    let remaining = size;
    /** Bytes asked for by transfers still in flight. */
    let outstanding = 0;
    /** One transfer kept in flight ahead of the core, as a host controller keeps URBs queued, so the wire never idles between reads. */
    let ahead;
    const submit = (maxBytes, readSignal, isAhead) => {
      const length = Math.min(maxBytes, remaining - outstanding);
      if (length <= 0) return undefined;
      outstanding += length;
      const promise = transport.transferIn(ITEM_STREAM.dataIn, length, behaviour === 'conforming' ? { signal: readSignal } : {});
      onReadStarted?.();
      // A read ahead that fails after a cancel has nobody waiting for it yet: it must not be an unhandled rejection.
      // (A read awaited at once needs no such handler: one more promise per chunk that the raw loop does not pay.)
      if (isAhead) promise.catch(() => undefined);
      return { length, promise };
    };
    return {
      size,
      // Zero-copy: the transport's bytes go to the core as they are (the plugin base's fast path).
      async readChunk(maxBytes, readSignal) {
        while (remaining > 0) {
          const read = ahead ?? submit(maxBytes, readSignal, false);
          ahead = undefined;
          if (!read) break;
          if (readAhead) ahead = submit(maxBytes, readSignal, true);
          const data = await read.promise;
          outstanding -= read.length;
          // An empty read is the zero-length packet that ended the previous item (its size was a multiple of 512).
          if (data.length === 0) continue;
          remaining -= data.length;
          return data;
        }
        return new Uint8Array(0);
      },
      async read(buffer, readSignal) {
        const data = await this.readChunk(buffer.length, readSignal);
        buffer.set(data);
        return data.length;
      },
      async close() {},
    };
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
