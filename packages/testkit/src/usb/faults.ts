import { ChangeNotifier } from './notifier.js';

/** How an injected transfer failure shows to the host. */
export type TransferFaultKind =
  /** The endpoint halts: this and later transfers fail with `UsbStallError` until `clearHalt`. */
  | 'stall'
  /** A bus error (CRC, bit stuffing): `UsbIoError`. */
  | 'io'
  /** The device never answers: `UsbTimeoutError`, whatever the transfer's own timeout. */
  | 'timeout'
  /** The device sends more than asked (babble): `UsbOverflowError`. */
  | 'babble';

interface TransferFault {
  /** Transfers still to let through before this one fails (0: the next one fails). */
  skip: number;
  kind: TransferFaultKind;
  endpointAddress: number | undefined;
}

interface UnplugAtBytes {
  remaining: number;
  endpointAddress: number | undefined;
}

/** What {@link SimulatedFaults.countBytes} says about the bytes that just crossed. */
interface ByteCountOutcome {
  readonly shortPacket: boolean;
  readonly unplug: boolean;
}

/** The four outcomes, shared: counting is done for every paced step of every transfer. */
const BYTE_COUNT_OUTCOMES: readonly ByteCountOutcome[] = [
  { shortPacket: false, unplug: false },
  { shortPacket: false, unplug: true },
  { shortPacket: true, unplug: false },
  { shortPacket: true, unplug: true },
].map((outcome) => Object.freeze(outcome));

/** Takes `bytes` off an endpoint's armed byte budget; `true` (and disarmed) when it ran out. */
function countDown(budgets: Map<number, number>, endpointAddress: number, bytes: number): boolean {
  const left = budgets.get(endpointAddress);
  if (left === undefined) return false;
  if (left - bytes > 0) {
    budgets.set(endpointAddress, left - bytes);
    return false;
  }
  budgets.delete(endpointAddress);
  return true;
}

/**
 * Fault injection for one {@link SimulatedUsbDevice}. Faults are armed from
 * the test (or the virtual device) and fire from the host's transfers, so a
 * plugin meets them exactly where real hardware would put them.
 *
 * @example
 * ```ts
 * device.faults.nakForever(0x81);             // reads on 0x81 never complete unless aborted
 * device.faults.failTransfer(3, 'io');        // the 3rd transfer from now fails with UsbIoError
 * device.faults.shortPacket(0x81, 100);       // the device ends its transfer early after 100 more bytes
 * device.faults.unplugAfterBytes(4096, 0x81); // the device vanishes once 4096 more bytes went in on 0x81
 * device.faults.nakAfterBytes(0x81, 4096);    // ... or goes silent then: 0x81 NAKs forever, mid-read
 * device.faults.unplugAtPhase('data');        // ... or when the device side calls markPhase('data')
 * ```
 */
export class SimulatedFaults {
  private readonly naking = new Set<number>();
  private transferFaults: TransferFault[] = [];
  private readonly shortPacketAt = new Map<number, number>();
  private readonly nakAt = new Map<number, number>();
  private unplugBytes: UnplugAtBytes | undefined;
  private readonly unplugPhases = new Set<string>();
  /** Notified when a fault that holds transfers back is lifted. */
  readonly changed = new ChangeNotifier();

  /** NAK forever: transfers on the endpoint (IN or OUT) never complete until aborted, timed out, unplugged or {@link stopNak}. */
  nakForever(endpointAddress: number): void {
    this.naking.add(endpointAddress);
  }

  /** Lifts {@link nakForever}; waiting transfers go on. */
  stopNak(endpointAddress: number): void {
    this.naking.delete(endpointAddress);
    this.changed.notify();
  }

  /** The `nth` host transfer from now (1 = the next), on `endpointAddress` or on any endpoint, fails as `kind`. */
  failTransfer(nth: number, kind: TransferFaultKind = 'io', endpointAddress?: number): void {
    if (!Number.isInteger(nth) || nth < 1) throw new RangeError(`"nth" must be an integer >= 1, got ${nth}`);
    this.transferFaults.push({ skip: nth - 1, kind, endpointAddress });
  }

  /** The next read on an IN endpoint meets babble: `UsbOverflowError`. */
  babble(endpointAddress: number): void {
    this.failTransfer(1, 'babble', endpointAddress);
  }

