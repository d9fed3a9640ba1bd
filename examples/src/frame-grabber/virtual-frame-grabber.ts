import { createExampleBulkDevice, type SimulatedUsbDevice } from '@openwia/testkit';

/** The grabber's side of the protocol, written from its description in step 3 — not imported from the plugin. */
const GRABBER = { vendorId: 0x1d6b, productId: 0x4141, commandOut: 0x02, dataIn: 0x81, LIST: 0x01, SEND: 0x02, ABORT: 0x03 } as const;

/**
 * A virtual Acme frame grabber: it speaks the protocol from the device's side, on a simulated USB
 * device. `createExampleBulkDevice` gives a vendor device with one interface, bulk OUT 0x02 and
 * bulk IN 0x81 (512-byte packets) — the grabber's own layout — under its vendor and product id.
 */
export function createVirtualFrameGrabber(frameSizes: number[] = [100_000, 64 * 1024, 30_001]): { device: SimulatedUsbDevice; frames: Uint8Array[] } {
  const device = createExampleBulkDevice({}, { vendorId: GRABBER.vendorId, productId: GRABBER.productId, product: 'Acme frame grabber' });
  const frames = frameSizes.map((size, n) => Uint8Array.from({ length: size }, (_, i) => (i * (n + 3)) & 0xff));
  device.onOut(GRABBER.commandOut, (command) => {
    if (command[0] === GRABBER.LIST) {
      const answer = Buffer.alloc(1 + 4 * frames.length);
      answer[0] = frames.length;
      frames.forEach((f, n) => answer.writeUInt32LE(f.length, 1 + 4 * n));
      device.writeIn(GRABBER.dataIn, answer).catch(() => undefined);
    } else if (command[0] === GRABBER.SEND) {
      device.writeIn(GRABBER.dataIn, frames[command[1] ?? 0] ?? new Uint8Array(0)).catch(() => undefined);
    } else if (command[0] === GRABBER.ABORT) {
      device.clearIn(GRABBER.dataIn);
    }
  });
  return { device, frames };
}
