import { Writable } from 'node:stream';
import { transferScopedArray } from '../abort/transfer-scoped.js';
import { WIA_ERROR_DESTINATION, WiaError } from '../hresult/index.js';
import type { TransferItemResult } from './report.js';

/** What an item stream needs from the transfer it belongs to. */
export interface ItemStreamOwner {
  /** `true` once the transfer latched (cancelled or failed on the app side). */
  readonly closed: boolean;
  /** Runs `listener` when the transfer latches; returns an unsubscribe function. */
  onClose(listener: () => void): () => void;
  /** The driver wrote after the latch. */
  noteWriteAfterCancel(item: TransferItemResult): void;
  /** The app's stream failed. */
  failAppSide(error: WiaError): void;
}

type WriteCallback = (error?: Error | null) => void;

const NO_BYTES = new Uint8Array(0);

const ignore = (): void => undefined;

const byteLengthOf = (chunk: unknown): number => (chunk instanceof Uint8Array ? chunk.length : Buffer.byteLength(String(chunk)));

/**
 * The stream a driver writes one item into: one thin layer over the app's
 * stream. A write is handed to the app's stream at once, in the same call
 * (no second buffer), and its back-pressure is the app's own. It enforces
 * rule 5 of the contract: once the transfer is latched, nothing more is
 * handed to the app — later writes are counted as violations and discarded.
 *
 * Bytes count when the app's stream has *accepted* them (processed them
 * without an error), so `item.bytes` is exactly what the app received,
 * whether its stream fails by an `error` or by throwing. {@link idle} tells
 * when every byte handed over has been consumed, so the engine can hold the
 * outcome until then (docs/cancellation.md, "bytes after the outcome").
 *
 * How it learns that a chunk was processed depends on the app's stream. The
 * first chunk of an item carries a completion callback. When the stream had
 * processed it by the time `write()` returned (its buffered length back to
 * 0: counting, hashing, in-memory sinks at memory speed), the next chunks go
 * without one and are counted there and then — a callback costs the app's
 * `Writable` a `nextTick` per chunk, 5–9 % of the stack's throughput at
 * 16–64 KiB reads (issue 12, "memory speed"). A chunk still pending after
 * `write()` (a file, a socket) keeps the callbacks on, and should such a
 * stream leave one of the uncounted chunks pending, an empty write queued
 * behind it tells when it is done.
 *
 * The core never ends or destroys the app's stream: the app owns it.
 */
export class GuardedItemStream extends Writable {
  private readonly onAppError = (err: unknown): void => {
    this.owner.failAppSide(WiaError.from(err, WIA_ERROR_DESTINATION, `the destination stream of ${this.item.fullItemName} failed`));
  };
  private readonly onAppDrain = (): void => this.releaseDrain();
  private readonly onAppClose = (): void => {
    this.appClosed = true;
    this.releaseDrain();
  };
  /** The app's stream emitted `'close'`: every write callback it will ever call has been called. */
  private appClosed = false;
  /** Unsubscribes the latch listener that releases a driver waiting for `'drain'`. */
  private stopWaitingOnClose: (() => void) | undefined;
  private unprocessedWrites = 0;
  /**
   * `true` while the app's stream processes each chunk within `write()` (seen on the item's first chunk): the next
   * ones are handed over without a completion callback. Object-mode streams always get callbacks.
   */
  private appWritesInline = false;
  private waitingForDrain = false;
  private idleWaiters: Array<() => void> = transferScopedArray();

  constructor(
    private readonly appStream: Writable,
    private readonly item: TransferItemResult,
    private readonly owner: ItemStreamOwner,
  ) {
    super({ highWaterMark: appStream.writableHighWaterMark ?? 16 * 1024 });
    appStream.on('error', this.onAppError);
    appStream.on('close', this.onAppClose);
    // A driver that writes after end() would otherwise crash the process with an unhandled 'error'.
    this.on('error', ignore);
  }

  /** `true` when every byte handed to the app's stream has been consumed (or the app's stream is gone). */
  get idle(): boolean {
    // Gone means closed, not destroyed: a stream that destroys itself right after accepting a chunk calls that
    // chunk's callback a tick later, before its 'close' — the chunk counts, and the report must not be taken first.
    return this.unprocessedWrites === 0 || this.appClosed || this.appStream.errored !== null;
  }

  /** Resolves when {@link idle}. */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  override write(chunk: unknown, encodingOrCb?: BufferEncoding | WriteCallback, cb?: WriteCallback): boolean {
    const callback = typeof encodingOrCb === 'function' ? encodingOrCb : cb;
    // After end(), let Writable report ERR_STREAM_WRITE_AFTER_END the usual way.
    if (this.writableEnded || this.destroyed) return super.write(chunk, encodingOrCb as BufferEncoding, cb);
    if (this.owner.closed || this.appStream.destroyed || this.appStream.writableEnded) {
      if (this.owner.closed) this.owner.noteWriteAfterCancel(this.item);
      // A stream destroyed with an error says why itself (its 'error' event is still on its way).
      else if (this.appStream.errored) this.onAppError(this.appStream.errored);
      else this.owner.failAppSide(this.closedEarly(byteLengthOf(chunk)));
      if (callback) process.nextTick(callback);
      return true;
    }
    return this.handOver(chunk, callback);
  }

