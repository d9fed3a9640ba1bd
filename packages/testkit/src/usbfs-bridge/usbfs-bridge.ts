import createDebug from 'debug';
import { E_FAIL, E_INVALIDARG, NodeUsbBackend, WiaError, type NodeUsbBackendOptions } from '@openwia/core';
import type { SimulatedUsbDevice } from '../usb/simulated-device.js';
import { UMOCKDEV_APT_PACKAGES } from './availability.js';
import { sysfsDescriptorBytes } from './descriptor-bytes.js';
import { RelayProcess, type RelayMessage } from './relay-process.js';
import { UsbfsDeviceServer, type UrbCompletion } from './usbfs-device-server.js';

/** `DEBUG=openwia:usbfs` traces every URB the relay forwards, and its completion. */
const trace = createDebug('openwia:usbfs');

/** Where an emulated device sits: its sysfs name (`1-7`, also its `location` for the backend) and usbfs node. */
export interface EmulatedDeviceAddress {
  location: string;
  busNumber: number;
  deviceNumber: number;
  devnode: string;
}

/** How the host side of an emulated device starts out. */
export interface EmulatedDeviceOptions {
  /**
   * Kernel drivers bound to interfaces when the device is plugged in, by
   * interface number: e.g. `{ 0: 'usblp' }` (libusb detaches it on claim and
   * binds it again on release), or `'usbfs'` for an interface another program
   * has claimed (a claim fails with LIBUSB_ERROR_BUSY).
   */
  kernelDrivers?: Readonly<Record<number, string>>;
  /**
   * The port on bus 1 to plug into, e.g. a device's old port to plug it back in where it was (same location,
   * as on hardware, with a new device number); default: the next free one. The port must be free.
   */
  port?: number;
}

/** `true` when this process runs with umockdev's preload library (under `umockdev-wrapper`). */
export function underUmockdevPreload(): boolean {
  return (process.env['LD_PRELOAD'] ?? '').includes('libumockdev-preload');
}

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');
const pad3 = (n: number): string => String(n).padStart(3, '0');

/**
 * The umockdev testbed of this process, served by one relay. libusb reads
 * `$UMOCKDEV_DIR` when it starts, so the bridge sets it before the `usb`
 * module is first loaded, and keeps one testbed for the life of the process.
 */
export class UsbfsBridge {
  private static instance: Promise<UsbfsBridge> | undefined;
  private readonly servers = new Map<string, UsbfsDeviceServer>();
  private readonly waiters = new Map<string, () => void>();
  private readonly kernelDrivers = new Map<string, Map<number, string>>();
  private nextSlot = 0;
  private nextDeviceNumber = 2;
  private nextSync = 0;

  private constructor(private readonly relay: RelayProcess) {
    relay.messages.on('message', (m) => this.onMessage(m));
  }

  /** The process-wide bridge; starts the relay on first use. Throws a clear `WiaError` outside `umockdev-wrapper`. */
  static get(): Promise<UsbfsBridge> {
    if (!underUmockdevPreload()) {
      return Promise.reject(new WiaError(E_FAIL, `the usbfs bridge needs umockdev's preload library: run under "umockdev-wrapper" (apt-get install ${UMOCKDEV_APT_PACKAGES.join(' ')})`));
    }
    UsbfsBridge.instance ??= RelayProcess.start().then((relay) => {
      process.env['UMOCKDEV_DIR'] = relay.root;
      return new UsbfsBridge(relay);
    });
    return UsbfsBridge.instance;
  }

  /** A `NodeUsbBackend` on this process's libusb, which sees the testbed. */
  async createBackend(options?: NodeUsbBackendOptions): Promise<NodeUsbBackend> {
    return NodeUsbBackend.load(options);
  }

