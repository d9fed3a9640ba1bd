import {
  E_HANDLE,
  E_INVALIDARG,
  E_UNEXPECTED,
  UsbAccessError,
  UsbDisconnectedError,
  WiaError,
  type UsbControlSetup,
  type UsbDeviceDescriptor,
  type UsbTransferOptions,
  type UsbTransport,
} from '@openwia/core';
import { TransfersInFlight } from './host-transfer.js';
import type { EventEmitter } from 'eventemitter3';
import type { DevicePort, EndpointInfo } from './device-port.js';
import type { SimulatedUsbDeviceEvents } from './device-events.js';

/**
 * What a transport needs of its `SimulatedUsbDevice`. Declared here, not
 * imported, so that the device (which creates transports) and its transport
 * do not import each other.
 */
export interface SimulatedTransportTarget {
  readonly descriptor: UsbDeviceDescriptor;
  readonly port: DevicePort;
  readonly endpoints: ReadonlyMap<number, EndpointInfo>;
  readonly inaccessibleReason: string | undefined;
  readonly events: EventEmitter<SimulatedUsbDeviceEvents>;
}

function checkLength(length: number): void {
  if (!Number.isInteger(length) || length < 0) throw new WiaError(E_INVALIDARG, `"length" must be an integer >= 0, got ${length}`);
}

/**
 * The host's handle to a `SimulatedUsbDevice`: the same `UsbTransport`
 * a plugin gets from the node-usb backend, with the same rules (open first,
 * claim the interface before its endpoints, one claim per interface).
 */
export class SimulatedUsbTransport implements UsbTransport {
  private isOpen = false;
  private epoch = 0;
  private readonly claimed = new Set<number>();
  private readonly inFlight = new TransfersInFlight();

  constructor(private readonly device: SimulatedTransportTarget) {}

  get descriptor(): UsbDeviceDescriptor {
    return this.device.descriptor;
  }

  get opened(): boolean {
    return this.isOpen;
  }

  /** Opens the device; idempotent. `UsbAccessError` for an inaccessible device, `WIA_ERROR_OFFLINE` for an unplugged one. */
  async open(): Promise<void> {
    if (this.isOpen) return;
    if (!this.device.port.connected) throw new UsbDisconnectedError(0, { detail: 'cannot open an unplugged device' });
    const reason = this.device.inaccessibleReason;
    if (reason) throw new UsbAccessError(`cannot open USB device ${this.device.descriptor.location}`, reason);
    this.epoch = this.device.port.epoch;
    this.isOpen = true;
    this.device.events.emit('open');
  }

  /** Closes the handle: transfers in flight abort, claimed interfaces are released. Idempotent. */
  async close(): Promise<void> {
    if (!this.isOpen) return;
    this.isOpen = false;
    for (const t of this.inFlight.snapshot()) t.interrupt('aborted');
    for (const n of this.claimed) if (this.device.port.claims.get(n) === this) this.device.port.claims.delete(n);
    this.claimed.clear();
    this.device.events.emit('close');
  }

  async selectConfiguration(configurationValue: number): Promise<void> {
    this.checkAlive(0);
    if (!this.descriptor.configurations.some((c) => c.configurationValue === configurationValue)) {
      throw new WiaError(E_INVALIDARG, `the device has no configuration ${configurationValue}`);
    }
  }

  async claimInterface(interfaceNumber: number): Promise<void> {
    this.checkAlive(0);
    const exists = this.descriptor.configurations.some((c) => c.interfaces.some((i) => i.interfaceNumber === interfaceNumber));
    if (!exists) throw new WiaError(E_INVALIDARG, `the device has no interface ${interfaceNumber}`);
    const holder = this.device.port.claims.get(interfaceNumber);
    if (holder && holder !== this) {
      throw new UsbAccessError(`interface ${interfaceNumber} of ${this.descriptor.location} is claimed by another handle`, 'Close the other handle (another program or driver) first.');
    }
    this.device.port.claims.set(interfaceNumber, this);
    this.claimed.add(interfaceNumber);
    this.device.events.emit('claimInterface', interfaceNumber);
  }

  async releaseInterface(interfaceNumber: number): Promise<void> {
    this.checkAlive(0);
    if (!this.claimed.delete(interfaceNumber)) return;
    this.device.port.claims.delete(interfaceNumber);
    this.device.events.emit('releaseInterface', interfaceNumber);
  }

  // The bulk paths are not `async`: a wrapper promise per transfer, resolved with the port's own
  // promise, cost two more microtasks and objects that outlive a paced read (see DevicePort.run).
  // A failed check still rejects rather than throws, as from an `async` method.
  transferIn(endpointAddress: number, length: number, options?: UsbTransferOptions): Promise<Uint8Array> {
    try {
      this.checkEndpoint(endpointAddress, 'in');
      checkLength(length);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.device.port.transferIn(endpointAddress, length, options, this.inFlight);
  }

  transferOut(endpointAddress: number, data: Uint8Array, options?: UsbTransferOptions): Promise<number> {
    try {
      this.checkEndpoint(endpointAddress, 'out');
    } catch (err) {
      return Promise.reject(err);
    }
    return this.device.port.transferOut(endpointAddress, data, options, this.inFlight);
  }

  async controlTransferIn(setup: UsbControlSetup, length: number, options?: UsbTransferOptions): Promise<Uint8Array> {
    this.checkAlive(0);
    checkLength(length);
    return this.device.port.controlTransfer(setup, undefined, length, options, this.inFlight);
  }

  async controlTransferOut(setup: UsbControlSetup, data: Uint8Array = new Uint8Array(0), options?: UsbTransferOptions): Promise<number> {
    this.checkAlive(0);
    await this.device.port.controlTransfer(setup, data, 0, options, this.inFlight);
    return data.length;
  }

  async clearHalt(endpointAddress: number): Promise<void> {
    this.checkEndpoint(endpointAddress, endpointAddress & 0x80 ? 'in' : 'out');
    this.device.port.clearHalt(endpointAddress);
    this.device.events.emit('clearHalt', endpointAddress);
  }

  async reset(): Promise<void> {
    this.checkAlive(0);
    this.device.port.reset();
    this.device.events.emit('reset');
  }

  private checkAlive(endpointAddress: number): void {
    if (!this.isOpen) throw new WiaError(E_HANDLE, 'the USB device is not open: call open() first');
    const port = this.device.port;
    if (!port.connected || port.epoch !== this.epoch) throw new UsbDisconnectedError(endpointAddress);
  }

  private checkEndpoint(endpointAddress: number, direction: 'in' | 'out'): EndpointInfo {
    this.checkAlive(endpointAddress);
    const info = this.device.endpoints.get(endpointAddress);
    if (!info || info.descriptor.direction !== direction || info.descriptor.type === 'control') {
      throw new WiaError(E_INVALIDARG, `the device has no ${direction.toUpperCase()} endpoint 0x${endpointAddress.toString(16)}`);
    }
    if (!this.claimed.has(info.interfaceNumber)) {
      throw new WiaError(E_UNEXPECTED, `interface ${info.interfaceNumber} is not claimed: call claimInterface(${info.interfaceNumber}) before using endpoint 0x${endpointAddress.toString(16)}`);
    }
    return info;
  }
}
