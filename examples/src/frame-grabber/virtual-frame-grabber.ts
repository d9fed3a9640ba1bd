import { createExampleBulkDevice, type SimulatedUsbDevice } from '@openwia/testkit';
import { FRAME_GRABBER as FG } from './protocol.js';

/**
 * A virtual Acme frame grabber: it speaks the protocol from the device's side, on a simulated USB
 * device. `createExampleBulkDevice` gives a vendor device with one interface, bulk OUT 0x02 and
 * bulk IN 0x81 (512-byte packets) — the grabber's own layout — under its vendor and product id.
 */
export function createVirtualFrameGrabber(frameSizes: number[] = [100_000, 64 * 1024, 30_001]): { device: SimulatedUsbDevice; frames: Uint8Array[] } {
  const device = createExampleBulkDevice({}, { vendorId: FG.vendorId, productId: FG.productId, product: 'Acme frame grabber' });
  const frames = frameSizes.map((size, n) => Uint8Array.from({ length: size }, (_, i) => (i * (n + 3)) & 0xff));
  device.onOut(FG.commandOut, (command) => {
    if (command[0] === FG.LIST) {
      const answer = Buffer.alloc(1 + 4 * frames.length);
      answer[0] = frames.length;
      frames.forEach((f, n) => answer.writeUInt32LE(f.length, 1 + 4 * n));
      device.writeIn(FG.dataIn, answer).catch(() => undefined);
    } else if (command[0] === FG.SEND) {
      device.writeIn(FG.dataIn, frames[command[1] ?? 0] ?? new Uint8Array(0)).catch(() => undefined);
    } else if (command[0] === FG.ABORT) {
      device.clearIn(FG.dataIn);
    }
  });
  return { device, frames };
}
