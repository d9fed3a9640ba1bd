import { WIA_ERROR_DEVICE_COMMUNICATION, WiaError } from '@openwia/core';

/**
 * Resolves like `promise`, or rejects with `WIA_ERROR_DEVICE_COMMUNICATION`
 * ("<what> did not finish within <ms> ms") when it takes longer, so that a
 * hanging plugin fails the suite instead of hanging it. The timer is cleared
 * either way (it stays ref'd meanwhile: a CLI run must not end silently
 * while it waits on a stuck plugin).
 */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new WiaError(WIA_ERROR_DEVICE_COMMUNICATION, `${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
