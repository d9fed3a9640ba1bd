import { isUnwatched, shareAbortListener } from '../abort/abort-subscriptions.js';
import { removeItem } from '../abort/remove-item.js';
import { transferScopedArray } from '../abort/transfer-scoped.js';
import { CancelledError, WiaError } from '../hresult/index.js';

/**
 * Why a transfer latched: the app cancelled, the app side failed (threw, stream error), or the device went
 * away (`WiaDevice.notifyDisconnected`) — the last two carry the error the transfer fails with.
 */
export type LatchReason = 'cancel' | 'app-error' | 'device-lost';

/**
 * The one-way switch every cancellation goes through. The first `latch()`
 * wins, synchronously: it records why, runs the latch listeners, and aborts
 * {@link signal}, which every read of the transfer carries. Later calls are
 * no-ops, so cancelling is idempotent.
 */
export class CancelLatch {
  private readonly controller: AbortController;
  /** An array, not a Set: items subscribe and unsubscribe all the time, and V8 allocates a new table whenever a delete empties a Set. */
  private listeners: Array<() => void> = transferScopedArray();
  private latchedReason: LatchReason | undefined;
  private latchedError: WiaError | undefined;

  /** @param controller - a controller to use rather than a new one (see {@link reusableController}); ignored when aborted. */
  constructor(controller?: AbortController) {
    this.controller = controller && !controller.signal.aborted ? controller : new AbortController();
    // Every read of the transfer waits on this signal: one listener for all of them.
    shareAbortListener(this.controller.signal);
  }

  /** Aborted when the latch closes; hand it to every read. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get latched(): boolean {
    return this.latchedReason !== undefined;
  }

  get reason(): LatchReason | undefined {
    return this.latchedReason;
  }

  /** The error of an `app-error` or `device-lost` latch. */
  get error(): WiaError | undefined {
    return this.latchedError;
  }

  /**
   * Closes the latch. Returns `true` for the call that closed it, `false` when
   * it was already closed. Listeners run before the signal is aborted, so the
   * driver hears `WIA_EVENT_CANCEL_IO` before its reads reject.
   */
  latch(reason: LatchReason, error?: WiaError): boolean {
    if (this.latchedReason !== undefined) return false;
    this.latchedReason = reason;
    this.latchedError = error;
    const listeners = this.listeners;
    this.listeners = transferScopedArray();
    for (const listener of listeners) listener();
    const abortReason = reason === 'cancel' ? new CancelledError('the transfer was cancelled') : error;
    this.controller.abort(abortReason);
    return true;
  }

  /**
   * The controller, for another latch, when this one never closed and nothing waits on its signal any more
   * (no read in flight, no listener a plugin left on it); otherwise `undefined`. A transfer's `AbortSignal`
   * costs more than its 4.5 µs to create: on Node 20 none is freed by the young generation's collections — each
   * is promoted and waits for a full one — about 12 µs a transfer in all (bench, steady process).
   */
  reusableController(): AbortController | undefined {
    if (this.latched || this.controller.signal.aborted || !isUnwatched(this.controller.signal)) return undefined;
    return this.controller;
  }

  /** Runs `listener` once when the latch closes (at once if it already has). Returns an unsubscribe function. */
  onLatch(listener: () => void): () => void {
    if (this.latched) {
      listener();
      return () => undefined;
    }
    this.listeners.push(listener);
    return () => removeItem(this.listeners, listener);
  }

  /** Resolves with the promise's value, or with `LATCHED` as soon as the latch closes, whichever is first. */
  race<T>(promise: Promise<T>): Promise<T | typeof LATCHED> {
    if (this.latched) {
      promise.catch(() => undefined);
      return Promise.resolve(LATCHED);
    }
    return new Promise<T | typeof LATCHED>((resolve, reject) => {
      const unsubscribe = this.onLatch(() => resolve(LATCHED));
      promise.then(
        (value) => {
          unsubscribe();
          resolve(value);
        },
        (error: unknown) => {
          unsubscribe();
          reject(error);
        },
      );
    });
  }
}

/** What {@link CancelLatch.race} resolves with when the latch won. */
export const LATCHED: unique symbol = Symbol('latched');
