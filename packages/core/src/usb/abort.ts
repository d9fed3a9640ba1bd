import { offAbort, onAbort } from '../abort/abort-subscriptions.js';
import { UsbTimeoutError, UsbTransferAbortedError } from './errors.js';
import type { UsbTransferOptions } from './transport.js';

/** Why a watched transfer was cut short. */
export type TransferInterruption = 'aborted' | 'timeout';

/**
 * Watches one transfer's `signal` and `timeoutMs` and calls `cancel` once,
 * the first time either fires. Both backends use it so that abort and timeout
 * behave the same on hardware and in simulation.
 */
export class TransferWatch {
  private timer: NodeJS.Timeout | undefined;
  private fired: TransferInterruption | undefined;
  /** Subscribed to the signal's one shared listener (`onAbort`), not a listener of its own per transfer. */
  private readonly onSignalAbort = (): void => this.fire('aborted');

  private constructor(
    private readonly endpointAddress: number,
    private readonly options: UsbTransferOptions,
    private readonly cancel: (why: TransferInterruption) => void,
  ) {}

  /**
   * Starts watching. Throws `UsbTransferAbortedError` at once when the signal
   * is already aborted: such a transfer must never be submitted (libgusb had
   * exactly this race). The timer is ref'd on purpose (a transfer in flight is
   * work the process must wait for) and cleared by {@link dispose}.
   */
  static start(endpointAddress: number, options: UsbTransferOptions | undefined, cancel: (why: TransferInterruption) => void): TransferWatch {
    const watch = new TransferWatch(endpointAddress, options ?? {}, cancel);
    const { signal, timeoutMs } = watch.options;
    if (signal?.aborted) throw new UsbTransferAbortedError(endpointAddress, new Uint8Array(0), { cause: signal.reason });
    if (signal) onAbort(signal, watch.onSignalAbort);
    if (timeoutMs !== undefined && timeoutMs > 0) {
      watch.timer = setTimeout(() => watch.fire('timeout'), timeoutMs);
    }
    return watch;
  }

  private fire(why: TransferInterruption): void {
    if (this.fired) return;
    this.fired = why;
    this.dispose();
    this.cancel(why);
  }

  /** What cut the transfer short, if anything did. */
  get interruption(): TransferInterruption | undefined {
    return this.fired;
  }

  /** The typed error for the interruption, carrying the bytes that arrived. */
  error(partialData: Uint8Array = new Uint8Array(0)): UsbTransferAbortedError | UsbTimeoutError {
    if (this.fired === 'timeout') return new UsbTimeoutError(this.endpointAddress, this.options.timeoutMs ?? 0, { partialData });
    return new UsbTransferAbortedError(this.endpointAddress, partialData, { cause: this.options.signal?.reason });
  }

  /** Stops watching the signal and clears the timer. Idempotent. */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.options.signal) offAbort(this.options.signal, this.onSignalAbort);
  }
}
