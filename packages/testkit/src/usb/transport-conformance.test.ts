import { EXAMPLE_ENDPOINTS, createLoopbackDevice } from './example-device.js';
import { SimulatedUsbBus } from './simulated-bus.js';
import { describeTransportConformance } from './transport-conformance.js';

for (const speed of ['unlimited', 'usb2'] as const) {
  describeTransportConformance(`simulated bus (${speed})`, async () => {
    const bus = new SimulatedUsbBus();
    const device = createLoopbackDevice({ speed });
    bus.attach(device);
    const transport = await bus.open(device.descriptor.location);
    await transport.claimInterface(0);
    return {
      transport,
      bulkIn: EXAMPLE_ENDPOINTS.bulkIn,
      bulkOut: EXAMPLE_ENDPOINTS.bulkOut,
      maxPacketSize: 512,
      unplug: () => device.unplug(),
      dispose: async () => {
        await transport.close();
        await bus.dispose();
      },
    };
  });
}
