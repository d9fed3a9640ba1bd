import { getEventListeners } from 'node:events';
import { removeItem } from './remove-item.js';

/**
 * What runs when each signal aborts, oldest first, behind one `'abort'`
 * listener per signal. On Node 20 an `addEventListener` and
 * `removeEventListener` pair on an `AbortSignal` costs about 1.5 µs and
 * half a kilobyte; the core waits on the same signal over and over — every
 * USB transfer of an item, every item's end, every queued turn on an
 * endpoint — so a signal gets its one real listener the first time anything
 * waits on it, and keeps it until it aborts or is collected (holding only
 * this list).
 */
const subscribersBySignal = new WeakMap<AbortSignal, Array<() => void>>();
/** The one real `'abort'` listener {@link onAbort} added to each signal. */
const dispatcherOfSignal = new WeakMap<AbortSignal, () => void>();

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
  let subscribers = subscribersBySignal.get(signal);
  if (!subscribers) {
    const list: Array<() => void> = [];
    subscribersBySignal.set(signal, list);
    const dispatch = (): void => notifyAll(signal, list);
    dispatcherOfSignal.set(signal, dispatch);
    signal.addEventListener('abort', dispatch, { once: true });
    subscribers = list;
  }
  subscribers.push(listener);
}

/** Takes back a listener of {@link onAbort}; a no-op once the signal aborted or when it is not subscribed. */
export function offAbort(signal: AbortSignal, listener: () => void): void {
  const subscribers = subscribersBySignal.get(signal);
  if (subscribers) removeItem(subscribers, listener);
}

function notifyAll(signal: AbortSignal, list: Array<() => void>): void {
  subscribersBySignal.delete(signal);
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
  return subscribersBySignal.get(signal)?.length ?? 0;
}

/**
 * `true` when nothing waits on `signal` any more: no {@link onAbort} subscriber, and no `'abort'` listener
 * but the one `onAbort` keeps. What a transfer's signal must be before the next transfer may be handed it.
 */
export function isUnwatched(signal: AbortSignal): boolean {
  if (abortSubscriberCount(signal) > 0) return false;
  const listeners = getEventListeners(signal, 'abort');
  return listeners.length === 0 || (listeners.length === 1 && listeners[0] === dispatcherOfSignal.get(signal));
}
