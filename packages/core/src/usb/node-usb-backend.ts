import createDebug from 'debug';
import { EventEmitter } from 'eventemitter3';
import type { Device } from 'usb';
import { E_FAIL, WiaError } from '../hresult/index.js';
import type { UsbBackend, UsbBackendEvents, UsbDeviceInfo } from './backend.js';
import { UsbDisconnectedError } from './errors.js';
import { mapLibusbError } from './libusb-errors.js';
import type { LibusbTransferCallback, LibusbTransferLike } from './libusb-transfer.js';
import { describeNodeUsbDevice, nodeUsbLocation, type UsbDeviceStrings } from './node-usb-descriptors.js';
import { NodeUsbTransport } from './node-usb-transport.js';

const debug = createDebug('openwia:core');

/** What the backend needs of the `usb` package (v2): its device list, hotplug emitter and `Transfer` class. */
export interface NodeUsbModule {
  getDeviceList(): Device[];
  usb: {
    on(event: 'attach' | 'detach', listener: (device: Device) => void): unknown;
    off(event: 'attach' | 'detach', listener: (device: Device) => void): unknown;
    unrefHotplugEvents(): void;
  };
  Transfer: new (device: Device, endpointAddress: number, type: number, timeoutMs: number, callback: LibusbTransferCallback) => LibusbTransferLike;
}

/** Options of {@link NodeUsbBackend}. */
export interface NodeUsbBackendOptions {
  /** For messages and fix hints (tests); default `process.platform`. */
  platform?: NodeJS.Platform;
  /** Open each device briefly when listing, to read its strings and learn whether it is accessible (default true). */
  probe?: boolean;
}

function getString(device: Device, index: number): Promise<string | undefined> {
  if (!index) return Promise.resolve(undefined);
  return new Promise((resolve) => device.getStringDescriptor(index, (error, value) => resolve(error ? undefined : value)));
}

/**
 * The hardware backend, on the `usb` package's v2 libusb API (not its WebUSB
 * layer: that one offers no way to cancel a transfer in flight). Hotplug
 * comes from libusb (or node-usb's polling fallback) and is unref'd, so
 * listening never keeps a process alive.
 */
export class NodeUsbBackend implements UsbBackend {
  readonly events = new EventEmitter<UsbBackendEvents>();
  private readonly transports = new Map<string, Set<NodeUsbTransport>>();
  private readonly known = new Map<string, UsbDeviceInfo>();
  private readonly platform: NodeJS.Platform;
  private readonly onAttach = (device: Device): void => void this.attached(device);
  private readonly onDetach = (device: Device): void => this.detached(device);

  constructor(
    private readonly lib: NodeUsbModule,
    private readonly options: NodeUsbBackendOptions = {},
  ) {
    this.platform = options.platform ?? process.platform;
    lib.usb.on('attach', this.onAttach);
    lib.usb.on('detach', this.onDetach);
    lib.usb.unrefHotplugEvents();
  }

  /** Loads the native `usb` module; a clear `WiaError` when it cannot be loaded on this machine. */
  static async load(options?: NodeUsbBackendOptions): Promise<NodeUsbBackend> {
    let lib: NodeUsbModule;
    try {
      lib = (await import('usb')) as unknown as NodeUsbModule;
    } catch (err) {
      throw WiaError.from(err, E_FAIL, 'the native "usb" module (libusb) could not be loaded; reinstall with "npm rebuild usb"');
    }
    return new NodeUsbBackend(lib, options);
  }

  async list(): Promise<UsbDeviceInfo[]> {
    const infos: UsbDeviceInfo[] = [];
    for (const device of this.lib.getDeviceList()) infos.push(await this.describe(device));
    return infos;
  }

  async open(device: UsbDeviceInfo | string): Promise<NodeUsbTransport> {
    const location = typeof device === 'string' ? device : device.descriptor.location;
    const found = this.lib.getDeviceList().find((d) => nodeUsbLocation(d) === location);
    if (!found) throw new UsbDisconnectedError(0, { detail: `no USB device at ${location}` });
    const info = this.known.get(location) ?? (await this.describe(found));
    const transport = new NodeUsbTransport(found, info.descriptor, (d, ep, type, timeout, cb) => new this.lib.Transfer(d, ep, type, timeout, cb), this.platform);
    await transport.open();
    let set = this.transports.get(location);
    if (!set) this.transports.set(location, (set = new Set()));
    set.add(transport);
    return transport;
  }

  async dispose(): Promise<void> {
    this.lib.usb.off('attach', this.onAttach);
    this.lib.usb.off('detach', this.onDetach);
    this.events.removeAllListeners();
  }

  /** Reads descriptors, and (when probing) strings and accessibility by opening the device briefly. */
  private async describe(device: Device): Promise<UsbDeviceInfo> {
    const location = nodeUsbLocation(device);
    if (this.transports.get(location)?.size) return this.known.get(location)!;
    let info: UsbDeviceInfo;
    if (this.options.probe === false) {
      info = { descriptor: describeNodeUsbDevice(device), accessible: true };
    } else {
      try {
        device.open(false);
        try {
          info = { descriptor: describeNodeUsbDevice(device, await this.readStrings(device)), accessible: true };
        } finally {
          device.close();
        }
      } catch (err) {
        const descriptor = describeNodeUsbDevice(device);
        const reason = mapLibusbError(err, { operation: `open USB device ${location}`, vendorId: descriptor.vendorId, productId: descriptor.productId, platform: this.platform }).message;
        info = { descriptor, accessible: false, inaccessibleReason: reason };
      }
    }
    this.known.set(location, info);
    return info;
  }

  private async readStrings(device: Device): Promise<UsbDeviceStrings> {
    const d = device.deviceDescriptor;
    const strings: UsbDeviceStrings = {};
    const manufacturer = await getString(device, d.iManufacturer);
    const product = await getString(device, d.iProduct);
    const serialNumber = await getString(device, d.iSerialNumber);
    if (manufacturer) strings.manufacturer = manufacturer;
    if (product) strings.product = product;
    if (serialNumber) strings.serialNumber = serialNumber;
    return strings;
  }

  private async attached(device: Device): Promise<void> {
    try {
      this.events.emit('attach', await this.describe(device));
    } catch (err) {
      // A device that vanished while being described: its detach follows.
      debug('USB attach at %s could not be described: %s', nodeUsbLocation(device), err instanceof Error ? err.message : String(err));
    }
  }

  /** Fails the transfers of every handle on the device with `WIA_ERROR_OFFLINE`, then reports the detach. */
  private detached(device: Device): void {
    const location = nodeUsbLocation(device);
    for (const transport of this.transports.get(location) ?? []) transport.markDisconnected();
    this.transports.delete(location);
    const info = this.known.get(location) ?? { descriptor: describeNodeUsbDevice(device), accessible: false, inaccessibleReason: 'detached' };
    this.known.delete(location);
    debug('USB detach at %s', location);
    this.events.emit('detach', info);
  }
}
