import { E_FAIL, WiaError, type NodeUsbBackend, type NodeUsbBackendOptions } from '@openwia/core';
import { SimulatedUsbDevice } from '../usb/simulated-device.js';
import { UsbfsBridge, type EmulatedDeviceAddress, type EmulatedDeviceOptions } from './usbfs-bridge.js';

/** A device to serve, with how its host side starts out (e.g. a kernel driver bound to an interface). */
export interface EmulatedDevice extends EmulatedDeviceOptions {
  device: SimulatedUsbDevice;
}

/** What {@link withEmulatedUsb} hands the test besides the backend. */
export interface EmulatedUsb {
  /** Where each device sits, in the order given; `location` is what the backend lists. */
  addresses: EmulatedDeviceAddress[];
  /** Unplugs device `index` the way a cable pull does (udev `remove`, -ENODEV on its URBs). */
  unplug(index: number): Promise<void>;
  /** The kernel driver bound to an interface of device `index` now (see {@link EmulatedDeviceOptions.kernelDrivers}). */
  kernelDriver(index: number, interfaceNumber: number): Promise<string | undefined>;
}

/** How long libusb's hotplug thread may take to see a new device. */
const ENUMERATION_LIMIT_MS = 10_000;

/** Waits (bounded) until libusb lists every location: its hotplug thread sees a udev `add` a moment after it is sent. */
export async function waitForLocations(backend: NodeUsbBackend, locations: string[]): Promise<void> {
  const deadline = Date.now() + ENUMERATION_LIMIT_MS;
  for (;;) {
    const listed = new Set((await backend.list()).map((d) => d.descriptor.location));
    if (locations.every((l) => listed.has(l))) return;
    if (Date.now() > deadline) throw new WiaError(E_FAIL, `libusb did not enumerate ${locations.join(', ')} within ${ENUMERATION_LIMIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Serves simulated devices to the real USB stack and runs `body` with a
 * `NodeUsbBackend` that sees them: node-usb → libusb → usbfs ioctls, which
 * umockdev's preload library sends to the bridge's relay, which hands every
 * URB to the device's own simulated transport. The process must run under
 * `umockdev-wrapper` (it rejects with a clear `WiaError` otherwise). The
 * devices are unplugged and the backend disposed when `body` settles.
 */
export async function withEmulatedUsb<T>(
  devices: ReadonlyArray<SimulatedUsbDevice | EmulatedDevice>,
  body: (backend: NodeUsbBackend, emulated: EmulatedUsb) => Promise<T>,
  options: NodeUsbBackendOptions = {},
): Promise<T> {
  const bridge = await UsbfsBridge.get();
  const addresses: EmulatedDeviceAddress[] = [];
  let backend: NodeUsbBackend | undefined;
  try {
    for (const entry of devices) addresses.push(await (entry instanceof SimulatedUsbDevice ? bridge.plug(entry) : bridge.plug(entry.device, entry)));
    backend = await bridge.createBackend(options);
    await waitForLocations(backend, addresses.map((a) => a.location));
    return await body(backend, {
      addresses,
      unplug: (index) => bridge.unplug(addresses[index]!.location),
      kernelDriver: (index, interfaceNumber) => bridge.kernelDriver(addresses[index]!.location, interfaceNumber),
    });
  } finally {
    await backend?.dispose();
    for (const a of addresses) await bridge.unplug(a.location);
  }
}
