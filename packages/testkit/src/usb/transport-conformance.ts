// node:assert, not chai: this module ships in the package and must not need a test library to load.
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import {
  E_INVALIDARG,
  WIA_ERROR_OFFLINE,
  UsbTimeoutError,
  UsbTransferAbortedError,
  WiaError,
  isCancelledError,
  type UsbTransport,
} from '@openwia/core';
import { rejectionOf } from '../assertions/index.js';

/**
 * A device under test for {@link describeTransportConformance}: a loopback
 * (what goes out on `bulkOut` comes back as one transfer on `bulkIn`), e.g.
 * the simulated loopback device or a Linux gadget-zero loopback on hardware.
 */
export interface TransportConformanceFixture {
  /** Open, with the loopback interface claimed. */
  transport: UsbTransport;
  bulkIn: number;
  bulkOut: number;
  maxPacketSize: number;
  /** Pulls the plug, when the fixture can (simulation); the unplug tests are skipped otherwise. */
  unplug?: () => void;
  /** Closes and cleans up. */
  dispose(): Promise<void>;
}

function pattern(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 13 + seed) & 0xff);
}

/**
 * The contract every `UsbTransport` keeps, as a mocha suite: round trips,
 * abort of a read that would never complete, no submit on an already aborted
 * signal, a clean endpoint after an abort, timeouts, typed errors, unplug.
 * Runs against the simulated bus by default and unchanged against hardware.
 */
export function describeTransportConformance(name: string, makeFixture: () => Promise<TransportConformanceFixture>): void {
  describe(`UsbTransport conformance: ${name}`, function () {
    let f: TransportConformanceFixture;
    beforeEach(async () => {
      f = await makeFixture();
    });
    afterEach(async () => {
      await f.dispose();
    });

    const roundTrip = async (size: number, seed: number): Promise<void> => {
      const data = pattern(size, seed);
      const read = f.transport.transferIn(f.bulkIn, size + f.maxPacketSize);
      assert.equal(await f.transport.transferOut(f.bulkOut, data), size);
      assert.deepEqual(await read, data);
    };

    it('carries data out and back', async () => {
      await roundTrip(100, 1);
      await roundTrip(3 * f.maxPacketSize + 1, 2);
    });

    it('an abort settles a read that would never complete, as a recognisable cancellation', async () => {
      const controller = new AbortController();
      const read = f.transport.transferIn(f.bulkIn, f.maxPacketSize, { signal: controller.signal });
      setImmediate(() => controller.abort());
      const err = await rejectionOf(read);
      assert.ok(err instanceof UsbTransferAbortedError);
      assert.equal(isCancelledError(err), true);
      assert.equal((err as UsbTransferAbortedError).partialData.length, 0);
    });

    it('an already aborted signal submits nothing: the data stays for the next read', async () => {
      await f.transport.transferOut(f.bulkOut, pattern(10, 3));
      assert.ok((await rejectionOf(f.transport.transferIn(f.bulkIn, f.maxPacketSize, { signal: AbortSignal.abort() }))) instanceof UsbTransferAbortedError);
      assert.deepEqual(await f.transport.transferIn(f.bulkIn, f.maxPacketSize), pattern(10, 3));
    });

    it('after an abort the endpoint is clean: the next transfer succeeds', async () => {
      for (let i = 0; i < 20; i++) {
        const controller = new AbortController();
        const read = f.transport.transferIn(f.bulkIn, f.maxPacketSize, { signal: controller.signal });
        controller.abort();
        await rejectionOf(read);
      }
      await roundTrip(64, 4);
    });

    it('a finished transfer leaves no listener on its signal: Node keeps an AbortSignal.any() or .timeout() signal alive while it has one', async () => {
      const lifetime = new AbortController();
      const signals = [AbortSignal.any([new AbortController().signal, lifetime.signal]), AbortSignal.timeout(60_000)];
      for (const [i, signal] of signals.entries()) {
        const data = pattern(16, 6 + i);
        const read = f.transport.transferIn(f.bulkIn, f.maxPacketSize, { signal });
        await f.transport.transferOut(f.bulkOut, data, { signal });
        assert.deepEqual(await read, data);
        assert.equal(getEventListeners(signal, 'abort').length, 0, 'a listener left on the signal keeps it, and all it holds, alive');
      }
    });

    it('a timeout fails with UsbTimeoutError (WIA_ERROR_DEVICE_COMMUNICATION) and leaves the endpoint usable', async () => {
      const err = await rejectionOf(f.transport.transferIn(f.bulkIn, f.maxPacketSize, { timeoutMs: 5 }));
      assert.ok(err instanceof UsbTimeoutError);
      await roundTrip(8, 5);
    });

    it('refuses an endpoint the device does not have with E_INVALIDARG', async () => {
      const err = await rejectionOf(f.transport.transferIn(0x8f, 1));
      assert.ok(err instanceof WiaError);
      assert.equal((err as WiaError).hresult, E_INVALIDARG);
    });

    it('unplug fails the read in flight and every later call with WIA_ERROR_OFFLINE', async function () {
      if (!f.unplug) this.skip();
      const read = f.transport.transferIn(f.bulkIn, f.maxPacketSize);
      f.unplug!();
      assert.equal(((await rejectionOf(read)) as WiaError).hresult, WIA_ERROR_OFFLINE);
      assert.equal(((await rejectionOf(f.transport.transferOut(f.bulkOut, pattern(1, 6)))) as WiaError).hresult, WIA_ERROR_OFFLINE);
    });
  });
}
