import { Readable } from 'node:stream';
import { E_FAIL, WiaError, CancelledError } from '../hresult/index.js';
import type { CancelLatch } from './cancel-latch.js';
import type { TransferItemResult } from './report.js';

/**
 * The stream a driver reads an upload from. It relays the app's source chunk
 * by chunk and, once the transfer latches, fails with a `CancelledError` so
 * that a driver blocked on a read wakes up at once.
 */
export class GuardedUploadSource extends Readable {
  private readonly unsubscribe: () => void;
  private readonly chunks: AsyncIterator<unknown>;
  private pulling = false;

  constructor(
    source: Readable,
    private readonly item: TransferItemResult,
    latch: CancelLatch,
    private readonly failAppSide: (error: WiaError) => void,
  ) {
    super();
    this.chunks = source[Symbol.asyncIterator]();
    this.unsubscribe = latch.onLatch(() => this.destroy(new CancelledError('the upload was cancelled')));
    // Errors reach the driver through its reads; an unread error must not crash the process.
    this.on('error', () => undefined);
  }

  override _read(): void {
    if (this.pulling) return;
    this.pulling = true;
    this.chunks.next().then(
      ({ value, done }) => {
        this.pulling = false;
        if (this.destroyed) return;
        if (done) {
          this.push(null);
          return;
        }
        const buffer = Buffer.isBuffer(value) ? value : Buffer.from(value as string);
        this.item.bytes += buffer.length;
        this.push(buffer);
      },
      (err: unknown) => {
        this.pulling = false;
        const error = WiaError.from(err, E_FAIL, 'the upload source failed');
        this.failAppSide(error);
        this.destroy(error);
      },
    );
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.unsubscribe();
    done(error);
  }
}
