import type { Device } from 'usb';
import { E_HANDLE, E_INVALIDARG, WiaError } from '../hresult/index.js';
import type { UsbDeviceDescriptor, UsbEndpointDescriptor } from './descriptors.js';
import { EndpointLanes } from './endpoint-lanes.js';
import { UsbDisconnectedError } from './errors.js';
import { mapLibusbError, type LibusbErrorContext, type LibusbErrorLike } from './libusb-errors.js';
import { runLibusbTransfer, type InFlightTransfer, type LibusbTransferCallback, type LibusbTransferLike } from './libusb-transfer.js';
import type { UsbControlSetup, UsbTransferOptions, UsbTransport } from './transport.js';

/** Creates a native libusb transfer: node-usb's `new Transfer(device, endpoint, type, timeout, callback)`. */
export type LibusbTransferFactory = (device: Device, endpointAddress: number, type: number, timeoutMs: number, callback: LibusbTransferCallback) => LibusbTransferLike;

/** libusb transfer types (`libusb_transfer_type`). */
const TRANSFER_TYPE = { control: 0, isochronous: 1, bulk: 2, interrupt: 3 } as const;
const CONTROL_SETUP_SIZE = 8;
const REQUEST_TYPE = { standard: 0x00, class: 0x20, vendor: 0x40 } as const;
const RECIPIENT = { device: 0, interface: 1, endpoint: 2, other: 3 } as const;

/** Calls a node-usb callback-style method as a promise, mapping its error. */
function callback<T = void>(call: (done: (error?: LibusbErrorLike, value?: T) => void) => void, context: LibusbErrorContext): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    try {
      call((error, value) => (error ? reject(mapLibusbError(error, context)) : resolve(value as T)));
    } catch (err) {
      reject(mapLibusbError(err, context));
    }
  });
}

/**
 * `UsbTransport` on real hardware through node-usb's libusb API. Every
 * transfer is a `Transfer` made, submitted and — on abort — cancelled by
 * us; node-usb's convenience `endpoint.transfer()` is never used because it
 * cannot be cancelled (node-usb #254: a hung one even blocks `close()`).
 */
export class NodeUsbTransport implements UsbTransport {
  private isOpen = false;
  private gone = false;
  private readonly claimed = new Set<number>();
  private readonly inFlight = new Set<InFlightTransfer>();
  private readonly lanes = new EndpointLanes();

