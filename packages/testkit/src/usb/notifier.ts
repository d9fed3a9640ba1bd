/**
 * A "something changed" signal: waiters subscribe and are called once on the
 * next `notify()`. A waiter that gives up (its transfer was aborted)
 * unsubscribes, so an idle endpoint polled with short timeouts for hours
 * collects no garbage.
 */
export class ChangeNotifier {
  private readonly waiters = new Set<() => void>();

  /** Calls `waiter` on the next `notify()`; returns the function that unsubscribes it. */
  subscribe(waiter: () => void): () => void {
    this.waiters.add(waiter);
    return () => this.waiters.delete(waiter);
  }

  notify(): void {
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const waiter of waiting) waiter();
  }
}

/**
 * A FIFO of turns: transfers on one endpoint complete in the order they were
 * submitted, as on a real pipe. Each turn hands the next one the time it let
 * go of the endpoint on the wire clock (see `BusPacer`), so that a transfer
 * queued behind another is ready from then, not from when its turn came round.
 */
export class TurnQueue {
  private tail: Promise<number> = Promise.resolve(0);

  /** Returns the promise of the caller's turn (the time the previous turn ended) and the function that ends it (call it in `finally`). */
  enter(): { turn: Promise<number>; done: (endedAt: number) => void } {
    const previous = this.tail;
    let done!: (endedAt: number) => void;
    const mine = new Promise<number>((r) => (done = r));
    this.tail = previous.then(() => mine);
    return { turn: previous, done };
  }
}
