/**
 * Cancelling with an AbortSignal: the acquisition rejects with an
 * `AbortError` that still carries what had arrived, and the device is ready
 * for the next acquisition at once.
 *
 * Run: node examples/dist/cancel-with-abort-signal.js
 */
import { AcquireAbortedError, DeviceManager } from '@openwia/core';
import { devicePlugins } from '@openwia/device-plugins';
import { SimulatedUsbBus, createVirtualCamera } from '@openwia/testkit';

export interface CancelExampleResult {
  /** Status of each item when the cancel landed. */
  cancelled: string[];
  /** Items of the acquisition that followed the cancel. */
  afterwards: number;
}

export async function cancelWithAbortSignal(): Promise<CancelExampleResult> {
  const bus = new SimulatedUsbBus();
  bus.attach(createVirtualCamera({ largeObjects: [{ name: 'MVI_0001.MOV', size: 64 << 20 }] }).device);
  const devices = new DeviceManager({ backend: bus, plugins: devicePlugins });
  await devices.start();
  try {
    const camera = devices.devices()[0]!.device!;
    const controller = new AbortController();
    let cancelled: string[] = [];
    try {
      await camera.acquire('Root\\Internal Memory', {
        signal: controller.signal,
        // Stop as soon as the movie starts to arrive: the read in flight is aborted on the bus.
        onProgress: (p) => p.item.itemName === 'MVI_0001.MOV' && controller.abort(),
      });
    } catch (err) {
      if (!(err instanceof AcquireAbortedError)) throw err;
      cancelled = err.result.items.map((i) => `${i.itemName} ${i.status}`);
    }
    const again = await camera.acquire('Root\\SD Card');
    return { cancelled, afterwards: again.items.length };
  } finally {
    await devices.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await cancelWithAbortSignal());
}