  constructor(
    private readonly device: Device,
    readonly descriptor: UsbDeviceDescriptor,
    private readonly createTransfer: LibusbTransferFactory,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  get opened(): boolean {
    return this.isOpen;
  }

  async open(): Promise<void> {
    if (this.isOpen) return;
    if (this.gone) throw new UsbDisconnectedError(0, { detail: `USB device ${this.descriptor.location} is gone` });
    try {
      this.device.open();
    } catch (err) {
      throw mapLibusbError(err, this.context(`open USB device ${this.descriptor.location}`));
    }
    // Linux: let libusb detach a kernel driver (usblp, ...) on claim and re-attach it on release.
    if (this.platform === 'linux') {
      try {
        this.device.setAutoDetachKernelDriver(true);
      } catch {
        // Not supported by this libusb build: claiming reports BUSY with a hint instead.
      }
    }
    this.isOpen = true;
  }

  /** Cancels transfers in flight and waits for libusb to finish them before closing (a pending transfer would block close). */
  async close(): Promise<void> {
    if (!this.isOpen) return;
    this.isOpen = false;
    await this.cancelAll();
    for (const n of this.claimed) {
      await callback((done) => this.device.interface(n).release(done), this.context('release')).catch(() => undefined);
    }
    this.claimed.clear();
    try {
      this.device.close();
    } catch {
      // A vanished device cannot be closed any further; the handle is gone either way.
    }
  }

  async selectConfiguration(configurationValue: number): Promise<void> {
    this.checkAlive(0);
    await callback((done) => this.device.setConfiguration(configurationValue, done), this.context(`select configuration ${configurationValue}`));
  }

  async claimInterface(interfaceNumber: number): Promise<void> {
    this.checkAlive(0);
    const iface = this.device.interfaces?.find((i) => i.interfaceNumber === interfaceNumber);
    if (!iface) throw new WiaError(E_INVALIDARG, `the device has no interface ${interfaceNumber}`);
    try {
      iface.claim();
    } catch (err) {
      throw mapLibusbError(err, { ...this.context(`claim interface ${interfaceNumber} of ${this.descriptor.location}`), interfaceNumber });
    }
    this.claimed.add(interfaceNumber);
  }

  async releaseInterface(interfaceNumber: number): Promise<void> {
    this.checkAlive(0);
    if (!this.claimed.delete(interfaceNumber)) return;
    await callback((done) => this.device.interface(interfaceNumber).release(done), { ...this.context('release'), interfaceNumber });
  }

  async transferIn(endpointAddress: number, length: number, options?: UsbTransferOptions): Promise<Uint8Array> {
    const endpoint = this.endpoint(endpointAddress, 'in');
    if (!Number.isInteger(length) || length < 0) throw new WiaError(E_INVALIDARG, `"length" must be an integer >= 0, got ${length}`);
    return this.submit(endpoint, Buffer.alloc(length), 0, options);
  }

  async transferOut(endpointAddress: number, data: Uint8Array, options?: UsbTransferOptions): Promise<number> {
    const endpoint = this.endpoint(endpointAddress, 'out');
    await this.submit(endpoint, Buffer.from(data), 0, options);
    return data.length;
  }

  async controlTransferIn(setup: UsbControlSetup, length: number, options?: UsbTransferOptions): Promise<Uint8Array> {
    this.checkAlive(0);
    const buffer = this.setupPacket(setup, 0x80, length);
    return this.submit(undefined, buffer, CONTROL_SETUP_SIZE, options);
  }

  async controlTransferOut(setup: UsbControlSetup, data: Uint8Array = new Uint8Array(0), options?: UsbTransferOptions): Promise<number> {
    this.checkAlive(0);
    const buffer = this.setupPacket(setup, 0x00, data.length);
    buffer.set(data, CONTROL_SETUP_SIZE);
    await this.submit(undefined, buffer, CONTROL_SETUP_SIZE, options);
    return data.length;
  }

  async clearHalt(endpointAddress: number): Promise<void> {
    this.checkAlive(endpointAddress);
    await callback((done) => this.device.__clearHalt(endpointAddress, done), this.context(`clear halt on 0x${endpointAddress.toString(16)}`));
  }

  async reset(): Promise<void> {
    this.checkAlive(0);
    await this.cancelAll();
    await callback((done) => this.device.reset(done), this.context(`reset ${this.descriptor.location}`));
  }

  /** Called by the backend when the device left the bus: transfers in flight are cancelled and fail with `WIA_ERROR_OFFLINE`. */
  markDisconnected(): void {
    this.gone = true;
    for (const t of this.inFlight) t.cancel();
  }

  private async cancelAll(): Promise<void> {
    const pending = [...this.inFlight];
    for (const t of pending) t.cancel();
    await Promise.all(pending.map((t) => t.settled));
  }

  private submit(endpoint: UsbEndpointDescriptor | undefined, buffer: Buffer, payloadOffset: number, options: UsbTransferOptions | undefined): Promise<Uint8Array> {
    const address = endpoint?.address ?? 0;
    const type = endpoint ? TRANSFER_TYPE[endpoint.type] : TRANSFER_TYPE.control;
    return this.lanes.run(address, options?.signal, () => {
      this.checkAlive(address);
      return runLibusbTransfer(
        {
          endpointAddress: address,
          create: (timeoutMs, done) => this.createTransfer(this.device, address, type, timeoutMs, done),
          buffer,
          payloadOffset,
          options,
          isDisconnected: () => this.gone,
        },
        this.inFlight,
      );
    });
  }

  private setupPacket(setup: UsbControlSetup, direction: number, length: number): Buffer {
    const buffer = Buffer.alloc(CONTROL_SETUP_SIZE + length);
    buffer.writeUInt8(direction | REQUEST_TYPE[setup.requestType] | RECIPIENT[setup.recipient], 0);
    buffer.writeUInt8(setup.request, 1);
    buffer.writeUInt16LE(setup.value, 2);
    buffer.writeUInt16LE(setup.index, 4);
    buffer.writeUInt16LE(length, 6);
    return buffer;
  }

  private endpoint(endpointAddress: number, direction: 'in' | 'out'): UsbEndpointDescriptor {
    this.checkAlive(endpointAddress);
    for (const c of this.descriptor.configurations) {
      for (const i of c.interfaces) {
        const found = i.endpoints.find((e) => e.address === endpointAddress && e.direction === direction && e.type !== 'control');
        if (found) return found;
      }
    }
    throw new WiaError(E_INVALIDARG, `the device has no ${direction.toUpperCase()} endpoint 0x${endpointAddress.toString(16)}`);
  }

  private checkAlive(endpointAddress: number): void {
    if (this.gone) throw new UsbDisconnectedError(endpointAddress);
    if (!this.isOpen) throw new WiaError(E_HANDLE, 'the USB device is not open: call open() first');
  }

  private context(operation: string): LibusbErrorContext {
    return { operation, vendorId: this.descriptor.vendorId, productId: this.descriptor.productId, platform: this.platform };
  }
}
