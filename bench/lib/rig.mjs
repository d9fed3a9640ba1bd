// A bench rig: the bench device, an opened transport, the bench plugin and
// an open WiaDevice on it — the whole stack a real app would use.
import { WIA_TRANSFER_ACQUIRE_CHILDREN, WiaDevice } from '@openwia/core';
import { ITEM_STREAM, createItemStreamDevice, encodeCommand } from './item-stream-device.mjs';
import { ItemStreamDriver } from './item-stream-driver.mjs';
import { CountingSink } from './counting-app.mjs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';

/**
 * Opens a rig.
 * @param {object} options
 * @param {number[]} options.itemSizes
 * @param {number} [options.readSize] plugin read size = device write size
 * @param {'conforming'|'ignore-signal'} [options.behaviour]
 * @param {boolean} [options.hang] the device never sends item data
 * @param {number} [options.graceMs] watchdog grace period
 * @param {import('@openwia/testkit').SimulatedUsbBus} [options.bus] attach the device to this bus
 * @param {object} [options.hooks] onReadStarted / onCancelIo
 * @param {'unlimited'|'usb2'|'usb1'} [options.speed] bus timing of the device (default unlimited)
 * @param {boolean} [options.readAhead] the plugin keeps one transfer in flight ahead (as a host keeps URBs queued)
 * @param {number} [options.churnBytesPerItem] the device churns the caches with this many bytes before each item
 */
export async function openRig({ itemSizes, readSize = 64 * 1024, behaviour = 'conforming', hang = false, graceMs, bus, hooks = {}, speed = 'unlimited', readAhead = false, churnBytesPerItem = 0 }) {
  const device = createItemStreamDevice({ itemSizes, chunkSize: readSize, hang, churnBytesPerItem, usb: { speed } });
  let transport;
  if (bus) {
    bus.attach(device);
    transport = await bus.open(device.descriptor.location);
  } else {
    transport = device.createTransport();
    await transport.open();
  }
  await transport.claimInterface(0);
  const driver = new ItemStreamDriver(transport, { readSize, behaviour, readAhead, ...hooks });
  const wia = await WiaDevice.open(driver, {
    deviceId: `bench:${device.descriptor.location}`,
    ...(graceMs !== undefined ? { graceMs } : {}),
    // After the watchdog abandoned a plugin: a USB reset fails its forgotten read, as on hardware.
    resetHardware: () => transport.reset(),
  });
  const folder = wia.item('Root\\Items');
  return {
    device,
    transport,
    driver,
    wia,
    folder,
    totalBytes: itemSizes.reduce((a, b) => a + b, 0),
    /** One multi-item transfer of every item through the whole stack. */
    transferAll(app) {
      return wia.createTransfer(folder).Download(WIA_TRANSFER_ACQUIRE_CHILDREN, app);
    },
    async close() {
      await wia.close();
      await transport.close();
      bus?.detach(device);
    },
  };
}

/**
 * The raw loops keep to the rule the stack keeps (core's abort/transfer-scoped.ts): what lives for a read, an item
 * or a transfer is a class instance or an `Array.of()`, not a literal, which V8 ends up allocating in the old
 * generation once enough of a literal's objects outlive a young-generation collection. Written with literals, the
 * fair loop promoted 1.3–2.4 kB per 8 × 4 MiB transfer to the stack's 0.2–0.4 kB (bench/promotion-profile.mjs).
 */
class SignalOptions {
  constructor(signal) {
    this.signal = signal;
  }
}

class PendingRead {
  constructor(length, promise) {
    this.length = length;
    this.promise = promise;
  }
}

/**
 * {@link rawReadAll}'s options for the two baselines, made once: an options
 * literal written at each call is kept for the whole transfer, and V8
 * pretenures such literals (core's abort/transfer-scoped.ts) — the rule the
 * stack follows, so the baselines follow it too.
 */
export const FAIR_READS = Object.freeze({ fair: true });
export const BARE_READS = Object.freeze({ fair: false });

/**
 * The baselines: the same items read with a bare transferIn loop on the same
 * transport — the least any host code must do to get these bytes.
 * - `bare`: transferIn and nothing else (what the loop cost before it was made fair).
 * - `fair`: what any cancellable app must do too, and what the stack does:
 *   an `AbortSignal` on every transferIn, and every chunk written into the
 *   same kind of sink the stack delivers to (a counting `Writable` per item,
 *   with its back-pressure, ended and flushed per item).
 * - `readAhead`: reads kept queued behind the one awaited, as the bench
 *   plugin keeps them at bus timing (0: one read at a time).
 * @param {{ fair?: boolean, readAhead?: number }} [options]
 * @returns {Promise<number>} bytes the sinks received (fair) or read (bare)
 */
export async function rawReadAll(transport, itemSizes, readSize, { fair = false, readAhead = 0 } = {}) {
  const options = fair ? new SignalOptions(new AbortController().signal) : undefined;
  let total = 0;
  for (const [index, size] of itemSizes.entries()) {
    await transport.transferOut(ITEM_STREAM.commandOut, encodeCommand(ITEM_STREAM.SEND, index));
    const sink = fair ? new CountingSink() : undefined;
    /** Reads in flight, oldest first, and the bytes they asked for. */
    const reads = Array.of();
    let outstanding = 0;
    for (let remaining = size; remaining > 0; ) {
      while (reads.length <= readAhead && remaining - outstanding > 0) {
        const length = Math.min(readSize, remaining - outstanding);
        outstanding += length;
        reads.push(new PendingRead(length, transport.transferIn(ITEM_STREAM.dataIn, length, options)));
      }
      const read = reads.shift();
      const data = await read.promise;
      outstanding -= read.length;
      // An empty read is the zero-length packet that ended the previous item (its size was a multiple of 512).
      if (data.length === 0) continue;
      remaining -= data.length;
      if (!sink) total += data.length;
      else if (!sink.write(data)) await once(sink, 'drain');
    }
    if (sink) {
      sink.end();
      await finished(sink);
      total += sink.bytes;
    }
  }
  return total;
}
