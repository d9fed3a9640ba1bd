import type { EventEmitter } from 'eventemitter3';
import type { UsbDeviceDescriptor } from './descriptors.js';
import type { UsbTransport } from './transport.js';

/** A device as a backend lists it: its descriptor, and whether this process may open it. */
export interface UsbDeviceInfo {
  descriptor: UsbDeviceDescriptor;
  /** `false` when opening would fail (permissions, another driver holds it). Such devices are still listed. */
  accessible: boolean;
  /** Why the device is inaccessible and how to fix it (a udev rule, detaching the kernel driver). */
  inaccessibleReason?: string;
}

/** Typed hotplug events of a {@link UsbBackend}. */
export interface UsbBackendEvents {
  /** A device appeared on the bus. */
  attach: (device: UsbDeviceInfo) => void;
  /** A device left the bus; the backend has already failed its transfers in flight with `WIA_ERROR_OFFLINE`. */
  detach: (device: UsbDeviceInfo) => void;
}

/**
 * A source of USB devices: the node-usb backend on hardware, the testkit's
 * `SimulatedUsbBus` in memory. The device manager depends on this interface
 * only, so it cannot tell the two apart.
 */
export interface UsbBackend {
  /** Hotplug events. Listening may start the backend's hotplug machinery. */
  readonly events: EventEmitter<UsbBackendEvents>;
  /** The devices on the bus now, accessible or not. */
  list(): Promise<UsbDeviceInfo[]>;
  /**
   * Opens a device for I/O (by its info or its `location`) and returns its
   * transport, already open. Throws `UsbAccessError` when the device may not
   * be opened, `WIA_ERROR_OFFLINE` when it is gone.
   */
  open(device: UsbDeviceInfo | string): Promise<UsbTransport>;
  /** Stops hotplug detection and releases the backend; open transports stay usable until closed. */
  dispose(): Promise<void>;
}
