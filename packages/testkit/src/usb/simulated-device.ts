import { EventEmitter } from 'eventemitter3';
import { E_INVALIDARG, WiaError, type UsbDeviceDescriptor, type UsbTransport } from '@openwia/core';
import { DevicePort, copyBytes, type ControlHandler, type EndpointInfo, type OutHandler } from './device-port.js';
import { SimulatedFaults } from './faults.js';
import { BusPacer, resolveSpeedProfile, type UsbSpeedProfile } from './speed.js';
import { SimulatedUsbTransport } from './simulated-transport.js';

/** A device's descriptor before a bus gives it a location. */
export type SimulatedDeviceDescriptor = Omit<UsbDeviceDescriptor, 'location'> & { location?: string };

/** Options of a {@link SimulatedUsbDevice}. */
export interface SimulatedUsbDeviceOptions {
  /** Timing: `unlimited` (default), `usb2` (40 MB/s), `usb1` (1 MB/s) or a custom profile. */
  speed?: UsbSpeedProfile | 'unlimited' | 'usb2' | 'usb1';
  /**
   * Strict packet sizes (default `false`): a read whose length is not a
   * multiple of maxPacketSize fails with `UsbOverflowError` when the device
   * has more bytes in that transfer, as libusb reports a babbling packet.
   * Lenient mode hands over exactly the bytes asked for and leaves the rest
   * queued, which is what plugins usually expect of a byte stream.
   */
  strictPacketSizes?: boolean;
  /** Makes the device inaccessible (listed, but `open` fails with `UsbAccessError`); the text says why. */
  inaccessibleReason?: string;
}

import type { SimulatedUsbDeviceEvents } from './device-events.js';
export type { SimulatedUsbDeviceEvents };

/**
 * Makes the host-side handle for {@link SimulatedUsbDevice.createTransport}.
 * The default is the in-memory {@link SimulatedUsbTransport}; the usbfs bridge
 * installs one that serves the device to the real USB stack (node-usb →
 * libusb → usbfs, emulated by umockdev), so the same tests run on both.
 */
export type HostTransportFactory = (device: SimulatedUsbDevice) => UsbTransport;

const inMemoryTransport: HostTransportFactory = (device) => new SimulatedUsbTransport(device);
let hostTransportFactory: HostTransportFactory = inMemoryTransport;
let hostTimeScale = 1;

/**
 * Installs the factory behind every `createTransport()` (`undefined` restores
 * the in-memory one). `timeScale` says how much longer than the in-memory bus
 * that factory's transports may take to answer (see {@link deviceTimeScale}).
 */
export function setHostTransportFactory(factory: HostTransportFactory | undefined, timeScale = 1): void {
  hostTransportFactory = factory ?? inMemoryTransport;
  hostTimeScale = factory ? timeScale : 1;
}

/**
 * The factor a test multiplies its device deadlines by ("a camera silent for
 * 250 ms is never going to answer"): 1 on the in-memory bus, which answers at
 * once; larger when `createTransport()` goes through the real USB stack, where
 * every URB crosses libusb, umockdev and a relay process and a loaded machine
 * can hold one up for longer than a short deadline.
 */
export function deviceTimeScale(): number {
  return hostTimeScale;
}

/** What a bus does with its devices; lets a device unplug itself from the bus it is on. */
export interface SimulatedBusMembership {
  detach(device: SimulatedUsbDevice): void;
}

let nextStandaloneId = 1;

function collectEndpoints(descriptor: SimulatedDeviceDescriptor): Map<number, EndpointInfo> {
  const endpoints = new Map<number, EndpointInfo>();
  for (const configuration of descriptor.configurations) {
    for (const iface of configuration.interfaces) {
      for (const endpoint of iface.endpoints) {
        if (!(endpoint.maxPacketSize > 0)) throw new WiaError(E_INVALIDARG, `endpoint 0x${endpoint.address.toString(16)} needs a maxPacketSize > 0`);
        if (!endpoints.has(endpoint.address)) endpoints.set(endpoint.address, { descriptor: endpoint, interfaceNumber: iface.interfaceNumber });
      }
    }
  }
  return endpoints;
}

/**
 * A USB device in memory. The device side (a virtual camera, scanner, or a
 * test) queues IN data with {@link writeIn}, handles OUT data with
 * {@link onOut} and control requests with {@link onControl}; the host side is
 * a {@link UsbTransport} from {@link createTransport} or a `SimulatedUsbBus`,
 * indistinguishable for a plugin from the node-usb backend.
 */
export class SimulatedUsbDevice {
  readonly events = new EventEmitter<SimulatedUsbDeviceEvents>();
  /** Fault injection: NAK forever, failures on the nth transfer, short packets, babble, unplug at byte N or phase. */
  readonly faults = new SimulatedFaults();
  /** @internal The host-facing side, for transports. */
  readonly port: DevicePort;
  /** @internal Endpoint address → descriptor and owning interface. */
  readonly endpoints: ReadonlyMap<number, EndpointInfo>;
  /** Why the device may not be opened; `undefined` when it may. */
  readonly inaccessibleReason: string | undefined;
  private location: string;
  private membership: SimulatedBusMembership | undefined;

