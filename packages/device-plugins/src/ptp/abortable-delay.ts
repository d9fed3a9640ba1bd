import { CancelledError } from '@openwia/core';

/** Waits `ms` milliseconds, or rejects as soon as `signal` aborts; never leaves a timer behind. */
export function abortableDelay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new CancelledError());
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason ?? new CancelledError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
