/** The engine's hand-driven clock, from core (re-exported here, where tests look for it). */
export { ManualTimers } from '@openwia/core';

/** A promise with its resolve/reject exposed: a gate a test opens when it wants. */
export class Deferred<T = void> {
  readonly promise: Promise<T>;
  resolve!: (value: T) => void;
  reject!: (reason: unknown) => void;

  constructor() {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }
}

/** Lets every pending promise callback, `nextTick` and I/O callback run. */
export function flushAsync(rounds = 3): Promise<void> {
  let chain = Promise.resolve();
  for (let i = 0; i < rounds; i++) chain = chain.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
  return chain;
}
