import {
  E_INVALIDARG,
  UsbDisconnectedError,
  UsbIoError,
  UsbOverflowError,
  UsbStallError,
  UsbTimeoutError,
  WiaError,
  type UsbControlSetup,
  type UsbEndpointDescriptor,
  type UsbTransferOptions,
} from '@openwia/core';
import type { SimulatedFaults } from './faults.js';
import { HostTransfer, TransfersInFlight } from './host-transfer.js';
import { InEndpointQueue } from './in-endpoint-queue.js';
import { ChangeNotifier, TurnQueue } from './notifier.js';
import type { BusPacer } from './speed.js';

/** Device side of an OUT endpoint: called once per host transfer, in order. */
export type OutHandler = (data: Uint8Array) => void | Promise<void>;
/** Device side of endpoint 0: bytes for an IN request, nothing for OUT; throw `UsbStallError` to stall. */
export type ControlHandler = (setup: UsbControlSetup, data: Uint8Array | undefined, length: number) => Uint8Array | void | Promise<Uint8Array | void>;

/** An endpoint of the device and the interface that owns it. */
export interface EndpointInfo {
  descriptor: UsbEndpointDescriptor;
  interfaceNumber: number;
}

/** How the port is set up by its device. */
export interface DevicePortOptions {
  endpoints: ReadonlyMap<number, EndpointInfo>;
  faults: SimulatedFaults;
  pacer: BusPacer;
  /** Reads whose length is not a multiple of maxPacketSize fail with overflow when the device has more (libusb's real behaviour). */
  strictPacketSizes: boolean;
  /** Called when a fault unplugs the device; must disconnect it synchronously. */
  unplug: () => void;
}

/** Bytes per paced step: an abort during a slow transfer reports what arrived up to the step. */
const PACED_STEP_BYTES = 16 * 1024;

/**
 * The bytes of one host read from the parts its paced steps took. The queue
 * holds its own copy of what the device wrote (writeIn copies), so parts are
 * handed over as they are; parts that lie side by side in one buffer (the
 * steps of one device write) become one view instead of a second copy.
 */
function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const first = parts[0];
  let end = first ? first.byteOffset + first.byteLength : 0;
  let adjacent = first !== undefined;
  for (let i = 1; adjacent && i < parts.length; i++) {
    const p = parts[i]!;
    adjacent = p.buffer === first!.buffer && p.byteOffset === end;
    end += p.byteLength;
  }
  if (adjacent) return new Uint8Array(first!.buffer, first!.byteOffset, end - first!.byteOffset);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * The host-facing side of a simulated device: endpoint queues and handlers,
 * halts, faults and every transfer in flight. Transports go through it; the
 * device's own API feeds it. Every wait of a transfer is raced against its
 * interruption, so aborts, timeouts, stalls, resets and unplugs settle it at once.
 */
export class DevicePort {
  readonly inQueues = new Map<number, InEndpointQueue>();
  readonly outHandlers = new Map<number, OutHandler>();
  readonly outHandlersChanged = new ChangeNotifier();
  controlHandler: ControlHandler | undefined;
  private readonly halted = new Set<number>();
  private readonly active = new TransfersInFlight();
  private readonly lanes = new Map<number, TurnQueue>();
  /** Interfaces claimed, by the owner that claimed them. */
  readonly claims = new Map<number, object>();
  connected = true;
  /** Increments on every re-attach: handles opened before an unplug stay dead, as on hardware. */
  epoch = 1;

  constructor(private readonly options: DevicePortOptions) {
    for (const [address, info] of options.endpoints) {
      if (info.descriptor.direction === 'in') this.inQueues.set(address, new InEndpointQueue(address, info.descriptor.maxPacketSize));
    }
  }

  /** The IN queue of an endpoint; throws `E_INVALIDARG` when the device has no such IN endpoint. */
  inQueue(endpointAddress: number): InEndpointQueue {
    const queue = this.inQueues.get(endpointAddress);
    if (!queue) throw new WiaError(E_INVALIDARG, `the device has no IN endpoint 0x${endpointAddress.toString(16)}`);
    return queue;
  }

