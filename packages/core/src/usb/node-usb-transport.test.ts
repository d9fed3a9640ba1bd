import { expect } from 'chai';
import type { Device } from 'usb';
import { WIA_ERROR_OFFLINE } from '../hresult/index.js';
import type { UsbDeviceDescriptor } from './descriptors.js';
import { UsbStallError, UsbTimeoutError, UsbTransferAbortedError } from './errors.js';
import { LIBUSB } from './libusb-errors.js';
import type { LibusbTransferCallback, LibusbTransferLike } from './libusb-transfer.js';
import { NodeUsbTransport } from './node-usb-transport.js';

/**
 * Stands in for libusb's side of node-usb's `Transfer` (no hardware here):
 * records submissions, completes them on demand, and completes a cancelled
 * one with LIBUSB_TRANSFER_CANCELLED and the bytes that had arrived, on a
 * later tick as libusb's event thread does. The transport's code path is the
 * one that runs on hardware.
 */
class LibusbStandIn implements LibusbTransferLike {
  static all: LibusbStandIn[] = [];
  buffer: Buffer | undefined;
  arrived = 0;
  cancelled = false;

  constructor(
    readonly endpointAddress: number,
    readonly type: number,
    private readonly callback: LibusbTransferCallback,
    readonly libusbTimeoutMs = 0,
  ) {
    LibusbStandIn.all.push(this);
  }

  submit(buffer: Buffer): this {
    this.buffer = buffer;
    return this;
  }

  cancel(): boolean {
    if (this.cancelled) return false;
    this.cancelled = true;
    setImmediate(() => this.callback(Object.assign(new Error('LIBUSB_TRANSFER_CANCELLED'), { errno: LIBUSB.TRANSFER_CANCELLED }), this.buffer!, this.arrived));
    return true;
  }

  /** Device data arrives (IN). */
  receive(bytes: Uint8Array): void {
    this.buffer!.set(bytes, this.arrived);
    this.arrived += bytes.length;
  }

  complete(errno?: number): void {
    this.callback(errno === undefined ? undefined : Object.assign(new Error('libusb'), { errno }), this.buffer!, this.arrived);
  }
}

const descriptor: UsbDeviceDescriptor = {
  vendorId: 1, productId: 2, deviceClass: 0, deviceSubclass: 0, deviceProtocol: 0, location: '1-1',
  configurations: [{ configurationValue: 1, interfaces: [{ interfaceNumber: 0, alternateSetting: 0, interfaceClass: 255, interfaceSubclass: 0, interfaceProtocol: 0, endpoints: [
    { address: 0x81, direction: 'in', type: 'bulk', maxPacketSize: 512 },
    { address: 0x02, direction: 'out', type: 'bulk', maxPacketSize: 512 },
  ] }] }],
};

/** The handful of node-usb `Device` members the transport calls besides transfers. */
function standInDevice(): Device {
  const iface = { interfaceNumber: 0, claim: () => undefined, release: (cb: (e?: Error) => void) => setImmediate(cb) };
  return { open: () => undefined, close: () => undefined, setAutoDetachKernelDriver: () => undefined, interfaces: [iface], interface: () => iface } as unknown as Device;
}

function tick(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: Error) => e,
  );
}

