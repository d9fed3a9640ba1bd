import type { SimulatedDeviceDescriptor, SimulatedUsbDeviceOptions } from './simulated-device.js';
import { SimulatedUsbDevice } from './simulated-device.js';

/** Endpoint addresses of {@link createExampleBulkDevice}. */
export const EXAMPLE_ENDPOINTS = { bulkIn: 0x81, bulkOut: 0x02, interruptIn: 0x83 } as const;

/**
 * The descriptor of a plain vendor-specific device: one interface (0) with
 * bulk IN 0x81, bulk OUT 0x02 (512-byte packets, high speed) and interrupt
 * IN 0x83 (64-byte packets). For transport tests and examples.
 */
export function exampleBulkDescriptor(overrides: Partial<SimulatedDeviceDescriptor> = {}): SimulatedDeviceDescriptor {
  return {
    vendorId: 0x1d6b,
    productId: 0x0104,
    deviceClass: 0,
    deviceSubclass: 0,
    deviceProtocol: 0,
    manufacturer: 'OpenWIA',
    product: 'Example bulk device',
    serialNumber: '0001',
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
              { address: EXAMPLE_ENDPOINTS.bulkIn, direction: 'in', type: 'bulk', maxPacketSize: 512 },
              { address: EXAMPLE_ENDPOINTS.bulkOut, direction: 'out', type: 'bulk', maxPacketSize: 512 },
              { address: EXAMPLE_ENDPOINTS.interruptIn, direction: 'in', type: 'interrupt', maxPacketSize: 64 },
            ],
          },
        ],
      },
    ],
    ...overrides,
  };
}

/** A {@link SimulatedUsbDevice} with the {@link exampleBulkDescriptor}. */
export function createExampleBulkDevice(options?: SimulatedUsbDeviceOptions, overrides?: Partial<SimulatedDeviceDescriptor>): SimulatedUsbDevice {
  return new SimulatedUsbDevice(exampleBulkDescriptor(overrides), options);
}

/**
 * A loopback device in the manner of the Linux gadget-zero "loopback"
 * function: every OUT transfer on 0x02 comes back as one IN transfer on 0x81.
 * The transport conformance suite runs against it.
 */
export function createLoopbackDevice(options?: SimulatedUsbDeviceOptions): SimulatedUsbDevice {
  const device = createExampleBulkDevice(options, { product: 'Loopback device' });
  device.onOut(EXAMPLE_ENDPOINTS.bulkOut, (data) => {
    // Not awaited: the host's OUT completes when the device took the bytes, not when they were read back.
    device.writeIn(EXAMPLE_ENDPOINTS.bulkIn, data).catch(() => undefined);
  });
  return device;
}