  /** Halts an endpoint; transfers in flight on it fail with `UsbStallError`. */
  halt(endpointAddress: number): void {
    this.halted.add(endpointAddress);
    for (const t of this.active.snapshot()) if (t.endpointAddress === endpointAddress) t.interrupt('stall');
  }

  /** Host `clearHalt`: the endpoint works again. */
  clearHalt(endpointAddress: number): void {
    this.halted.delete(endpointAddress);
  }

  /** Host `reset`: transfers in flight fail, queues empty (pending `writeIn` reject), halts clear. */
  reset(): void {
    for (const t of this.active.snapshot()) t.interrupt('reset');
    for (const queue of this.inQueues.values()) queue.clear(new UsbIoError(queue.endpointAddress, 'the host reset the device'));
    this.halted.clear();
  }

  /** Unplug: every transfer in flight fails with `WIA_ERROR_OFFLINE`, queues empty (pending `writeIn` reject). */
  disconnect(): void {
    if (!this.connected) return;
    this.connected = false;
    this.claims.clear();
    for (const t of this.active.snapshot()) t.interrupt('gone');
    for (const queue of this.inQueues.values()) queue.clear(new UsbDisconnectedError(queue.endpointAddress, { detail: 'the device was unplugged' }));
  }

  /** Plugged in again: a fresh device state; old handles stay dead. */
  reconnect(): void {
    if (this.connected) return;
    this.connected = true;
    this.epoch++;
    this.halted.clear();
  }

  /** Host bulk/interrupt IN transfer with USB packet semantics (see {@link InEndpointQueue}). */
  transferIn(endpointAddress: number, length: number, options: UsbTransferOptions | undefined, owner: TransfersInFlight): Promise<Uint8Array> {
    let queue: InEndpointQueue;
    try {
      queue = this.inQueue(endpointAddress);
    } catch (err) {
      return Promise.reject(err);
    }
    const { faults, pacer } = this.options;
    const parts: Uint8Array[] = [];
    let got = 0;
    return this.run(endpointAddress, options, owner, () => concat(parts), async (t) => {
      for (;;) {
        if (faults.isNaking(endpointAddress)) {
          await t.waitForChange(faults.changed);
          continue;
        }
        const want = Math.min(length - got, faults.byteBudget(endpointAddress), pacer.unlimited ? Infinity : PACED_STEP_BYTES);
        const step = queue.take(want, got, length);
        parts.push(...step.bytes);
        got += step.taken;
        const fault = faults.countBytes(endpointAddress, step.taken);
        if (fault.unplug) this.options.unplug();
        // No await between an empty take and subscribing: a writeIn in between would be missed.
        if (step.taken > 0) {
          const sleeping = t.pace(pacer, step.taken, false);
          if (sleeping) await sleeping;
        } else {
          t.throwIfInterrupted();
        }
        if (step.ended || fault.shortPacket || got === length) {
          const babbles = this.options.strictPacketSizes && !step.ended && length % queue.maxPacketSize !== 0 && queue.headHasMoreBytes;
          if (babbles) throw new UsbOverflowError(endpointAddress, { partialData: concat(parts) });
          return concat(parts);
        }
        if (step.taken === 0) await t.waitForChange(queue.changed);
      }
    });
  }

  /** Host bulk/interrupt OUT transfer: hands the bytes to the endpoint's handler, in order. */
  transferOut(endpointAddress: number, data: Uint8Array, options: UsbTransferOptions | undefined, owner: TransfersInFlight): Promise<number> {
    const { faults, pacer } = this.options;
    return this.run(endpointAddress, options, owner, () => new Uint8Array(0), async (t) => {
      while (faults.isNaking(endpointAddress) || !this.outHandlers.has(endpointAddress)) {
        await t.waitForChange(faults.changed, this.outHandlersChanged);
      }
      if (faults.countBytes(endpointAddress, data.length).unplug) this.options.unplug();
      await t.pace(pacer, data.length, false);
      const handler = this.outHandlers.get(endpointAddress)!;
      const copy = copyBytes(data);
      await t.wait(this.callDevice(endpointAddress, () => handler(copy)));
      return data.length;
    });
  }

