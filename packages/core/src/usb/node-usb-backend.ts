import { createRequire } from 'node:module';
import createDebug from 'debug';
import { EventEmitter } from 'eventemitter3';
import type { Device } from 'usb';
import { E_FAIL, WiaError } from '../hresult/index.js';
import type { UsbBackend, UsbBackendEvents, UsbDeviceInfo } from './backend.js';
import { UsbDisconnectedError } from './errors.js';
import type { UsbDeviceDescriptor } from './descriptors.js';
import type { LibusbTransferCallback, LibusbTransferLike } from './libusb-transfer.js';
import { describeNodeUsbDevice, nodeUsbLocation, type UsbDeviceStrings } from './node-usb-descriptors.js';
import type { NodeUsbTransport } from './node-usb-transport.js';

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
  /**
   * Follow attach and detach (default true). Off, the backend lists what is plugged in now and
   * never starts libusb's hotplug machinery — tens of milliseconds a one-shot listing need not pay.
   */
  hotplug?: boolean;
}

/**
 * The `usb` package's libusb API without its WebUSB layer, which this backend does not use and
 * which is a third of the package's load time (every short command pays it). `usb/dist/usb` is
 * that API's own module in usb 2.x: the binding, which is the hotplug emitter, with
 * `getDeviceList` and `Transfer` on it. Should a release move it, the whole package is loaded.
 * Required rather than imported: `usb` is CommonJS, and `require` spares the scan of its source
 * for named exports that an ESM import of CommonJS costs.
 */
function requireNodeUsb(): NodeUsbModule {
  const require = createRequire(import.meta.url);
  let api: NodeUsbModule['usb'] & Omit<NodeUsbModule, 'usb'>;
  try {
    api = require('usb/dist/usb/index.js') as typeof api;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
    return require('usb') as NodeUsbModule;
  }
  return { getDeviceList: api.getDeviceList, Transfer: api.Transfer, usb: api };
}

/** How long a device may take to answer one string request while being listed (a silent device must not stall a listing). */
const STRING_TIMEOUT_MS = 1000;
/** USB's language id for US English, which every device with strings offers. */
const LANGID_EN_US = 0x0409;

/** One string descriptor, or `undefined` when the device has none at `index` or does not answer it. Times out on our own timer. */
async function readString(transport: NodeUsbTransport, index: number): Promise<string | undefined> {
  if (!index) return undefined;
  const setup = { requestType: 'standard', recipient: 'device', request: 6 /* GET_DESCRIPTOR */, value: (3 << 8) | index, index: LANGID_EN_US } as const;
  const bytes = Buffer.from(await transport.controlTransferIn(setup, 255, { timeoutMs: STRING_TIMEOUT_MS }));
  // bLength, bDescriptorType (3), then UTF-16LE; a device may report a bLength longer than it sent.
  if (bytes.length < 2 || bytes[1] !== 3) return undefined;
  return bytes.subarray(2, Math.min(bytes.length, bytes[0]!)).toString('utf16le');
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
  private readonly probing = new Map<string, Promise<UsbDeviceInfo>>();
  private readonly platform: NodeJS.Platform;
  private readonly onAttach = (device: Device): void => void this.attached(device);
  private readonly onDetach = (device: Device): void => this.detached(device);

  constructor(
    private readonly lib: NodeUsbModule,
    private readonly options: NodeUsbBackendOptions = {},
  ) {
    this.platform = options.platform ?? process.platform;
    if (options.hotplug === false) return;
    lib.usb.on('attach', this.onAttach);
    lib.usb.on('detach', this.onDetach);
    lib.usb.unrefHotplugEvents();
  }

  /** Loads the native `usb` module; a clear `WiaError` when it cannot be loaded on this machine. */
  static async load(options?: NodeUsbBackendOptions): Promise<NodeUsbBackend> {
    let lib: NodeUsbModule;
    try {
      lib = requireNodeUsb();
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
    const info = await this.describe(found);
    const transport = await this.createTransport(found, info.descriptor);
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

  /**
   * What the backend knows of a device, probing it (opening it briefly) when it
   * must. A device a transport holds open is never probed: node-usb keeps one
   * libusb handle per device, so the probe's close would close the transport's.
   * Probes of one device never overlap: a second probe's close would find the
   * first one's string request pending, fail, and leak the handle (on umockdev
   * that exhausted its fd table after a dozen re-plugs). An accessible device
   * is probed once until it leaves the bus; an inaccessible one again on each
   * listing, so fixed permissions show without a re-plug.
   */
  private describe(device: Device): Promise<UsbDeviceInfo> {
    const location = nodeUsbLocation(device);
    const known = this.known.get(location);
    if (known && (known.accessible || this.transports.get(location)?.size)) return Promise.resolve(known);
    const running = this.probing.get(location);
    if (running) return running;
    const probe = this.probe(device, location);
    this.probing.set(location, probe);
    // A detach meanwhile has dropped this probe: what it learnt describes a device that is gone.
    const current = (): boolean => this.probing.get(location) === probe;
    void probe.then(
      (info) => {
        if (!current()) return;
        this.probing.delete(location);
        this.known.set(location, info);
      },
      () => {
        if (current()) this.probing.delete(location);
      },
    );
    return probe;
  }

  /** Reads the descriptors, and (when probing) the strings and whether the device can be opened, through a short-lived transport. */
  private async probe(device: Device, location: string): Promise<UsbDeviceInfo> {
    const descriptor = describeNodeUsbDevice(device);
    if (this.options.probe === false) return { descriptor, accessible: true };
    const transport = await this.createTransport(device, descriptor);
    try {
      await transport.open();
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      return { descriptor, accessible: false, inaccessibleReason: reason };
    }
    try {
      return { descriptor: describeNodeUsbDevice(device, await this.readStrings(transport, device)), accessible: true };
    } finally {
      await transport.close();
      debug('USB device %s probed', location);
    }
  }

  /** The manufacturer, product and serial strings; after one failed request the rest are skipped (a silent device costs one timeout, not three). */
  private async readStrings(transport: NodeUsbTransport, device: Device): Promise<UsbDeviceStrings> {
    const d = device.deviceDescriptor;
    const strings: UsbDeviceStrings = {};
    try {
      const manufacturer = await readString(transport, d.iManufacturer);
      if (manufacturer) strings.manufacturer = manufacturer;
      const product = await readString(transport, d.iProduct);
      if (product) strings.product = product;
      const serialNumber = await readString(transport, d.iSerialNumber);
      if (serialNumber) strings.serialNumber = serialNumber;
    } catch (err) {
      debug('USB device %s: strings not read: %s', nodeUsbLocation(device), err instanceof Error ? err.message : String(err));
    }
    return strings;
  }

  private async createTransport(device: Device, descriptor: UsbDeviceDescriptor): Promise<NodeUsbTransport> {
    // Loaded with the first device probed or opened: a bus with nothing on it needs no transfer code.
    const { NodeUsbTransport } = await import('./node-usb-transport.js');
    return new NodeUsbTransport(device, descriptor, (d, ep, type, timeout, cb) => new this.lib.Transfer(d, ep, type, timeout, cb), this.platform);
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
    this.probing.delete(location);
    const info = this.known.get(location) ?? { descriptor: describeNodeUsbDevice(device), accessible: false, inaccessibleReason: 'detached' };
    this.known.delete(location);
    debug('USB detach at %s', location);
    this.events.emit('detach', info);
  }
}
