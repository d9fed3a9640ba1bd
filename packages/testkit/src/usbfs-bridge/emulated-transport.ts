import { spawn } from 'node:child_process';
import { E_FAIL, E_HANDLE, WiaError, type NodeUsbBackend, type UsbControlSetup, type UsbDeviceDescriptor, type UsbTransferOptions, type UsbTransport } from '@openwia/core';
import { setHostTransportFactory, type SimulatedUsbDevice } from '../usb/simulated-device.js';
import { UMOCKDEV_APT_PACKAGES } from './availability.js';
import { UsbfsBridge, type EmulatedDeviceAddress } from './usbfs-bridge.js';
import { waitForLocations } from './with-emulated-usb.js';

let sharedBackend: Promise<NodeUsbBackend> | undefined;

/** Device deadlines of tests stretch this much over the real stack (see `deviceTimeScale`): 250 ms becomes 2 s. */
const EMULATED_TIME_SCALE = 8;

/**
 * A `UsbTransport` for a simulated device that goes through the real USB
 * stack: `open()` plugs the device into the umockdev testbed, waits for libusb
 * to enumerate it and opens it with `NodeUsbBackend`; every call after that is
 * the `NodeUsbTransport`'s. `close()` closes it and unplugs the device again.
 */
export class EmulatedUsbTransport implements UsbTransport {
  private inner: UsbTransport | undefined;
  private address: EmulatedDeviceAddress | undefined;

  constructor(private readonly device: SimulatedUsbDevice) {}

  get descriptor(): UsbDeviceDescriptor {
    return this.inner?.descriptor ?? this.device.descriptor;
  }

  get opened(): boolean {
    return this.inner?.opened ?? false;
  }

  async open(): Promise<void> {
    if (this.inner?.opened) return;
    // A handle left behind (the device went away under it) is closed, not leaked: umockdev's fd table is bounded.
    await this.inner?.close().catch(() => undefined);
    this.inner = undefined;
    const bridge = await UsbfsBridge.get();
    this.address ??= await bridge.plug(this.device);
    sharedBackend ??= bridge.createBackend();
    const backend = await sharedBackend;
    await waitForLocations(backend, [this.address.location]);
    this.inner = await backend.open(this.address.location);
  }

  async close(): Promise<void> {
    const inner = this.inner;
    const address = this.address;
    this.inner = undefined;
    this.address = undefined;
    await inner?.close();
    if (address) await (await UsbfsBridge.get()).unplug(address.location);
  }

  async selectConfiguration(configurationValue: number): Promise<void> {
    return this.handle().selectConfiguration(configurationValue);
  }
  async claimInterface(interfaceNumber: number): Promise<void> {
    return this.handle().claimInterface(interfaceNumber);
  }
  async releaseInterface(interfaceNumber: number): Promise<void> {
    return this.handle().releaseInterface(interfaceNumber);
  }
  async transferIn(endpointAddress: number, length: number, options?: UsbTransferOptions): Promise<Uint8Array> {
    return this.handle().transferIn(endpointAddress, length, options);
  }
  async transferOut(endpointAddress: number, data: Uint8Array, options?: UsbTransferOptions): Promise<number> {
    return this.handle().transferOut(endpointAddress, data, options);
  }
  async controlTransferIn(setup: UsbControlSetup, length: number, options?: UsbTransferOptions): Promise<Uint8Array> {
    return this.handle().controlTransferIn(setup, length, options);
  }
  async controlTransferOut(setup: UsbControlSetup, data?: Uint8Array, options?: UsbTransferOptions): Promise<number> {
    return this.handle().controlTransferOut(setup, data, options);
  }
  async clearHalt(endpointAddress: number): Promise<void> {
    return this.handle().clearHalt(endpointAddress);
  }
  async reset(): Promise<void> {
    return this.handle().reset();
  }

  /** The open handle; before `open()` (or after `close()`) the same `E_HANDLE` the node-usb transport gives. */
  private handle(): UsbTransport {
    if (!this.inner) throw new WiaError(E_HANDLE, 'the USB device is not open: call open() first');
    return this.inner;
  }
}

/**
 * Routes every `SimulatedUsbDevice.createTransport()` of this process through
 * the real USB stack (what `npm run test:usb` and `openwia-conformance --usbfs`
 * do). The process must run under `umockdev-wrapper`.
 */
export function installEmulatedUsbTransports(): void {
  setHostTransportFactory((device) => new EmulatedUsbTransport(device), EMULATED_TIME_SCALE);
}

/**
 * Runs this command again under `umockdev-wrapper` (libusb must start with
 * umockdev's preload library) and resolves with its exit code; stdio is shared.
 */
export function rerunUnderUmockdev(argv: readonly string[] = process.argv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('umockdev-wrapper', [process.execPath, ...argv.slice(1)], { stdio: 'inherit' });
    child.once('error', (err) => reject(WiaError.from(err, E_FAIL, `cannot start umockdev-wrapper (apt-get install -y ${UMOCKDEV_APT_PACKAGES.join(' ')})`)));
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}
