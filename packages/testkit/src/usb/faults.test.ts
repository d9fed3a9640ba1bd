import { expect } from 'chai';
import {
  WIA_ERROR_OFFLINE,
  UsbDisconnectedError,
  UsbIoError,
  UsbOverflowError,
  UsbStallError,
  UsbTimeoutError,
  UsbTransferAbortedError,
  type UsbTransport,
} from '@openwia/core';
import { EXAMPLE_ENDPOINTS, createExampleBulkDevice } from './example-device.js';
import type { SimulatedUsbDevice } from './simulated-device.js';
import { rejectionOf } from '../assertions/index.js';

const { bulkIn, bulkOut } = EXAMPLE_ENDPOINTS;

function bytes(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => i & 0xff);
}

describe('SimulatedFaults', () => {
  let device: SimulatedUsbDevice;
  let usb: UsbTransport;

  async function setUp(options?: Parameters<typeof createExampleBulkDevice>[0]): Promise<void> {
    device = createExampleBulkDevice(options);
    usb = device.createTransport();
    await usb.open();
    await usb.claimInterface(0);
  }

  beforeEach(() => setUp());
  afterEach(() => usb.close());

  it('NAK forever: a read with data queued never completes until aborted, and the data stays', async () => {
    device.faults.nakForever(bulkIn);
    void device.writeIn(bulkIn, bytes(10));
    const controller = new AbortController();
    const read = usb.transferIn(bulkIn, 512, { signal: controller.signal });
    await new Promise((r) => setImmediate(r));
    controller.abort();
    expect(await rejectionOf(read)).to.be.instanceOf(UsbTransferAbortedError);
    device.faults.stopNak(bulkIn);
    expect(await usb.transferIn(bulkIn, 512)).to.deep.equal(bytes(10));
  });

  it('NAK after N bytes: the device goes silent mid-read; the read keeps what arrived and waits until aborted', async () => {
    device.faults.nakAfterBytes(bulkIn, 1000);
    void device.writeIn(bulkIn, bytes(4096)).catch(() => undefined);
    expect((await usb.transferIn(bulkIn, 512)).length).to.equal(512);
    const controller = new AbortController();
    const read = usb.transferIn(bulkIn, 4096, { signal: controller.signal });
    await new Promise((r) => setImmediate(r));
    controller.abort();
    const err = await rejectionOf(read);
    expect(err).to.be.instanceOf(UsbTransferAbortedError);
    expect((err as UsbTransferAbortedError).partialData.length).to.equal(1000 - 512);
    device.faults.stopNak(bulkIn);
    expect((await usb.transferIn(bulkIn, 4096)).length).to.equal(4096 - 1000);
  });

  it('NAK forever on an OUT endpoint: the write is never taken until stopNak', async () => {
    const received: number[] = [];
    device.onOut(bulkOut, (data) => void received.push(data.length));
    device.faults.nakForever(bulkOut);
    const write = usb.transferOut(bulkOut, bytes(3));
    await new Promise((r) => setImmediate(r));
    expect(received).to.deep.equal([]);
    device.faults.stopNak(bulkOut);
    expect(await write).to.equal(3);
    expect(received).to.deep.equal([3]);
  });

  it('fails the nth transfer as asked: io, timeout, stall (which halts), babble', async () => {
    device.onOut(bulkOut, () => undefined);
    device.faults.failTransfer(2, 'io');
    await usb.transferOut(bulkOut, bytes(1));
    expect(await rejectionOf(usb.transferOut(bulkOut, bytes(1)))).to.be.instanceOf(UsbIoError);
    device.faults.failTransfer(1, 'timeout', bulkIn);
    expect(await rejectionOf(usb.transferIn(bulkIn, 512))).to.be.instanceOf(UsbTimeoutError);
    device.faults.failTransfer(1, 'stall', bulkIn);
    expect(await rejectionOf(usb.transferIn(bulkIn, 512))).to.be.instanceOf(UsbStallError);
    expect(await rejectionOf(usb.transferIn(bulkIn, 512))).to.be.instanceOf(UsbStallError);
    await usb.clearHalt(bulkIn);
    device.faults.babble(bulkIn);
    expect(await rejectionOf(usb.transferIn(bulkIn, 512))).to.be.instanceOf(UsbOverflowError);
  });

  it('a fault on one endpoint leaves the others alone', async () => {
    device.onOut(bulkOut, () => undefined);
    device.faults.failTransfer(1, 'io', bulkIn);
    expect(await usb.transferOut(bulkOut, bytes(2))).to.equal(2);
    expect(await rejectionOf(usb.transferIn(bulkIn, 512))).to.be.instanceOf(UsbIoError);
  });

  it('short packet: the device ends its transfer early and the rest comes with the next read', async () => {
    device.faults.shortPacket(bulkIn, 700);
    void device.writeIn(bulkIn, bytes(2048));
    expect((await usb.transferIn(bulkIn, 4096)).length).to.equal(700);
    expect((await usb.transferIn(bulkIn, 4096)).length).to.equal(2048 - 700);
  });

  it('unplug at byte N: the read gets bytes up to N, then WIA_ERROR_OFFLINE with them as partial data', async () => {
    device.faults.unplugAfterBytes(1000, bulkIn);
    void device.writeIn(bulkIn, bytes(4096)).catch(() => undefined);
    await usb.transferIn(bulkIn, 512);
    const err = await rejectionOf(usb.transferIn(bulkIn, 4096));
    expect(err).to.be.instanceOf(UsbDisconnectedError);
    expect((err as UsbDisconnectedError).hresult).to.equal(WIA_ERROR_OFFLINE);
    expect((err as UsbDisconnectedError).partialData.length).to.equal(1000 - 512);
    expect(device.connected).to.equal(false);
  });

  it('unplug at a named phase: fires when the device side enters it', async () => {
    const unplugged: string[] = [];
    device.events.on('unplug', () => unplugged.push('unplug'));
    device.faults.unplugAtPhase('data');
    const read = usb.transferIn(bulkIn, 512);
    device.markPhase('command');
    expect(device.connected).to.equal(true);
    device.markPhase('data');
    expect(await rejectionOf(read)).to.have.property('hresult', WIA_ERROR_OFFLINE);
    expect(unplugged).to.deep.equal(['unplug']);
  });

  it('strict packet sizes: a read that ends inside a packet the device sent in full overflows', async () => {
    await usb.close();
    await setUp({ strictPacketSizes: true });
    void device.writeIn(bulkIn, bytes(1024)).catch(() => undefined);
    expect(await rejectionOf(usb.transferIn(bulkIn, 100))).to.be.instanceOf(UsbOverflowError);
  });

  it('lenient packet sizes (default): the same read gets exactly what it asked for', async () => {
    void device.writeIn(bulkIn, bytes(1024));
    expect((await usb.transferIn(bulkIn, 100)).length).to.equal(100);
    expect((await usb.transferIn(bulkIn, 2048)).length).to.equal(924);
  });

  it('clear() disarms everything', async () => {
    device.faults.nakForever(bulkIn);
    device.faults.failTransfer(1, 'io');
    device.faults.unplugAtPhase('x');
    device.faults.clear();
    void device.writeIn(bulkIn, bytes(4));
    expect(await usb.transferIn(bulkIn, 512)).to.deep.equal(bytes(4));
    device.markPhase('x');
    expect(device.connected).to.equal(true);
  });

  it('paces transfers to a speed profile without changing what arrives', async () => {
    await usb.close();
    await setUp({ speed: 'usb2' });
    void device.writeIn(bulkIn, bytes(100_000));
    const got = await usb.transferIn(bulkIn, 200_000);
    expect(got).to.deep.equal(bytes(100_000));
  });
});
