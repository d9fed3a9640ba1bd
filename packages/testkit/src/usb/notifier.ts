import { removeItem } from '@openwia/core';

/**
 * A "something changed" signal: waiters subscribe and are called once on the
 * next `notify()`. A waiter that gives up (its transfer was aborted)
 * unsubscribes, so an idle endpoint polled with short timeouts for hours
 * collects no garbage. The waiters are an array, not a `Set`: one waiter
 * comes and goes per wait, and V8 gives a `Set` a new table whenever it is
 * emptied.
 */
export class ChangeNotifier {
  private waiters: Array<() => void> = [];

  /** Calls `waiter` on the next `notify()`; returns the function that unsubscribes it. */
  subscribe(waiter: () => void): () => void {
    this.waiters.push(waiter);
    return () => removeItem(this.waiters, waiter);
  }

  notify(): void {
    // Every write and take on an endpoint notifies; mostly nobody waits.
    if (this.waiters.length === 0) return;
    const waiting = this.waiters;
    this.waiters = [];
    for (const waiter of waiting) waiter();
  }
}

/**
 * A FIFO of turns: transfers on one endpoint complete in the order they were
 * submitted, as on a real pipe. Each turn hands the next one the time it let
 * go of the endpoint on the wire clock (see `BusPacer`), so that a transfer
 * queued behind another is ready from then, not from when its turn came round.
 *
 * A turn on a free endpoint is granted at once, with no promise: most
 * transfers meet a free endpoint, and a paced one lives long enough for a
 * promise chain per turn to become old-generation garbage.
 */
export class TurnQueue {
  private held = false;
  /** When the last turn let go of the endpoint (wire clock), for the next one granted on a free endpoint. */
  private releasedAt = 0;
  private readonly waiting: Array<(previousEndedAt: number) => void> = [];

  /**
   * Takes the next turn: the time the previous turn let go of the endpoint —
   * at once when it is free, else a promise of it. Whoever was granted a
   * turn must {@link leave} it; see {@link abandon} for a promise given up on.
   */
  enter(): number | Promise<number> {
    if (!this.held) {
      this.held = true;
      return this.releasedAt;
    }
    return new Promise<number>((resolve) => this.waiting.push(resolve));
  }

  /** Ends the turn the caller holds; the next waiter gets it. */
  leave(endedAt: number): void {
    const next = this.waiting.shift();
    if (next) next(endedAt);
    else {
      this.held = false;
      this.releasedAt = endedAt;
    }
  }

  /** For a caller that stopped waiting for `turn` (its transfer was cut short): the turn is passed on as soon as it comes. */
  abandon(turn: Promise<number>): void {
    void turn.then((previousEndedAt) => this.leave(previousEndedAt));
  }
}
