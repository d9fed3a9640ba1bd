// The bench device: a simulated USB device that serves numbered items over a
// tiny command protocol, so the bench plugin and the raw transferIn loop read
// exactly the same bytes from exactly the same endpoint.
//
//   bulk OUT 0x02  commands, 8 bytes little-endian: u32 op, u32 argument
//                  op 1 LIST        → reply on 0x83: u32 count, then u64 size per item
//                  op 2 SEND item i → item i's bytes on 0x81 as one device-side transfer
//                  op 3 ABORT       → stop sending, flush 0x81
//   bulk IN  0x81  item data (512-byte packets)
//   bulk IN  0x83  replies
//
// Item i's byte at offset o is (o + 7·i) & 0xff: cheap to produce, and a
// receiver can check it. The device writes plain Uint8Array views, which
// `writeIn` copies, so every chunk costs one copy into fresh memory — what a
// real host controller and libusb cost too.
import { createHash } from 'node:crypto';
import { SimulatedUsbDevice } from '@openwia/testkit';

/** What a chunk's write settled as (shared: one write per chunk). */
const taken = () => true;
const dropped = () => false;

/** Endpoint addresses and opcodes of the bench device. */
export const ITEM_STREAM = { dataIn: 0x81, commandOut: 0x02, replyIn: 0x83, LIST: 1, SEND: 2, ABORT: 3 };

let nextSerial = 1;

/** The bench device's descriptor (vendor-specific interface 0). */
function descriptor() {
  const serial = String(nextSerial++).padStart(4, '0');
  return {
    vendorId: 0x1d6b,
    productId: 0x0b0e,
    deviceClass: 0,
    deviceSubclass: 0,
    deviceProtocol: 0,
    manufacturer: 'OpenWIA',
    product: 'Bench item-stream device',
    serialNumber: serial,
    location: `bench-${serial}`,
    configurations: [
      {
        configurationValue: 1,
        interfaces: [
          {
            interfaceNumber: 0,
            alternateSetting: 0,
            interfaceClass: 0xff,
            interfaceSubclass: 0,
            interfaceProtocol: 0,
            endpoints: [
              { address: ITEM_STREAM.dataIn, direction: 'in', type: 'bulk', maxPacketSize: 512 },
              { address: ITEM_STREAM.commandOut, direction: 'out', type: 'bulk', maxPacketSize: 512 },
              { address: ITEM_STREAM.replyIn, direction: 'in', type: 'bulk', maxPacketSize: 512 },
            ],
          },
        ],
      },
    ],
  };
}

/** A command as the host sends it. */
export function encodeCommand(op, argument = 0) {
  const bytes = new Uint8Array(8);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, op, true);
  view.setUint32(4, argument, true);
  return bytes;
}

/** The LIST reply: u32 count, u64 size per item. */
export function decodeList(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(0, true);
  if (bytes.byteLength !== 4 + 8 * count) throw new Error(`LIST reply of ${bytes.byteLength} bytes for ${count} items`);
  return Array.from({ length: count }, (_, i) => Number(view.getBigUint64(4 + 8 * i, true)));
}

/** SHA-1 of item `index` of `size` bytes, as the device sends it (to check what a receiver got). */
export function expectedItemHash(index, size) {
  const hash = createHash('sha1');
  const block = patternBlock(1024 * 1024);
  for (let offset = 0; offset < size; offset += 1024 * 1024) {
    const n = Math.min(1024 * 1024, size - offset);
    const start = (offset + 7 * index) & 0xff;
    hash.update(block.subarray(start, start + n));
  }
  return hash.digest('hex');
}

/** Bytes 0, 1, …, 255, 0, 1, … — any chunk of any item is a view into it. */
function patternBlock(chunkSize) {
  const block = new Uint8Array(chunkSize + 256);
  for (let i = 0; i < block.length; i++) block[i] = i & 0xff;
  return block;
}

/**
 * Memory the device writes through before each item when asked to churn the caches ({@link createItemStreamDevice}'s
 * `churnBytesPerItem`): larger than any cache, and walked in turn, so every write lands on lines not cached.
 */
let churnArea;
let churnAt = 0;

/** Writes `bytes` of the churn area, where the last call stopped: the cache traffic of that many bytes of chunk copies. */
function churnCaches(bytes) {
  churnArea ??= new Uint8Array(64 * 1024 * 1024);
  for (let left = bytes; left > 0; ) {
    const n = Math.min(left, churnArea.length - churnAt);
    churnArea.fill(left & 0xff, churnAt, churnAt + n);
    churnAt = (churnAt + n) % churnArea.length;
    left -= n;
  }
}

/**
 * Creates the bench device.
 * @param {object} options
 * @param {number[]} options.itemSizes bytes of each item
 * @param {number} [options.chunkSize] bytes per device-side write (default 64 KiB)
 * @param {boolean} [options.hang] accept SEND but never send (cancel benchmarks)
 * @param {number} [options.churnBytesPerItem] on each SEND, first write this many bytes of memory of its own: the
 *   cache traffic of an item of that size sent in large chunks, for an item whose own bytes are few (the throughput
 *   suite's cold fixed costs)
 * @param {import('@openwia/testkit').SimulatedUsbDeviceOptions} [options.usb]
 */
export function createItemStreamDevice({ itemSizes, chunkSize = 64 * 1024, hang = false, churnBytesPerItem = 0, usb = {} }) {
  const device = new SimulatedUsbDevice(descriptor(), usb);
  const block = patternBlock(chunkSize);
  let generation = 0;

  async function send(index) {
    const mine = ++generation;
    const size = itemSizes[index];
    if (size === undefined || hang) return;
    if (churnBytesPerItem > 0) churnCaches(churnBytesPerItem);
    for (let offset = 0; offset < size && mine === generation; offset += chunkSize) {
      const n = Math.min(chunkSize, size - offset);
      const start = (offset + 7 * index) & 0xff;
      // The host's reset, an ABORT or an unplug ends the item: stop quietly.
      const ok = await device.writeIn(ITEM_STREAM.dataIn, block.subarray(start, start + n), { endOfTransfer: offset + n >= size }).then(taken, dropped);
      if (!ok) return;
    }
  }

  device.onOut(ITEM_STREAM.commandOut, (data) => {
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const op = view.getUint32(0, true);
    if (op === ITEM_STREAM.LIST) {
      const reply = new Uint8Array(4 + 8 * itemSizes.length);
      const out = new DataView(reply.buffer);
      out.setUint32(0, itemSizes.length, true);
      itemSizes.forEach((size, i) => out.setBigUint64(4 + 8 * i, BigInt(size), true));
      device.writeIn(ITEM_STREAM.replyIn, reply).catch(() => undefined);
    } else if (op === ITEM_STREAM.SEND) {
      void send(view.getUint32(4, true));
    } else if (op === ITEM_STREAM.ABORT) {
      generation++;
      device.clearIn(ITEM_STREAM.dataIn);
    }
  });
  return device;
}
