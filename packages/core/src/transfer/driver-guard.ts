import type { CancelLatch } from './cancel-latch.js';
import type { TransferTimers } from './timers.js';

/** How a guarded driver call ended. */
export type GuardedCall<T> =
  | { kind: 'done'; value: T }
  | { kind: 'threw'; error: unknown }
  /** The watchdog gave up waiting: the driver ignored its cancel (or hung). */
  | { kind: 'abandoned' };

/** Options of {@link guardDriverCall}. */
export interface DriverGuardOptions {
  /** Starts the watchdog when it closes; without one, only `alwaysBounded` calls are bounded. */
  latch?: CancelLatch;
  timers: TransferTimers;
  /** How long a driver may take to settle once cancelled. */
  graceMs: number;
  /** Bound the call by `graceMs` even without a cancel (for calls that must be quick, e.g. unlock). */
  alwaysBounded?: boolean;
}

/**
 * Runs a driver method under the watchdog: the call settles normally, or —
 * once the transfer is latched (or at once for `alwaysBounded` calls) — the
 * watchdog abandons it after the grace period, so a plugin that ignores its
 * signal cannot keep a transfer open. A late result is swallowed.
 */
export function guardDriverCall<T>(call: () => Promise<T>, options: DriverGuardOptions): Promise<GuardedCall<T>> {
  return new Promise<GuardedCall<T>>((resolve) => {
    let timer: unknown;
    let settled = false;
    let stopListening = (): void => undefined;
    const finish = (outcome: GuardedCall<T>): void => {
      if (settled) return;
      settled = true;
      stopListening();
      if (timer !== undefined) options.timers.clearTimeout(timer);
      resolve(outcome);
    };
    const startWatchdog = (): void => {
      if (settled || timer !== undefined) return;
      timer = options.timers.setTimeout(() => finish({ kind: 'abandoned' }), options.graceMs);
    };

    let pending: Promise<T>;
    try {
      pending = Promise.resolve(call());
    } catch (err) {
      pending = Promise.reject(err);
    }
    pending.then(
      (value) => finish({ kind: 'done', value }),
      (error: unknown) => finish({ kind: 'threw', error }),
    );
    // After the call's own reaction: a call that has already settled (an unlock with nothing to do) costs no timer.
    if (options.alwaysBounded) queueMicrotask(startWatchdog);
    else if (options.latch) stopListening = options.latch.onLatch(startWatchdog);
  });
}