  constructor(
    private readonly baseDescriptor: SimulatedDeviceDescriptor,
    options: SimulatedUsbDeviceOptions = {},
  ) {
    this.location = baseDescriptor.location ?? `sim-${nextStandaloneId++}`;
    this.endpoints = collectEndpoints(baseDescriptor);
    this.inaccessibleReason = options.inaccessibleReason;
    this.port = new DevicePort({
      endpoints: this.endpoints,
      faults: this.faults,
      pacer: new BusPacer(resolveSpeedProfile(options.speed)),
      strictPacketSizes: options.strictPacketSizes ?? false,
      unplug: () => this.unplug(),
    });
  }

  /** The full descriptor, with the location the device has now. */
  get descriptor(): UsbDeviceDescriptor {
    return { ...this.baseDescriptor, location: this.location };
  }

  /** `true` while plugged in. */
  get connected(): boolean {
    return this.port.connected;
  }

  /**
   * Device side: queues bytes for the host to read from an IN endpoint (bulk
   * or interrupt). Resolves once the host consumed them (back-pressure);
   * resolves early when the device itself flushes them ({@link clearIn});
   * rejects when the host resets the device or the device is unplugged.
   * `endOfTransfer` (default true) ends the device-side transfer: a short
   * packet, or a zero-length packet when its length is a multiple of
   * maxPacketSize. With `false` the next `writeIn` continues the same transfer.
   */
  writeIn(endpointAddress: number, data: Uint8Array, options: { endOfTransfer?: boolean } = {}): Promise<void> {
    try {
      const queue = this.port.inQueue(endpointAddress);
      if (!this.port.connected) return Promise.reject(new WiaError(E_INVALIDARG, 'writeIn on an unplugged device'));
      return queue.write(copyBytes(data), options.endOfTransfer ?? true);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Device side: handles host writes to an OUT endpoint, once per host `transferOut`, in order; the host's transfer resolves when the handler returns. */
  onOut(endpointAddress: number, handler: OutHandler): void {
    const info = this.endpoints.get(endpointAddress);
    if (info?.descriptor.direction !== 'out') throw new WiaError(E_INVALIDARG, `the device has no OUT endpoint 0x${endpointAddress.toString(16)}`);
    this.port.outHandlers.set(endpointAddress, handler);
    this.port.outHandlersChanged.notify();
  }

  /** Device side: handles control transfers. Return bytes for an IN request (truncated to the host's length), nothing for OUT; throw `UsbStallError` to stall. Without a handler every request stalls. */
  onControl(handler: ControlHandler): void {
    this.port.controlHandler = handler;
  }

  /** Device side: discards bytes queued on an IN endpoint (a flush after a cancel); their `writeIn` calls resolve. */
  clearIn(endpointAddress: number): void {
    this.port.inQueue(endpointAddress).clear();
  }

  /** Interfaces some host handle holds claimed now, ascending (leak checks: empty once every handle released or closed). */
  get claimedInterfaces(): number[] {
    return [...this.port.claims.keys()].sort((a, b) => a - b);
  }

  /** Bytes queued on an IN endpoint that the host has not read yet. */
  queuedIn(endpointAddress: number): number {
    return this.port.inQueue(endpointAddress).queuedBytes;
  }

  /** Halts an endpoint: host transfers on it (including those in flight) fail with `UsbStallError` until `clearHalt`. */
  stall(endpointAddress: number): void {
    this.port.halt(endpointAddress);
  }

  /** Device side: announces a protocol phase (e.g. `command`, `data`, `response`); an `unplugAtPhase` fault fires here. */
  markPhase(name: string): void {
    this.events.emit('phase', name);
    if (this.faults.unplugsAtPhase(name)) this.unplug();
  }

  /** Pulls the plug: from its bus (which reports the detach) or, standalone, just the device. Transfers in flight fail with `WIA_ERROR_OFFLINE`. */
  unplug(): void {
    if (this.membership) this.membership.detach(this);
    else this.disconnect();
  }

  /** A host handle to this device (not yet open): in memory, or over the real USB stack when the usbfs bridge is installed. */
  createTransport(): UsbTransport {
    return hostTransportFactory(this);
  }

  /** @internal Called by a bus when the device joins it. */
  joinBus(membership: SimulatedBusMembership, location: string): void {
    if (this.membership && this.membership !== membership) throw new WiaError(E_INVALIDARG, `device ${this.location} is already on another bus`);
    this.membership = membership;
    this.location = location;
    if (!this.port.connected) this.port.reconnect();
    this.events.emit('plug');
  }

  /** @internal Called by a bus when the device leaves it. */
  leaveBus(): void {
    this.membership = undefined;
    this.disconnect();
  }

  private disconnect(): void {
    if (!this.port.connected) return;
    this.port.disconnect();
    this.events.emit('unplug');
  }
}