  /** Plugs a simulated device into the testbed: sysfs entries, a usbfs node, a udev `add` event. */
  async plug(device: SimulatedUsbDevice, options: EmulatedDeviceOptions = {}): Promise<EmulatedDeviceAddress> {
    const slot = options.port === undefined ? this.nextSlot++ : options.port - 1;
    const busNumber = 1 + Math.floor(slot / 100);
    const port = 1 + (slot % 100);
    if (this.servers.has(`${busNumber}-${port}`)) throw new WiaError(E_INVALIDARG, `port ${busNumber}-${port} already has a device plugged in`);
    // Device numbers are never reused while the testbed lives, as the kernel's: a device plugged back in gets a new one.
    const deviceNumber = this.nextDeviceNumber++;
    const address: EmulatedDeviceAddress = { location: `${busNumber}-${port}`, busNumber, deviceNumber, devnode: `/dev/bus/usb/${pad3(busNumber)}/${pad3(deviceNumber)}` };
    const server = new UsbfsDeviceServer(device);
    this.servers.set(address.location, server);
    const d = device.descriptor;
    const text = (s: string | number): string => `${s}\n`;
    const attributes: Record<string, string> = {
      busnum: text(busNumber),
      devnum: text(deviceNumber),
      dev: text(`189:${(busNumber - 1) * 128 + deviceNumber - 1}`),
      speed: text(480),
      bConfigurationValue: text(d.configurations[0]?.configurationValue ?? ''),
      bNumConfigurations: text(d.configurations.length),
      bDeviceClass: text(d.deviceClass.toString(16).padStart(2, '0')),
      idVendor: text(hex4(d.vendorId)),
      idProduct: text(hex4(d.productId)),
      bcdDevice: text('0100'),
      version: text(' 2.00'),
      ...(d.manufacturer ? { manufacturer: text(d.manufacturer) } : {}),
      ...(d.product ? { product: text(d.product) } : {}),
      ...(d.serialNumber ? { serial: text(d.serialNumber) } : {}),
    };
    const properties = {
      DEVTYPE: 'usb_device',
      DEVNAME: address.devnode,
      BUSNUM: pad3(busNumber),
      DEVNUM: pad3(deviceNumber),
      PRODUCT: `${d.vendorId.toString(16)}/${d.productId.toString(16)}/100`,
      MAJOR: '189',
      MINOR: String((busNumber - 1) * 128 + deviceNumber - 1),
    };
    const drivers = options.kernelDrivers ?? {};
    this.kernelDrivers.set(address.location, new Map(Object.entries(drivers).map(([n, name]) => [Number(n), name])));
    const added = this.waitFor(`added:${address.location}`);
    const descriptors = Buffer.from(sysfsDescriptorBytes(d)).toString('base64');
    this.relay.send({ op: 'add', key: address.location, sysname: address.location, attributes, properties, descriptors, drivers });
    await added;
    device.events.once('unplug', () => void this.unplug(address.location));
    return address;
  }

  /**
   * The kernel driver bound to an interface of the device at `location`
   * (`undefined`: none, e.g. detached by libusb), once every ioctl answered
   * before this call has been reported (the relay reports them as it answers).
   */
  async kernelDriver(location: string, interfaceNumber: number): Promise<string | undefined> {
    const token = `sync-${this.nextSync++}`;
    const synced = this.waitFor(`synced:${token}`);
    this.relay.send({ op: 'sync', key: token });
    await synced;
    return this.kernelDrivers.get(location)?.get(interfaceNumber);
  }

  /** Pulls the plug: pending and later URBs fail with -ENODEV, a udev `remove` event follows. No-op when already gone. */
  async unplug(location: string): Promise<void> {
    const server = this.servers.get(location);
    if (!server) return;
    this.servers.delete(location);
    this.kernelDrivers.delete(location);
    const removed = this.waitFor(`removed:${location}`);
    this.relay.send({ op: 'remove', key: location });
    await removed;
    await server.dispose();
  }

  private waitFor(event: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new WiaError(E_FAIL, `the umockdev relay did not answer ${event} within 10 s`)), 10_000);
      this.waiters.set(event, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private onMessage(m: RelayMessage): void {
    if (m.op === 'added' || m.op === 'removed' || m.op === 'synced') {
      const key = `${m.op}:${m.key}`;
      this.waiters.get(key)?.();
      this.waiters.delete(key);
      return;
    }
    if (m.op === 'ready') return;
    const server = this.servers.get(m.key);
    if (m.op === 'notice') trace('notice %s %d', m.what, m.value);
    if (m.op === 'discard') trace('discard urb %d', m.urb);
    if (m.op === 'notice' && m.what === 'KERNEL_DRIVER') this.noteKernelDriver(m.key, m.value, m.driver ?? undefined);
    else if (m.op === 'notice') server?.notice(m.what, m.value);
    else if (m.op === 'discard') server?.discard(m.urb);
    else if (m.op === 'submit') this.serve(server, m);
  }

  private noteKernelDriver(location: string, interfaceNumber: number, driver: string | undefined): void {
    trace('kernel driver of %s interface %d: %s', location, interfaceNumber, driver ?? 'none');
    const drivers = this.kernelDrivers.get(location);
    if (driver === undefined) drivers?.delete(interfaceNumber);
    else drivers?.set(interfaceNumber, driver);
  }

  private serve(server: UsbfsDeviceServer | undefined, m: Extract<RelayMessage, { op: 'submit' }>): void {
    trace('submit urb %d type %d ep 0x%s len %d', m.urb, m.type, m.ep.toString(16), m.len);
    const done = ({ status, data, offset, actual }: UrbCompletion): void => {
      trace('done urb %d ep 0x%s status %d bytes %d', m.urb, m.ep.toString(16), status, actual);
      this.relay.send({ op: 'done', urb: m.urb, status, offset, actual, data: Buffer.from(data.buffer, data.byteOffset, data.length).toString('base64') });
    };
    if (!server) return done({ status: -19, data: new Uint8Array(0), offset: 0, actual: 0 });
    server.submit({ urb: m.urb, type: m.type, ep: m.ep, len: m.len, data: Buffer.from(m.data, 'base64') }, done);
  }
}
