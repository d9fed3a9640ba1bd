import {
  TransferWatch,
  UsbDisconnectedError,
  UsbIoError,
  UsbStallError,
  type UsbTransferOptions,
} from '@openwia/core';
import type { ChangeNotifier } from './notifier.js';
import { BusPacer } from './speed.js';

/** Why a simulated transfer in flight was cut short. */
export type HostInterruption = 'aborted' | 'timeout' | 'gone' | 'reset' | 'stall';

/** Marks the rejection of {@link HostTransfer.interrupted}; turned into a typed error with the partial data. */
class Interrupted {
  constructor(readonly why: HostInterruption) {}
}

/**
 * One host transfer in flight on a simulated device: everything it waits for
 * is raced against its interruption (abort, timeout, unplug, reset, stall),
 * so that it settles in the same tick the interruption happens.
 */
export class HostTransfer {
  private readonly watch: TransferWatch;
  private why: HostInterruption | undefined;
  private rejectInterrupted!: (reason: Interrupted) => void;
  private readonly interrupted: Promise<never>;
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
    this.interrupted = new Promise<never>((_resolve, reject) => (this.rejectInterrupted = reject));
    // Nobody may be racing it at the moment it fires; the rejection is observed through wait().
    this.interrupted.catch(() => undefined);
    this.watch = TransferWatch.start(endpointAddress, options, (why) => this.interrupt(why));
  }

  /** Cuts the transfer short; the first interruption wins. */
  interrupt(why: HostInterruption): void {
    if (this.why) return;
    this.why = why;
    this.rejectInterrupted(new Interrupted(why));
  }

  /** Throws the marker when already interrupted (between awaits). */
  throwIfInterrupted(): void {
    if (this.why) throw new Interrupted(this.why);
  }

  /** Waits for `promise` unless interrupted first. */
  async wait<T>(promise: Promise<T>): Promise<T> {
    this.throwIfInterrupted();
    return Promise.race([promise, this.interrupted]);
  }

  /** Waits for the next notification of any of `notifiers`, unless interrupted first; unsubscribes either way. The wire idled meanwhile. */
  async waitForChange(...notifiers: ChangeNotifier[]): Promise<void> {
    this.throwIfInterrupted();
    const unsubscribe: Array<() => void> = [];
    try {
      await Promise.race([new Promise<void>((resolve) => notifiers.forEach((n) => unsubscribe.push(n.subscribe(resolve)))), this.interrupted]);
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

  /** Holds `bytes` (plus the per-transfer latency when `startsTransfer`) to the wire's pace, unless interrupted first. */
  async pace(pacer: BusPacer, bytes: number, startsTransfer: boolean): Promise<void> {
    if (pacer.unlimited) return this.throwIfInterrupted();
    this.readySince = pacer.reserve(bytes, startsTransfer, this.readySince);
    await this.sleep(BusPacer.waitUntil(this.readySince));
  }

  /** Waits `ms` unless interrupted first; the timer never outlives the wait. */
  private async sleep(ms: number): Promise<void> {
    if (ms <= 0) return this.throwIfInterrupted();
    let timer: NodeJS.Timeout | undefined;
    try {
      await this.wait(new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))));
    } finally {
      clearTimeout(timer);
    }
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