  /** Host control transfer on endpoint 0; no handler, or a handler that throws `UsbStallError`, stalls it. */
  async controlTransfer(setup: UsbControlSetup, data: Uint8Array | undefined, length: number, options: UsbTransferOptions | undefined, owner: TransfersInFlight): Promise<Uint8Array> {
    return this.run(0, options, owner, () => new Uint8Array(0), async (t) => {
      const handler = this.controlHandler;
      if (!handler) throw new UsbStallError(0);
      await t.pace(this.options.pacer, data?.length ?? length, false);
      const reply = await t.wait(this.callDevice(0, () => handler({ ...setup }, data && copyBytes(data), length)));
      return reply ? reply.slice(0, length) : new Uint8Array(0);
    });
  }

  /**
   * The frame of every transfer: turn on the endpoint, what it meets before
   * any byte moves (unplugged device, halt, injected failure, latency), typed
   * errors, bookkeeping. One async frame per transfer: a paced read lives for
   * milliseconds, and every object it holds that long outlives the young
   * generation at many devices (bench/README.md).
   */
  private async run<T>(endpointAddress: number, options: UsbTransferOptions | undefined, owner: TransfersInFlight, partial: () => Uint8Array, body: (t: HostTransfer) => Promise<T>): Promise<T> {
    const t = new HostTransfer(endpointAddress, options, (done) => {
      this.active.delete(done);
      owner.delete(done);
    });
    this.active.add(t);
    owner.add(t);
    const lane = this.lane(endpointAddress);
    const turn = lane.enter();
    let holdsTurn = typeof turn === 'number';
    let completed = false;
    try {
      if (typeof turn === 'number') t.readyFrom(turn);
      else {
        try {
          t.readyFrom(await t.wait(turn));
        } catch (err) {
          lane.abandon(turn);
          throw err;
        }
        holdsTurn = true;
      }
      const ep = endpointAddress;
      if (!this.connected) throw new UsbDisconnectedError(ep);
      if (this.halted.has(ep)) throw new UsbStallError(ep);
      const fault = this.options.faults.takeTransferFault(ep);
      if (fault === 'stall') {
        if (ep !== 0) this.halted.add(ep);
        throw new UsbStallError(ep);
      }
      if (fault === 'io') throw new UsbIoError(ep, 'injected transfer error');
      if (fault === 'timeout') throw new UsbTimeoutError(ep, options?.timeoutMs ?? 0);
      if (fault === 'babble') throw new UsbOverflowError(ep);
      if (this.options.faults.takeUnplugAtStart(ep)) this.options.unplug();
      // On real USB every transfer goes through the event loop (libusb's event handling), never as a microtask
      // chain: one that always finds data waiting must not starve timers and I/O. Yield before any byte moves,
      // so that an abort in the meantime cancels a transfer that took nothing.
      await t.nextTurn();
      const sleeping = t.pace(this.options.pacer, 0, true);
      if (sleeping) await sleeping;
      const result = await body(t);
      completed = true;
      return result;
    } catch (err) {
      throw t.failure(err, partial());
    } finally {
      if (holdsTurn) lane.leave(t.endedAt(completed));
      t.settle();
    }
  }

  /** Runs device-side code; a `UsbStallError` from it halts the endpoint, anything else is a bus error. */
  private async callDevice<T>(endpointAddress: number, call: () => T | Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof UsbStallError) {
        if (endpointAddress !== 0) this.halted.add(endpointAddress);
        throw new UsbStallError(endpointAddress, { cause: err });
      }
      if (err instanceof WiaError) throw err;
      throw new UsbIoError(endpointAddress, `the device failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }

  private lane(endpointAddress: number): TurnQueue {
    let lane = this.lanes.get(endpointAddress);
    if (!lane) this.lanes.set(endpointAddress, (lane = new TurnQueue()));
    return lane;
  }
}

/**
 * A real copy of some bytes, as a plain `Uint8Array`. `Buffer#slice` is a
 * view, so `data.slice()` on a Buffer would let a device (or host) that reuses
 * its buffer change bytes already handed over. The memory is not zero-filled
 * first (every byte is overwritten at once): this copy is made for every
 * chunk a simulated device sends, as a host controller's DMA would.
 */
export function copyBytes(data: Uint8Array): Uint8Array {
  const copy = new Uint8Array(Buffer.allocUnsafeSlow(data.byteLength).buffer, 0, data.byteLength);
  copy.set(data);
  return copy;
}