  /**
   * The app closed (destroyed or ended) its own stream while the item's bytes were still coming: those
   * bytes cannot be delivered, so the transfer fails rather than report an item it did not deliver.
   */
  private closedEarly(bytes: number): WiaError {
    const how = this.appStream.destroyed ? 'destroyed' : 'ended';
    return new WiaError(WIA_ERROR_DESTINATION, `the destination stream of ${this.item.fullItemName} was ${how} by the app while the item's bytes were still coming (${this.item.bytes} bytes delivered, ${bytes} more could not be)`);
  }

  private handOver(chunk: unknown, callback: WriteCallback | undefined): boolean {
    const bytes = byteLengthOf(chunk);
    // Nothing buffered in the app's stream: every chunk before this one was processed, even if the callbacks of
    // those that carried one are still on their way (a Writable calls them on the next tick, and a driver whose
    // reads resolve without a macrotask in between — bytes already queued — does not let that tick come).
    if (!callback && this.appWritesInline && this.appStream.writableLength === 0) return this.handOverInline(chunk, bytes);
    this.unprocessedWrites++;
    let accepted: boolean;
    try {
      accepted = this.appStream.write(chunk, (err) => this.onWriteProcessed(bytes, err, callback));
    } catch (err) {
      this.unprocessedWrites--;
      this.onAppError(err);
      this.checkIdle();
      if (callback) process.nextTick(callback);
      return true;
    }
    if (this.unprocessedWrites === 1 && this.appStream.writableLength === 0 && !this.appStream.writableObjectMode) this.appWritesInline = true;
    return this.askedToWait(accepted);
  }

  /** Hands a chunk over without a completion callback, and finds out from the app's stream whether it was processed. */
  private handOverInline(chunk: unknown, bytes: number): boolean {
    let accepted: boolean;
    try {
      accepted = this.appStream.write(chunk);
    } catch (err) {
      this.onAppError(err);
      return true;
    }
    if (this.appStream.writableLength === 0) {
      // Processed within write(); a failure there has already marked the stream errored (its 'error' event follows).
      if (this.appStream.errored === null) this.item.bytes += bytes;
    } else {
      this.appWritesInline = false;
      this.unprocessedWrites++;
      // Writes are processed in order: the callback of an empty one queued behind the chunk is the chunk's own.
      this.appStream.write(NO_BYTES, (err) => this.onWriteProcessed(bytes, err, undefined));
    }
    return this.askedToWait(accepted);
  }

  /** `true` when the app's stream takes more now; otherwise the driver is told `'drain'` when it does. */
  private askedToWait(accepted: boolean): boolean {
    // Latched while the app's stream took the chunk: nothing more will be handed over, so there is nothing to wait for.
    if (accepted || this.owner.closed) return true;
    if (!this.waitingForDrain) {
      this.waitingForDrain = true;
      this.appStream.once('drain', this.onAppDrain);
      // A driver waiting for 'drain' must not wait past a cancel.
      this.stopWaitingOnClose = this.owner.onClose(this.onAppDrain);
    }
    return false;
  }

  override _write(_chunk: unknown, _encoding: BufferEncoding, done: WriteCallback): void {
    done();
  }

  /**
   * The item is complete only once the app's stream has processed every
   * byte of it (not merely buffered it), so a destination that fails late
   * still fails the transfer instead of losing data silently. A latch ends
   * the wait: the engine then bounds it itself.
   */
  override _final(done: WriteCallback): void {
    if (this.idle || this.owner.closed) return this.finish(done);
    const unsubscribe = this.owner.onClose(() => this.finish(done));
    this.idleWaiters.push(() => {
      unsubscribe();
      this.finish(done);
    });
  }

  override _destroy(error: Error | null, done: WriteCallback): void {
    this.detach();
    done(error);
  }

  private finished = false;
  private finish(done: WriteCallback): void {
    if (this.finished) return;
    this.finished = true;
    this.detach();
    done();
  }

  private onWriteProcessed(bytes: number, err: Error | null | undefined, callback: WriteCallback | undefined): void {
    this.unprocessedWrites--;
    if (err) this.onAppError(err);
    else this.item.bytes += bytes;
    callback?.(err);
    this.checkIdle();
  }

  private checkIdle(): void {
    if (!this.idle || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = transferScopedArray();
    for (const resolve of waiters) resolve();
  }

  private releaseDrain(): void {
    this.checkIdle();
    if (!this.waitingForDrain) return;
    this.waitingForDrain = false;
    this.appStream.off('drain', this.onAppDrain);
    this.stopListeningForLatch();
    this.emit('drain');
  }

  private detach(): void {
    this.appStream.off('error', this.onAppError);
    this.appStream.off('close', this.onAppClose);
    this.appStream.off('drain', this.onAppDrain);
    this.stopListeningForLatch();
  }

  private stopListeningForLatch(): void {
    this.stopWaitingOnClose?.();
    this.stopWaitingOnClose = undefined;
  }
}

/** The stream handed to a driver for a skipped item: it counts and discards. */
export class DiscardSink extends Writable {
  bytesDiscarded = 0;

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.bytesDiscarded += chunk.length;
    done();
  }
}

/** Ends a stream and resolves once everything queued in it has been processed (or it failed). */
export function finishStream(stream: Writable): Promise<void> {
  if (stream.writableFinished || stream.destroyed) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = (): void => {
      stream.off('finish', done);
      stream.off('error', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('finish', done);
    stream.on('error', done);
    stream.on('close', done);
    if (!stream.writableEnded) stream.end();
  });
}
