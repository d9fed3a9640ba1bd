import { expect } from 'chai';
import {
  E_HANDLE,
  E_UNEXPECTED,
  WIA_ERROR_OFFLINE,
  UsbDisconnectedError,
  UsbStallError,
  UsbTimeoutError,
  UsbTransferAbortedError,
  isCancelledError,
  type UsbTransport,
} from '@openwia/core';
import { EXAMPLE_ENDPOINTS, createExampleBulkDevice } from './example-device.js';
import type { SimulatedUsbDevice } from './simulated-device.js';
import { rejectionOf } from '../assertions/index.js';

const { bulkIn, bulkOut, interruptIn } = EXAMPLE_ENDPOINTS;

function bytes(n: number, seed = 1): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);
}

async function openDevice(device: SimulatedUsbDevice): Promise<UsbTransport> {
  const usb = device.createTransport();
  await usb.open();
  await usb.claimInterface(0);
  return usb;
}

describe('SimulatedUsbDevice', () => {
  let device: SimulatedUsbDevice;
  let usb: UsbTransport;

  beforeEach(async () => {
    device = createExampleBulkDevice();
    usb = await openDevice(device);
  });

  afterEach(async () => {
    await usb.close();
  });

  describe('IN transfers follow USB packet rules', () => {
    it('a short packet ends the host read early', async () => {
      const written = device.writeIn(bulkIn, bytes(100));
      expect(await usb.transferIn(bulkIn, 4096)).to.deep.equal(bytes(100));
      await written;
    });

    it('the bytes a device hands over are copied: reusing its Buffer afterwards changes nothing', async () => {
      const scratch = Buffer.alloc(100, 1);
      const written = device.writeIn(bulkIn, scratch);
      scratch.fill(2);
      expect([...(await usb.transferIn(bulkIn, 4096))].every((b) => b === 1)).to.equal(true);
      await written;
      const received: Uint8Array[] = [];
      device.onOut(bulkOut, (data) => void received.push(data));
      const out = Buffer.alloc(8, 3);
      await usb.transferOut(bulkOut, out);
      out.fill(4);
      expect([...received[0]!]).to.deep.equal([3, 3, 3, 3, 3, 3, 3, 3]);
    });

    it('a read of exactly the remaining bytes of a 512-multiple transfer leaves the ZLP for the next read', async () => {
      void device.writeIn(bulkIn, bytes(1024));
      expect((await usb.transferIn(bulkIn, 1024)).length).to.equal(1024);
      expect((await usb.transferIn(bulkIn, 512)).length).to.equal(0);
    });

    it('a read asking for more than remained consumes the ZLP as its terminator', async () => {
      void device.writeIn(bulkIn, bytes(1024));
      void device.writeIn(bulkIn, bytes(10, 9));
      expect((await usb.transferIn(bulkIn, 4096)).length).to.equal(1024);
      expect(await usb.transferIn(bulkIn, 4096)).to.deep.equal(bytes(10, 9));
    });

    it('a read completes when its length is reached and leaves the rest queued', async () => {
      void device.writeIn(bulkIn, bytes(2000));
      expect(await usb.transferIn(bulkIn, 1024)).to.deep.equal(bytes(2000).subarray(0, 1024));
      expect(await usb.transferIn(bulkIn, 4096)).to.deep.equal(bytes(2000).subarray(1024));
    });

    it('writeIn with endOfTransfer false continues the same device-side transfer', async () => {
      const read = usb.transferIn(bulkIn, 4096);
      await device.writeIn(bulkIn, bytes(512), { endOfTransfer: false }).then(() => device.writeIn(bulkIn, bytes(100, 3)));
      const got = await read;
      expect(got.length).to.equal(612);
      expect(got.subarray(512)).to.deep.equal(bytes(100, 3));
    });

    it('an empty writeIn ending a transfer of a 512 multiple is a ZLP on its own', async () => {
      void device.writeIn(bulkIn, new Uint8Array(0));
      expect((await usb.transferIn(bulkIn, 512)).length).to.equal(0);
    });

    it('writeIn resolves only once the host consumed the bytes (back-pressure)', async () => {
      let consumed = false;
      const written = device.writeIn(bulkIn, bytes(1000)).then(() => (consumed = true));
      await usb.transferIn(bulkIn, 512);
      await Promise.resolve();
      expect(consumed).to.equal(false);
      await usb.transferIn(bulkIn, 512);
      await written;
      expect(consumed).to.equal(true);
    });

    it('interrupt endpoints use their own packet size', async () => {
      void device.writeIn(interruptIn, bytes(64));
      expect((await usb.transferIn(interruptIn, 64)).length).to.equal(64);
      expect((await usb.transferIn(interruptIn, 64)).length).to.equal(0);
    });
  });

  describe('cancellation', () => {
    it('an abort settles a read that would never complete, with the bytes that arrived', async () => {
      const controller = new AbortController();
      void device.writeIn(bulkIn, bytes(512), { endOfTransfer: false });
      const read = usb.transferIn(bulkIn, 4096, { signal: controller.signal });
      // A transfer goes through the event loop like a real one: wait until it has taken the bytes.
      while (device.queuedIn(bulkIn) > 0) await new Promise((r) => setImmediate(r));
      controller.abort();
      const err = await rejectionOf(read);
      expect(err).to.be.instanceOf(UsbTransferAbortedError);
      expect(isCancelledError(err)).to.equal(true);
      expect((err as UsbTransferAbortedError).partialData).to.deep.equal(bytes(512));
    });

    it('an already aborted signal never submits: nothing is consumed', async () => {
      void device.writeIn(bulkIn, bytes(10));
      const err = await rejectionOf(usb.transferIn(bulkIn, 512, { signal: AbortSignal.abort() }));
      expect(err).to.be.instanceOf(UsbTransferAbortedError);
      expect(device.queuedIn(bulkIn)).to.equal(10);
    });

    it('after an abort the endpoint is clean: the next read gets the next bytes', async () => {
      const controller = new AbortController();
      const read = usb.transferIn(bulkIn, 512, { signal: controller.signal });
      controller.abort();
      await rejectionOf(read);
      void device.writeIn(bulkIn, bytes(5));
      expect(await usb.transferIn(bulkIn, 512)).to.deep.equal(bytes(5));
    });

    it('a timeout fails with UsbTimeoutError carrying the partial data', async () => {
      void device.writeIn(bulkIn, bytes(512), { endOfTransfer: false });
      const err = await rejectionOf(usb.transferIn(bulkIn, 1024, { timeoutMs: 5 }));
      expect(err).to.be.instanceOf(UsbTimeoutError);
      expect((err as UsbTimeoutError).partialData.length).to.equal(512);
    });

    it('closing the handle aborts its transfers in flight', async () => {
      const read = usb.transferIn(bulkIn, 512);
      await usb.close();
      expect(await rejectionOf(read)).to.be.instanceOf(UsbTransferAbortedError);
    });
  });

  describe('OUT and control transfers', () => {
    it('hands each OUT transfer to the handler in order, resolving when it returns', async () => {
      const seen: number[] = [];
      device.onOut(bulkOut, async (data) => {
        seen.push(data.length);
      });
      const results = await Promise.all([usb.transferOut(bulkOut, bytes(3)), usb.transferOut(bulkOut, bytes(7))]);
      expect(results).to.deep.equal([3, 7]);
      expect(seen).to.deep.equal([3, 7]);
    });

    it('an OUT transfer waits (NAK) until the device installs a handler', async () => {
      const sent = usb.transferOut(bulkOut, bytes(4));
      const received: Uint8Array[] = [];
      device.onOut(bulkOut, (data) => void received.push(data));
      expect(await sent).to.equal(4);
      expect(received).to.deep.equal([bytes(4)]);
    });

    it('answers control IN requests, truncated to the host length, and stalls what the handler rejects', async () => {
      device.onControl((setup) => {
        if (setup.request === 1) return bytes(20);
        throw new UsbStallError(0);
      });
      const setup = { requestType: 'vendor', recipient: 'device', request: 1, value: 0, index: 0 } as const;
      expect(await usb.controlTransferIn(setup, 8)).to.deep.equal(bytes(8));
      expect(await rejectionOf(usb.controlTransferIn({ ...setup, request: 2 }, 8))).to.be.instanceOf(UsbStallError);
      expect(await usb.controlTransferOut(setup, bytes(2))).to.equal(2);
    });

    it('without a control handler every request stalls', async () => {
      const err = await rejectionOf(usb.controlTransferIn({ requestType: 'class', recipient: 'interface', request: 0, value: 0, index: 0 }, 1));
      expect(err).to.be.instanceOf(UsbStallError);
    });
  });

  describe('halts, resets and unplug', () => {
    it('a stalled endpoint fails transfers until clearHalt', async () => {
      const halts: number[] = [];
      device.events.on('clearHalt', (ep) => halts.push(ep));
      device.stall(bulkIn);
      expect(await rejectionOf(usb.transferIn(bulkIn, 512))).to.be.instanceOf(UsbStallError);
      await usb.clearHalt(bulkIn);
      void device.writeIn(bulkIn, bytes(1));
      expect(await usb.transferIn(bulkIn, 512)).to.deep.equal(bytes(1));
      expect(halts).to.deep.equal([bulkIn]);
    });

    it('reset fails transfers in flight, flushes queues and tells the device', async () => {
      let resets = 0;
      device.events.on('reset', () => resets++);
      const pending = device.writeIn(bulkIn, bytes(10), { endOfTransfer: false });
      const read = usb.transferIn(interruptIn, 64);
      await usb.reset();
      expect(resets).to.equal(1);
      await rejectionOf(read);
      await rejectionOf(pending);
      expect(device.queuedIn(bulkIn)).to.equal(0);
    });

    it('unplug fails the transfer in flight with WIA_ERROR_OFFLINE, and the handle stays dead', async () => {
      const read = usb.transferIn(bulkIn, 512);
      device.unplug();
      const err = await rejectionOf(read);
      expect(err).to.be.instanceOf(UsbDisconnectedError);
      expect((err as UsbDisconnectedError).hresult).to.equal(WIA_ERROR_OFFLINE);
      expect(await rejectionOf(usb.transferIn(bulkIn, 512))).to.be.instanceOf(UsbDisconnectedError);
    });
  });

  describe('handle rules', () => {
    it('refuses transfers before open', async () => {
      const fresh = device.createTransport();
      expect(await rejectionOf(fresh.transferIn(bulkIn, 1))).to.have.property('hresult', E_HANDLE);
    });

    it('refuses transfers on an interface that is not claimed', async () => {
      const fresh = device.createTransport();
      await fresh.open();
      await usb.releaseInterface(0);
      expect(await rejectionOf(fresh.transferIn(bulkIn, 1))).to.have.property('hresult', E_UNEXPECTED);
      await fresh.close();
    });
  });
});
