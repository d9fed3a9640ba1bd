import { removeItem } from '../abort/remove-item.js';
import { UsbTimeoutError, UsbTransferAbortedError } from './errors.js';
import type { UsbTransferOptions } from './transport.js';

/** Why a watched transfer was cut short. */
export type TransferInterruption = 'aborted' | 'timeout';

/**
 * The transfers watching each signal, oldest first. A signal gets one
 * `'abort'` listener, the first time a transfer watches it, rather than one
 * listener added and removed per transfer: on Node 20 that pair costs about a
 * microsecond, which at memory speed is 4 % of a 16 KiB read, and a plugin
 * passes the same signal to every read of a transfer. The listener stays
 * until the signal aborts or is collected, holding only this list.
 */
const watchersBySignal = new WeakMap<AbortSignal, TransferWatch[]>();

/**
 * Watches one transfer's `signal` and `timeoutMs` and calls `cancel` once,
 * the first time either fires. Both backends use it so that abort and timeout
 * behave the same on hardware and in simulation.
 */
export class TransferWatch {
  private timer: NodeJS.Timeout | undefined;
  private fired: TransferInterruption | undefined;

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
    if (signal) watch.watchSignal(signal);
    if (timeoutMs !== undefined && timeoutMs > 0) {
      watch.timer = setTimeout(() => watch.fire('timeout'), timeoutMs);
    }
    return watch;
  }

  private watchSignal(signal: AbortSignal): void {
    let watchers = watchersBySignal.get(signal);
    if (!watchers) {
      const list: TransferWatch[] = [];
      watchersBySignal.set(signal, list);
      signal.addEventListener(
        'abort',
        () => {
          watchersBySignal.delete(signal);
          for (const each of list.splice(0)) each.fire('aborted');
        },
        { once: true },
      );
      watchers = list;
    }
    watchers.push(this);
  }

  /** A no-op once the signal aborted (its list went with it) or when this watch already left. */
  private unwatchSignal(signal: AbortSignal): void {
    const watchers = watchersBySignal.get(signal);
    if (watchers) removeItem(watchers, this);
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
    if (this.options.signal) this.unwatchSignal(this.options.signal);
  }
}
