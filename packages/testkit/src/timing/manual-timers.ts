import type { TransferTimers } from '@openwia/core';

/**
 * A clock for the engine's watchdog that only moves when a test says so, so
 * watchdog tests are deterministic and instant.
 */
export class ManualTimers implements TransferTimers {
  private now = 0;
  private nextId = 1;
  private readonly pending = new Map<number, { at: number; callback: () => void }>();

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.pending.set(id, { at: this.now + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Timers not yet fired nor cleared. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Moves the clock forward, firing due timers in order. */
  advance(ms: number): void {
    this.now += ms;
    for (;;) {
      const due = [...this.pending.entries()].filter(([, t]) => t.at <= this.now).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) return;
      this.pending.delete(due[0]);
      due[1].callback();
    }
  }
}

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