  /** The device cuts its transfer short after `afterBytes` more bytes on the endpoint: the host read ends there, as on a premature short packet. */
  shortPacket(endpointAddress: number, afterBytes: number): void {
    if (!Number.isInteger(afterBytes) || afterBytes < 0) throw new RangeError(`"afterBytes" must be an integer >= 0, got ${afterBytes}`);
    this.shortPacketAt.set(endpointAddress, afterBytes);
  }

  /**
   * The device goes silent mid-transfer: once `afterBytes` more bytes crossed on the endpoint it NAKs forever, as
   * {@link nakForever} — a read in flight keeps what arrived and waits for the rest until aborted, timed out,
   * unplugged or {@link stopNak}.
   */
  nakAfterBytes(endpointAddress: number, afterBytes: number): void {
    if (!Number.isInteger(afterBytes) || afterBytes < 0) throw new RangeError(`"afterBytes" must be an integer >= 0, got ${afterBytes}`);
    if (afterBytes === 0) this.nakForever(endpointAddress);
    else this.nakAt.set(endpointAddress, afterBytes);
  }

  /** The device is unplugged once `bytes` more bytes crossed the wire (on `endpointAddress`, or on any endpoint). */
  unplugAfterBytes(bytes: number, endpointAddress?: number): void {
    if (!Number.isInteger(bytes) || bytes < 0) throw new RangeError(`"bytes" must be an integer >= 0, got ${bytes}`);
    this.unplugBytes = { remaining: bytes, endpointAddress };
  }

  /** The device is unplugged when its device side enters the named phase (`SimulatedUsbDevice.markPhase`). */
  unplugAtPhase(phase: string): void {
    this.unplugPhases.add(phase);
  }

  /** Disarms every fault (NAKs end, waiting transfers go on). */
  clear(): void {
    this.naking.clear();
    this.transferFaults = [];
    this.shortPacketAt.clear();
    this.nakAt.clear();
    this.unplugBytes = undefined;
    this.unplugPhases.clear();
    this.changed.notify();
  }

  /** @internal Counts a starting transfer; returns the failure it must meet, if any. */
  takeTransferFault(endpointAddress: number): TransferFaultKind | undefined {
    if (this.transferFaults.length === 0) return undefined;
    let fired: TransferFaultKind | undefined;
    this.transferFaults = this.transferFaults.filter((fault) => {
      if (fault.endpointAddress !== undefined && fault.endpointAddress !== endpointAddress) return true;
      if (fault.skip > 0 || fired) {
        fault.skip = fault.skip > 0 && !fired ? fault.skip - 1 : fault.skip;
        return true;
      }
      fired = fault.kind;
      return false;
    });
    return fired;
  }

  /** @internal `true` while the endpoint NAKs forever. */
  isNaking(endpointAddress: number): boolean {
    return this.naking.has(endpointAddress);
  }

  /** @internal How many bytes may cross on the endpoint before a fault must act (Infinity: no limit). */
  byteBudget(endpointAddress: number): number {
    const shortAt = this.shortPacketAt.get(endpointAddress) ?? Infinity;
    return Math.min(shortAt, this.nakAt.get(endpointAddress) ?? Infinity, this.unplugBudget(endpointAddress));
  }

  /** @internal Records bytes that crossed; says whether a short packet ends the read and whether the device must vanish now (and starts an armed NAK). */
  countBytes(endpointAddress: number, bytes: number): ByteCountOutcome {
    const shortPacket = countDown(this.shortPacketAt, endpointAddress, bytes);
    if (countDown(this.nakAt, endpointAddress, bytes)) this.naking.add(endpointAddress);
    let unplug = false;
    if (this.unplugBytes && this.unplugBudget(endpointAddress) !== Infinity) {
      this.unplugBytes.remaining -= bytes;
      unplug = this.unplugBytes.remaining <= 0;
      if (unplug) this.unplugBytes = undefined;
    }
    return BYTE_COUNT_OUTCOMES[(shortPacket ? 2 : 0) + (unplug ? 1 : 0)]!;
  }

  /** @internal At the start of a transfer: `true` when an unplug armed for zero more bytes must happen now. */
  takeUnplugAtStart(endpointAddress: number): boolean {
    if (this.unplugBudget(endpointAddress) > 0) return false;
    this.unplugBytes = undefined;
    return true;
  }

  /** @internal `true` when entering `phase` must unplug the device. */
  unplugsAtPhase(phase: string): boolean {
    return this.unplugPhases.delete(phase);
  }

  private unplugBudget(endpointAddress: number): number {
    const u = this.unplugBytes;
    if (!u || (u.endpointAddress !== undefined && u.endpointAddress !== endpointAddress)) return Infinity;
    return u.remaining;
  }
}
