import {
  TransferWatch,
  removeItem,
  UsbDisconnectedError,
  UsbIoError,
  UsbStallError,
  type UsbTransferOptions,
} from '@openwia/core';
import type { ChangeNotifier } from './notifier.js';
import { BusPacer } from './speed.js';

/** Why a simulated transfer in flight was cut short. */
export type HostInterruption = 'aborted' | 'timeout' | 'gone' | 'reset' | 'stall';

/** Marks the rejection of a wait cut short by an interruption; turned into a typed error with the partial data. */
class Interrupted {
  constructor(readonly why: HostInterruption) {}
}

/**
 * One host transfer in flight on a simulated device: everything it waits for
 * is raced against its interruption (abort, timeout, unplug, reset, stall),
 * so that it settles in the same tick the interruption happens.
 *
 * A transfer's steps run one after the other, so it has at most one wait in
 * progress, and an interruption rejects that one wait directly: no promise
 * per transfer standing for "interrupted", no race per wait, and a paced step
 * that is already due costs no tick at all (see {@link pace}) — at 32 devices
 * this bookkeeping was a good part of the event loop's work.
 */
export class HostTransfer {
  private readonly watch: TransferWatch;
  private why: HostInterruption | undefined;
  /** Cuts the wait in progress short, if there is one. */
  private cancelWait: ((reason: Interrupted) => void) | undefined;
  /**
   * Since when, on the wire clock, the transfer could use the wire: its
   * submission, then the due time of its last paced step, or the moment data
   * it waited for arrived. Pacing starts from here, not from "now", so that
   * a late event loop costs no wire time.
   */
  private readySince = performance.now();

  /** Throws `UsbTransferAbortedError` when the signal is already aborted: nothing is submitted. */
  constructor(
    readonly endpointAddress: number,
    options: UsbTransferOptions | undefined,
    private readonly onSettle: (transfer: HostTransfer) => void,
  ) {
    this.watch = TransferWatch.start(endpointAddress, options, (why) => this.interrupt(why));
  }

  /** Cuts the transfer short; the first interruption wins. */
  interrupt(why: HostInterruption): void {
    if (this.why) return;
    this.why = why;
    const cancel = this.cancelWait;
    this.cancelWait = undefined;
    cancel?.(new Interrupted(why));
  }

  /** Throws the marker when already interrupted (between awaits). */
  throwIfInterrupted(): void {
    if (this.why) throw new Interrupted(this.why);
  }

  /** Waits for `promise` unless interrupted first. */
  wait<T>(promise: Promise<T>): Promise<T> {
    if (this.why) return Promise.reject(new Interrupted(this.why));
    return new Promise<T>((resolve, reject) => {
      this.cancelWait = reject;
      promise.then(
        (value) => {
          this.cancelWait = undefined;
          resolve(value);
        },
        (err: unknown) => {
          this.cancelWait = undefined;
          reject(err);
        },
      );
    });
  }

  /** Waits for the next notification of any of `notifiers`, unless interrupted first; unsubscribes either way. The wire idled meanwhile. */
  async waitForChange(...notifiers: ChangeNotifier[]): Promise<void> {
    this.throwIfInterrupted();
    const unsubscribe: Array<() => void> = [];
    try {
      await this.wait(new Promise<void>((resolve) => notifiers.forEach((n) => unsubscribe.push(n.subscribe(resolve)))));
    } finally {
      unsubscribe.forEach((u) => u());
    }
    this.readyFrom(performance.now());
  }

  /** The transfer could not use the wire before `time` (its turn on the endpoint came then). */
  readyFrom(time: number): void {
    if (time > this.readySince) this.readySince = time;
  }

  /** When the transfer let go of the wire: its last due time, or now when it was cut short. */
  endedAt(completed: boolean): number {
    return completed ? this.readySince : performance.now();
  }

  /**
   * Holds `bytes` (plus the per-transfer latency when `startsTransfer`) to
   * the wire's pace, unless interrupted first. Returns the sleep to await, or
   * `undefined` when the step is already due (nothing to wait for, not even
   * a microtask); throws the marker when already interrupted.
   */
  pace(pacer: BusPacer, bytes: number, startsTransfer: boolean): Promise<void> | undefined {
    this.throwIfInterrupted();
    if (pacer.unlimited) return undefined;
    this.readySince = pacer.reserve(bytes, startsTransfer, this.readySince);
    const ms = BusPacer.waitUntil(this.readySince);
    return ms > 0 ? this.park(ms) : undefined;
  }

  /** Lets the event loop turn once (`setImmediate`), unless interrupted first. */
  nextTurn(): Promise<void> {
    return this.park(-1);
  }

  /**
   * Sleeps `ms` on a timer or, when `ms` is negative, one turn of the event
   * loop; an interruption clears the timer, so none outlives the wait. Every
   * transfer parks at least once, so a park costs only its promise, its
   * wake-up and its cancel (no arming callback, no bound clear function).
   */
  private park(ms: number): Promise<void> {
    if (this.why) return Promise.reject(new Interrupted(this.why));
    return new Promise<void>((resolve, reject) => {
      const wake = (): void => {
        this.cancelWait = undefined;
        resolve();
      };
      if (ms < 0) {
        const immediate = setImmediate(wake);
        this.cancelWait = (reason) => {
          clearImmediate(immediate);
          reject(reason);
        };
      } else {
        const timer = setTimeout(wake, ms);
        this.cancelWait = (reason) => {
          clearTimeout(timer);
          reject(reason);
        };
      }
    });
  }

  /** Turns whatever ended the transfer into its typed error, carrying the bytes that arrived. */
  failure(thrown: unknown, partialData: Uint8Array): unknown {
    if (!(thrown instanceof Interrupted)) return thrown;
    const ep = this.endpointAddress;
    switch (thrown.why) {
      case 'aborted':
      case 'timeout':
        return this.watch.error(partialData);
      case 'gone':
        return new UsbDisconnectedError(ep, { partialData });
      case 'reset':
        return new UsbIoError(ep, 'the device was reset while the transfer was in flight', { partialData });
      case 'stall':
        return new UsbStallError(ep, { partialData });
    }
  }

  /** Ends the transfer: stops watching its signal and timer. */
  settle(): void {
    this.watch.dispose();
    this.onSettle(this);
  }
}

/**
 * The transfers in flight on a device or on one of its handles, in the order
 * they were submitted. A handful at a time, each added and removed once: an
 * array, because V8 gives a `Set` a new hash table whenever a delete empties
 * it — garbage per transfer that, at many paced devices, lives long enough to
 * be promoted.
 */
export class TransfersInFlight {
  private readonly transfers: HostTransfer[] = [];

  add(transfer: HostTransfer): void {
    this.transfers.push(transfer);
  }

  delete(transfer: HostTransfer): void {
    removeItem(this.transfers, transfer);
  }

  /** The transfers now, oldest first: a copy, so that interrupting them (which removes them) is safe while iterating. */
  snapshot(): HostTransfer[] {
    return this.transfers.slice();
  }
}
