import { CancelledError, abortError } from '@openwia/core';

/**
 * A first-come first-served mutex: PTP allows one transaction at a time on
 * the bulk pipes, while transfers, property reads and event handling all
 * want them. Waiting for it is abortable.
 */
export class ExclusiveLock {
  private held = false;
  private readonly waiters: Array<{ grant: () => void }> = [];

  /** Resolves with a release function once the lock is ours; rejects when `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason ?? new CancelledError());
    if (!this.held) {
      this.held = true;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.releaser());
        },
      };
      const onAbort = (): void => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(signal ? abortError(signal) : new CancelledError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next.grant();
      else this.held = false;
    };
  }
}