describe('NodeUsbTransport abort wiring (libusb stand-in)', () => {
  let usb: NodeUsbTransport;

  beforeEach(async () => {
    LibusbStandIn.all = [];
    usb = new NodeUsbTransport(standInDevice(), descriptor, (_d, ep, type, t, cb) => new LibusbStandIn(ep, type, cb, t), 'linux');
    await usb.open();
    await usb.claimInterface(0);
  });

  it('submits a bulk transfer and resolves with the bytes libusb reports', async () => {
    const read = usb.transferIn(0x81, 512);
    await tick();
    const t = LibusbStandIn.all[0]!;
    expect(t.type).to.equal(2);
    t.receive(Uint8Array.of(1, 2, 3));
    t.complete();
    expect(await read).to.deep.equal(Uint8Array.of(1, 2, 3));
  });

  it('an abort calls libusb cancel and rejects with the partial data once libusb reports CANCELLED', async () => {
    const controller = new AbortController();
    const read = usb.transferIn(0x81, 512, { signal: controller.signal });
    await tick();
    const t = LibusbStandIn.all[0]!;
    t.receive(Uint8Array.of(9, 8));
    controller.abort();
    expect(t.cancelled).to.equal(true);
    const err = await rejection(read);
    expect(err).to.be.instanceOf(UsbTransferAbortedError);
    expect((err as UsbTransferAbortedError).partialData).to.deep.equal(Uint8Array.of(9, 8));
  });

  it('an already aborted signal never submits', async () => {
    const err = await rejection(usb.transferIn(0x81, 512, { signal: AbortSignal.abort() }));
    expect(err).to.be.instanceOf(UsbTransferAbortedError);
    expect(LibusbStandIn.all).to.have.length(0);
  });

  it('the next transfer on an endpoint is submitted only after the cancelled one completed', async () => {
    const controller = new AbortController();
    const first = usb.transferIn(0x81, 512, { signal: controller.signal });
    await tick();
    controller.abort();
    const second = usb.transferIn(0x81, 512);
    expect(LibusbStandIn.all).to.have.length(1);
    await rejection(first);
    await tick();
    expect(LibusbStandIn.all).to.have.length(2);
    LibusbStandIn.all[1]!.receive(Uint8Array.of(7));
    LibusbStandIn.all[1]!.complete();
    expect(await second).to.deep.equal(Uint8Array.of(7));
  });

  it('maps a stall status to UsbStallError', async () => {
    const write = usb.transferOut(0x02, Uint8Array.of(1));
    await tick();
    LibusbStandIn.all[0]!.complete(LIBUSB.TRANSFER_STALL);
    expect(await rejection(write)).to.be.instanceOf(UsbStallError);
  });

  it('a detach cancels transfers in flight and fails them with WIA_ERROR_OFFLINE', async () => {
    const read = usb.transferIn(0x81, 512);
    await tick();
    usb.markDisconnected();
    expect(await rejection(read)).to.have.property('hresult', WIA_ERROR_OFFLINE);
    expect(await rejection(usb.transferIn(0x81, 1))).to.have.property('hresult', WIA_ERROR_OFFLINE);
  });

  it('close cancels transfers in flight and waits for them before closing the device', async () => {
    const read = rejection(usb.transferIn(0x81, 512));
    await tick();
    await usb.close();
    expect(LibusbStandIn.all[0]!.cancelled).to.equal(true);
    expect(await read).to.be.instanceOf(UsbTransferAbortedError);
  });

  it('a timeout is our own timer: libusb gets none, the transfer is cancelled and rejects as UsbTimeoutError with what arrived', async () => {
    // libusb without timerfd notices its own timeouts only when its event thread wakes (up to 60 s late).
    const read = usb.transferIn(0x81, 512, { timeoutMs: 20 });
    await tick();
    const t = LibusbStandIn.all[0]!;
    expect(t.libusbTimeoutMs).to.equal(0);
    t.receive(Uint8Array.of(4));
    const err = await rejection(read);
    expect(t.cancelled).to.equal(true);
    expect(err).to.be.instanceOf(UsbTimeoutError);
    expect((err as UsbTimeoutError).partialData).to.deep.equal(Uint8Array.of(4));
  });

  it('a control transfer times out the same way', async () => {
    const read = usb.controlTransferIn({ requestType: 'vendor', recipient: 'device', request: 1, value: 0, index: 0 }, 4, { timeoutMs: 20 });
    expect(await rejection(read)).to.be.instanceOf(UsbTimeoutError);
    expect(LibusbStandIn.all[0]!.cancelled).to.equal(true);
  });

  it('the timeout timer keeps the process alive while the transfer is pending', async () => {
    const read = usb.transferIn(0x81, 512, { timeoutMs: 60_000 });
    await tick();
    const timers = (process as unknown as { getActiveResourcesInfo(): string[] }).getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    LibusbStandIn.all[0]!.complete();
    await read;
    const after = (process as unknown as { getActiveResourcesInfo(): string[] }).getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    expect(timers - after).to.equal(1);
  });

  it('builds the control setup packet the USB way', async () => {
    const read = usb.controlTransferIn({ requestType: 'class', recipient: 'interface', request: 0x66, value: 0x0102, index: 3 }, 4);
    await tick();
    const t = LibusbStandIn.all[0]!;
    expect([...t.buffer!.subarray(0, 8)]).to.deep.equal([0xa1, 0x66, 0x02, 0x01, 0x03, 0x00, 0x04, 0x00]);
    t.buffer!.set([5, 6], 8);
    t.arrived = 2;
    t.complete();
    expect(await read).to.deep.equal(Uint8Array.of(5, 6));
  });
});
