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
  // The closures below keep these, not the options object: a call may last a whole transfer, and a literal that
  // does is allocated in the old generation once V8 has seen enough of them live that long (see abort/transfer-scoped.ts).
  const { latch, timers, graceMs, alwaysBounded } = options;
  return new Promise<GuardedCall<T>>((resolve) => {
    let timer: unknown;
    let settled = false;
    let stopListening = (): void => undefined;
    const finish = (outcome: GuardedCall<T>): void => {
      if (settled) return;
      settled = true;
      stopListening();
      if (timer !== undefined) timers.clearTimeout(timer);
      resolve(outcome);
    };
    const startWatchdog = (): void => {
      if (settled || timer !== undefined) return;
      timer = timers.setTimeout(() => finish({ kind: 'abandoned' }), graceMs);
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
    if (alwaysBounded) queueMicrotask(startWatchdog);
    else if (latch) stopListening = latch.onLatch(startWatchdog);
  });
}
