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
  private onAbort: (() => void) | undefined;
  private fired: TransferInterruption | undefined;

  private constructor(
    private readonly endpointAddress: number,
    private readonly options: UsbTransferOptions,
  ) {}

  /**
   * Starts watching. Throws `UsbTransferAbortedError` at once when the signal
   * is already aborted: such a transfer must never be submitted (libgusb had
   * exactly this race). The timer is unref'd and cleared by {@link dispose}.
   */
  static start(endpointAddress: number, options: UsbTransferOptions | undefined, cancel: (why: TransferInterruption) => void): TransferWatch {
    const watch = new TransferWatch(endpointAddress, options ?? {});
    const { signal, timeoutMs } = watch.options;
    if (signal?.aborted) throw new UsbTransferAbortedError(endpointAddress, new Uint8Array(0), { cause: signal.reason });
    const fire = (why: TransferInterruption): void => {
      if (watch.fired) return;
      watch.fired = why;
      watch.dispose();
      cancel(why);
    };
    if (signal) {
      watch.onAbort = () => fire('aborted');
      // Not `once`: dispose removes it either way, and an options object per transfer is garbage on the hot path.
      signal.addEventListener('abort', watch.onAbort);
    }
    if (timeoutMs !== undefined && timeoutMs > 0) {
      watch.timer = setTimeout(() => fire('timeout'), timeoutMs);
    }
    return watch;
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

  /** Stops watching: removes the abort listener and clears the timer. Idempotent. */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.onAbort) this.options.signal?.removeEventListener('abort', this.onAbort);
    this.onAbort = undefined;
  }
}
