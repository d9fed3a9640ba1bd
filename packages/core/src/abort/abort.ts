import { once } from 'node:events';
import type { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { CancelledError, WiaError } from '../hresult/index.js';
import { offAbort, onAbort, shareAbortListener } from './abort-subscriptions.js';

/**
 * The one way an aborted wait rejects, everywhere in OpenWIA: with the
 * signal's reason when it is a `WiaError` (so `WIA_ERROR_OFFLINE` from an
 * unplug, or a transport timeout, survives the wait), else with a
 * `CancelledError` (`E_ABORT`) whose `cause` is the reason.
 */
export function abortError(signal: AbortSignal): WiaError {
  const reason: unknown = signal.reason;
  if (reason instanceof WiaError) return reason;
  return new CancelledError('the operation was cancelled', { cause: reason });
}

/** Throws {@link abortError} when `signal` is already aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/**
 * Waits `ms` milliseconds, or rejects with {@link abortError} as soon as
 * `signal` aborts. Leaves no timer and no listener behind either way. The
 * timer keeps the process alive: a wait on a device is real work.
 */
export async function delay(ms: number, signal?: AbortSignal): Promise<void> {
  throwIfAborted(signal);
  try {
    await sleep(ms, undefined, signal ? { signal } : undefined);
  } catch (err) {
    if (signal?.aborted) throw abortError(signal);
    throw err;
  }
}

/**
 * Settles like `work`, unless `signal` aborts first: then rejects at once
 * with `whenAborted(signal)` — {@link abortError} unless the caller has its
 * own error for it (`work` goes on unobserved; its rejection is handled, so
 * it cannot crash the process). The abort listener is removed when either
 * settles.
 */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal | undefined, whenAborted: (signal: AbortSignal) => Error = abortError): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(whenAborted(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const aborted = (): void => {
      work.catch(() => undefined);
      reject(whenAborted(signal));
    };
    onAbort(signal, aborted);
    work.then(
      (value) => {
        offAbort(signal, aborted);
        resolve(value);
      },
      (err: unknown) => {
        offAbort(signal, aborted);
        reject(err);
      },
    );
  });
}

/**
 * Waits for `event` on a Node `EventEmitter`, or rejects with
 * {@link abortError} when `signal` aborts (an `'error'` event rejects, as
 * `events.once` does). Resolves to the event's arguments.
 */
export async function onceAbortable(emitter: EventEmitter, event: string, signal?: AbortSignal): Promise<unknown[]> {
  throwIfAborted(signal);
  try {
    return await once(emitter, event, signal ? { signal } : undefined);
  } catch (err) {
    if (signal?.aborted) throw abortError(signal);
    throw err;
  }
}

/** A signal tied to others by {@link linkSignals}, and the function that unties it. */
export interface LinkedSignal {
  /** Aborts, with the source's reason, when the first of the sources aborts. */
  readonly signal: AbortSignal;
  /** Stops following the sources; the signal no longer aborts with them. Idempotent. */
  unlink(): void;
}

/**
 * An `AbortSignal` that aborts when any of `sources` does, with that
 * source's reason (at once when one already has) — like `AbortSignal.any`,
 * but a plain signal that follows its sources (through their shared abort
 * listener, `onAbort`) until {@link LinkedSignal.unlink}. Node's composite
 * signals do bookkeeping (a global set of signals kept alive) each time
 * their first listener is added or their last removed, which a read loop
 * passing the signal to every transfer pays on every chunk; a plain signal
 * does not.
 */
export function linkSignals(sources: readonly AbortSignal[]): LinkedSignal {
  const controller = new AbortController();
  // The linked signal goes to every read of what it bounds: one listener for all of them.
  shareAbortListener(controller.signal);
  const aborted = sources.find((s) => s.aborted);
  if (aborted) {
    controller.abort(aborted.reason);
    return { signal: controller.signal, unlink: () => undefined };
  }
  const followers = sources.map((source) => (): void => {
    unlink();
    controller.abort(source.reason);
  });
  const unlink = (): void => {
    sources.forEach((source, i) => offAbort(source, followers[i]!));
  };
  sources.forEach((source, i) => onAbort(source, followers[i]!));
  return { signal: controller.signal, unlink };
}
