/**
 * The clock the engine's watchdog uses. Injectable so that tests drive time
 * by hand instead of sleeping.
 */
export interface TransferTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Node's own timers. */
export const realTimers: TransferTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

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
