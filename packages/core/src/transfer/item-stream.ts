import { Writable } from 'node:stream';
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

/**
 * The stream a driver writes one item into. It forwards to the app's stream
 * with back-pressure, and enforces rule 5 of the contract: once the transfer
 * is latched, nothing more reaches the app — chunks still queued here are
 * dropped, and every later write is counted and discarded.
 *
 * The core never ends or destroys the app's stream: the app owns it.
 */
export class GuardedItemStream extends Writable {
  private readonly onAppError = (err: unknown): void => {
    this.owner.failAppSide(WiaError.from(err, WIA_ERROR_DESTINATION, `the destination stream of ${this.item.fullItemName} failed`));
  };

  private unprocessedWrites = 0;

  constructor(
    private readonly appStream: Writable,
    private readonly item: TransferItemResult,
    private readonly owner: ItemStreamOwner,
  ) {
    super({ highWaterMark: 64 * 1024 });
    appStream.on('error', this.onAppError);
    // A driver that writes after end() would otherwise crash the process with an unhandled 'error'.
    this.on('error', () => undefined);
  }

  override write(chunk: unknown, encodingOrCb?: BufferEncoding | ((error: Error | null | undefined) => void), cb?: (error: Error | null | undefined) => void): boolean {
    if (this.owner.closed) this.owner.noteWriteAfterCancel(this.item);
    return super.write(chunk, encodingOrCb as BufferEncoding, cb);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    if (this.owner.closed || this.appStream.destroyed) {
      done();
      return;
    }
    let accepted: boolean;
    this.unprocessedWrites++;
    try {
      accepted = this.appStream.write(chunk, (err) => this.onWriteProcessed(err));
    } catch (err) {
      this.unprocessedWrites--;
      this.onAppError(err);
      done();
      return;
    }
    this.item.bytes += chunk.length;
    if (accepted) {
      done();
      return;
    }
    this.waitFor('drain').then(() => done());
  }

  /**
   * The item is complete only once the app's stream has processed every
   * byte of it (not merely buffered it), so a destination that fails late
   * still fails the transfer instead of losing data silently.
   */
  override _final(done: (error?: Error | null) => void): void {
    const finish = (): void => {
      this.detach();
      done();
    };
    if (this.unprocessedWrites === 0) finish();
    else this.waitFor('processed').then(finish);
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.detach();
    done(error);
  }

  private onWriteProcessed(err: Error | null | undefined): void {
    this.unprocessedWrites--;
    if (err) this.onAppError(err);
    if (this.unprocessedWrites === 0) this.emit('processed');
  }

  /**
   * Resolves on the app stream's `drain` (or this stream's `processed`), or
   * when the app's stream fails or closes, or the transfer latches — never
   * hangs past a cancel.
   */
  private waitFor(event: 'drain' | 'processed'): Promise<void> {
    const emitter: NodeJS.EventEmitter = event === 'drain' ? this.appStream : this;
    return new Promise<void>((resolve) => {
      let unsubscribe = (): void => undefined;
      const finish = (): void => {
        unsubscribe();
        emitter.off(event, finish);
        this.appStream.off('close', finish);
        this.appStream.off('error', finish);
        resolve();
      };
      emitter.on(event, finish);
      this.appStream.on('close', finish);
      this.appStream.on('error', finish);
      unsubscribe = this.owner.onClose(finish);
    });
  }

  private detach(): void {
    this.appStream.off('error', this.onAppError);
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
