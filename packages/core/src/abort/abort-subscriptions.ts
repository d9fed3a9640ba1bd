import { getEventListeners } from 'node:events';
import { removeItem } from './remove-item.js';
import { transferScopedArray } from './transfer-scoped.js';

/**
 * The waits on one signal, behind its one real `'abort'` listener. A class and an `Array.of()`, not literals: a
 * signal often lives for a whole transfer (see transfer-scoped.ts).
 */
class Subscription {
  readonly list: Array<() => void> = transferScopedArray();
  readonly dispatch = (): void => notifyAll(this.signal, this.list);

  constructor(private readonly signal: AbortSignal) {}
}

/**
 * What runs when each signal aborts, oldest first, behind one `'abort'`
 * listener per signal. On Node 20 an `addEventListener` and
 * `removeEventListener` pair on an `AbortSignal` costs about 1.5 µs and
 * half a kilobyte, and the core waits on a transfer's signal over and over —
 * every USB transfer of an item, every item's end, every queued turn on an
 * endpoint.
 */
const subscriptionsBySignal = new WeakMap<AbortSignal, Subscription>();

/**
 * Signals whose listener stays between waits, until they abort or are
 * collected (see {@link shareAbortListener}); every other signal loses it
 * when its last wait lets go.
 */
const sharedSignals = new WeakSet<AbortSignal>();

/**
 * Lets `signal` keep its one `'abort'` listener between waits, so that the
 * waits that come and go on it (a transfer's reads) cost no listener each.
 * Only for a signal of an `AbortController` of our own: Node holds an
 * `AbortSignal.any()` or `AbortSignal.timeout()` signal strongly for as long
 * as it has an `'abort'` listener, so one that kept its listener would never
 * be freed — each read's composite signal a leak of 1.5 kB.
 */
export function shareAbortListener(signal: AbortSignal): void {
  sharedSignals.add(signal);
}

/**
 * Runs `listener` once when `signal` aborts, after the listeners subscribed
 * before it, unless {@link offAbort} takes it back first. Like
 * `addEventListener`, it never calls `listener` for a signal that has
 * already aborted: check `signal.aborted` first. A listener that throws does
 * not keep the others from running; its error is thrown again on the next
 * tick, as an `EventTarget` reports it.
 */
export function onAbort(signal: AbortSignal, listener: () => void): void {
  if (signal.aborted) return;
  let subscription = subscriptionsBySignal.get(signal);
  if (!subscription) {
    subscription = new Subscription(signal);
    subscriptionsBySignal.set(signal, subscription);
    signal.addEventListener('abort', subscription.dispatch, { once: true });
  }
  subscription.list.push(listener);
}

/**
 * Takes back a listener of {@link onAbort}; a no-op once the signal aborted or when it is not subscribed.
 * The last one out removes the signal's listener too, unless the signal shares it ({@link shareAbortListener}).
 */
export function offAbort(signal: AbortSignal, listener: () => void): void {
  const subscription = subscriptionsBySignal.get(signal);
  if (!subscription || !removeItem(subscription.list, listener)) return;
  if (subscription.list.length > 0 || sharedSignals.has(signal)) return;
  subscriptionsBySignal.delete(signal);
  signal.removeEventListener('abort', subscription.dispatch);
}

function notifyAll(signal: AbortSignal, list: Array<() => void>): void {
  subscriptionsBySignal.delete(signal);
  for (const listener of list.splice(0)) {
    try {
      listener();
    } catch (err) {
      process.nextTick(() => {
        throw err;
      });
    }
  }
}

/** How many {@link onAbort} listeners wait on `signal` (0 once it aborted): what tests check to see that a wait let go. */
export function abortSubscriberCount(signal: AbortSignal): number {
  return subscriptionsBySignal.get(signal)?.list.length ?? 0;
}

/**
 * `true` when nothing waits on `signal` any more: no {@link onAbort} subscriber, and no `'abort'` listener
 * but the one `onAbort` keeps. What a transfer's signal must be before the next transfer may be handed it.
 */
export function isUnwatched(signal: AbortSignal): boolean {
  if (abortSubscriberCount(signal) > 0) return false;
  const listeners = getEventListeners(signal, 'abort');
  return listeners.length === 0 || (listeners.length === 1 && listeners[0] === subscriptionsBySignal.get(signal)?.dispatch);
}
