import { expect } from 'chai';
import { openCameraRig, type CameraRig } from './camera-rig.js';

/** An event the plugin has nothing to do for (CaptureComplete, 0x400D), as a camera in burst mode sends them. */
function captureComplete(): Uint8Array {
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 16, true);
  view.setUint16(4, 4, true);
  view.setUint16(6, 0x400d, true);
  view.setUint32(12, 0, true);
  return bytes;
}

describe('PTP camera: an interrupt endpoint that always has data', () => {
  let rig: CameraRig;
  afterEach(async () => rig?.close());

  it('does not starve the event loop: a timer queued during the storm runs long before the storm ends', async () => {
    rig = await openCameraRig({ photos: 1 });
    const { device, endpoints } = rig.camera;
    const STORM = 5000;
    let delivered = 0;
    // The camera queues the next event the moment the host has read the last: the endpoint is never empty.
    const storm = (async () => {
      while (delivered < STORM && device.connected) {
        await device.writeIn(endpoints.interruptIn, captureComplete());
        delivered++;
      }
    })();
    const deliveredWhenTimerRan = await new Promise<number>((resolve) => setTimeout(() => resolve(delivered), 0));
    await storm;
    expect(delivered).to.equal(STORM);
    // On real USB every completion comes back through the event loop; a timer due now runs within a few events.
    expect(deliveredWhenTimerRan).to.be.lessThan(STORM / 10);
  });
});
