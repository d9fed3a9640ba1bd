/**
 * A "something changed" signal many waiters can share: `next()` gives a
 * promise that resolves on the next `notify()`. One promise per round, so
 * waiting in a loop does not pile up listeners.
 */
export class ChangeNotifier {
  private pending: { promise: Promise<void>; resolve: () => void } | undefined;

  next(): Promise<void> {
    if (!this.pending) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.pending = { promise, resolve };
    }
    return this.pending.promise;
  }

  notify(): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.resolve();
  }
}

/** A FIFO of turns: transfers on one endpoint complete in the order they were submitted, as on a real pipe. */
export class TurnQueue {
  private tail: Promise<void> = Promise.resolve();

  /** Returns the promise of the caller's turn and the function that ends it (call it in `finally`). */
  enter(): { turn: Promise<void>; done: () => void } {
    const previous = this.tail;
    let done!: () => void;
    const mine = new Promise<void>((r) => (done = r));
    this.tail = previous.then(() => mine);
    return { turn: previous, done };
  }
}
