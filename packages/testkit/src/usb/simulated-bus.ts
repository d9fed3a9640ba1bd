import { EventEmitter } from 'eventemitter3';
import {
  E_INVALIDARG,
  UsbDisconnectedError,
  WiaError,
  type UsbBackend,
  type UsbBackendEvents,
  type UsbDeviceInfo,
  type UsbTransport,
} from '@openwia/core';
import type { SimulatedUsbDevice } from './simulated-device.js';

/** A simulated device as a backend lists it. */
export function simulatedDeviceInfo(device: SimulatedUsbDevice): UsbDeviceInfo {
  const reason = device.inaccessibleReason;
  return reason ? { descriptor: device.descriptor, accessible: false, inaccessibleReason: reason } : { descriptor: device.descriptor, accessible: true };
}

/**
 * A USB bus in memory: the testkit's {@link UsbBackend}. Devices attach and
 * detach at any time (hotplug events fire synchronously); a detach fails the
 * device's transfers in flight with `WIA_ERROR_OFFLINE` before the `detach`
 * event is emitted, exactly as the node-usb backend orders it.
 */
export class SimulatedUsbBus implements UsbBackend {
  readonly events = new EventEmitter<UsbBackendEvents>();
  private readonly devices = new Map<string, SimulatedUsbDevice>();

  /** Plugs a device in (again); emits `attach`. Throws when its location is taken by another device. */
  attach(device: SimulatedUsbDevice): void {
    const location = device.descriptor.location;
    const present = this.devices.get(location);
    if (present === device) return;
    if (present) throw new WiaError(E_INVALIDARG, `a device is already attached at ${location}`);
    device.joinBus(this, location);
    this.devices.set(location, device);
    this.events.emit('attach', simulatedDeviceInfo(device));
  }

  /** Unplugs a device: its transfers in flight fail with `WIA_ERROR_OFFLINE`, then `detach` is emitted. No-op when absent. */
  detach(device: SimulatedUsbDevice): void {
    const location = device.descriptor.location;
    if (this.devices.get(location) !== device) return;
    this.devices.delete(location);
    device.leaveBus();
    this.events.emit('detach', simulatedDeviceInfo(device));
  }

  /** The attached device at a location, if any. */
  device(location: string): SimulatedUsbDevice | undefined {
    return this.devices.get(location);
  }

  async list(): Promise<UsbDeviceInfo[]> {
    return [...this.devices.values()].map(simulatedDeviceInfo);
  }

  async open(device: UsbDeviceInfo | string): Promise<UsbTransport> {
    const location = typeof device === 'string' ? device : device.descriptor.location;
    const found = this.devices.get(location);
    if (!found) throw new UsbDisconnectedError(0, { detail: `no USB device at ${location}` });
    const transport = found.createTransport();
    await transport.open();
    return transport;
  }

  /** Forgets the listeners; attached devices stay as they are. */
  async dispose(): Promise<void> {
    this.events.removeAllListeners();
  }
}
