import { Writable } from 'node:stream';

/** A chunk as it reached an app stream, with the sequence number of the moment it arrived. */
export interface RecordedChunk {
  seq: number;
  bytes: Buffer;
}

/**
 * An app-side destination stream that records every chunk and when it came,
 * against a shared sequence counter, so a test can tell what arrived after
 * a cancel. Optionally slow (each write waits on `gate`) or failing, and
 * observable chunk by chunk (`onChunk`, called as each chunk arrives).
 */
export class RecordingSink extends Writable {
  readonly chunks: RecordedChunk[] = [];
  /** Sequence numbers at which chunks entered `_write` (the app's own code got them). */
  readonly consumedSeqs: number[] = [];
  /** Bytes whose write completed without an error: what the stream accepted. */
  acceptedBytes = 0;

  constructor(
    private readonly nextSeq: () => number,
    private readonly options: { gate?: () => Promise<void>; failAfterBytes?: number; closeAfterBytes?: number; highWaterMark?: number; onChunk?: (bytes: Buffer) => void } = {},
  ) {
    super({ highWaterMark: options.highWaterMark ?? 16 * 1024 });
  }

  /** Everything received, concatenated. */
  get data(): Buffer {
    return Buffer.concat(this.chunks.map((c) => c.bytes));
  }

  get bytes(): number {
    return this.chunks.reduce((n, c) => n + c.bytes.length, 0);
  }

  /** A chunk counts as received when it is handed to the stream, not when a slow disk gets to it. */
  override write(chunk: unknown, encodingOrCb?: BufferEncoding | ((error: Error | null | undefined) => void), cb?: (error: Error | null | undefined) => void): boolean {
    if (!this.destroyed) {
      const bytes = Buffer.from(chunk as Uint8Array);
      this.chunks.push({ seq: this.nextSeq(), bytes });
      this.options.onChunk?.(bytes);
    }
    return super.write(chunk, encodingOrCb as BufferEncoding, cb);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.consumedSeqs.push(this.nextSeq());
    const fail = this.options.failAfterBytes !== undefined && this.bytes > this.options.failAfterBytes;
    const finish = (): void => {
      if (!fail) this.acceptedBytes += chunk.length;
      done(fail ? new Error('simulated destination failure (disk full)') : null);
      // The app closes its own destination without an error (a viewer window shut mid-download).
      if (!fail && this.options.closeAfterBytes !== undefined && this.acceptedBytes > this.options.closeAfterBytes) this.destroy();
    };
    if (this.options.gate) this.options.gate().then(finish, finish);
    else finish();
  }
}
