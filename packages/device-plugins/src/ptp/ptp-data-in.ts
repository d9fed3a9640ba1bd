import { PTP_HEADER_SIZE, PTP_LENGTH_UNKNOWN } from './ptp-codes.js';
import type { PtpContainerHeader } from './ptp-container.js';
import { PtpProtocolError } from './ptp-errors.js';
import type { PtpBulkIn } from './ptp-bulk-in.js';

/** The transaction a data phase belongs to, as the session lends it. */
export interface PtpOpenTransaction {
  readonly operation: number;
  readonly transactionId: number;
  /** Reads the response container, ends the transaction and frees the session. */
  complete(signal: AbortSignal): Promise<number[]>;
  /** Gives the transaction up mid-way: the session cancels it on the device before the next one. */
  abandon(): void;
}

/**
 * A data phase read straight into the caller's buffers — for objects too
 * large to hold in memory. Every read takes its own signal and passes it to
 * the USB transfer; an aborted or failed read gives the transaction up (the
 * session then runs the cancel procedure). The response is read with the last
 * bytes, so `read` resolving 0 means the transaction succeeded.
 */
export class PtpDataInStream {
  /** Payload bytes the container announces; `undefined` for over 4 GiB (read to the end of the transfer). */
  readonly payloadLength: number | undefined;
  private received = 0;
  private transferEnded: boolean;
  private state: 'reading' | 'complete' | 'abandoned' = 'reading';
  private response: number[] = [];

  constructor(
    private readonly pipe: PtpBulkIn,
    header: PtpContainerHeader,
    headerEndedTransfer: boolean,
    private readonly transaction: PtpOpenTransaction,
  ) {
    this.payloadLength = header.length === PTP_LENGTH_UNKNOWN ? undefined : header.length - PTP_HEADER_SIZE;
    this.transferEnded = headerEndedTransfer;
  }

  /** Bytes delivered so far. */
  get bytesRead(): number {
    return this.received;
  }

  /** The response parameters, once the stream is complete. */
  get responseParams(): readonly number[] {
    return this.response;
  }

  /** Reads payload into `into`; resolves 0 at the end (after the response said OK). */
  async read(into: Uint8Array, signal: AbortSignal): Promise<number> {
    if (this.state === 'complete') return 0;
    if (this.state === 'abandoned') throw new PtpProtocolError('transaction', 'the data phase was given up');
    try {
      const n = this.atEnd() ? 0 : await this.readPayload(into, signal);
      if (this.atEnd()) await this.finish(signal);
      return n;
    } catch (err) {
      this.close();
      throw err;
    }
  }

  /** Ends the stream; unfinished, it gives the transaction up. Idempotent. */
  close(): void {
    if (this.state !== 'reading') return;
    this.state = 'abandoned';
    this.transaction.abandon();
  }

  private atEnd(): boolean {
    return this.payloadLength === undefined ? this.transferEnded : this.received >= this.payloadLength;
  }

  private async readPayload(into: Uint8Array, signal: AbortSignal): Promise<number> {
    if (into.length === 0) return 0;
    if (this.transferEnded) {
      throw new PtpProtocolError('truncated', `the data phase ended after ${this.received} of ${this.payloadLength} bytes`);
    }
    const left = this.payloadLength === undefined ? Infinity : this.payloadLength - this.received;
    const max = Math.min(into.length, left);
    const chunk = await this.pipe.read(max, signal, max === left);
    into.set(chunk.bytes);
    this.received += chunk.bytes.length;
    this.transferEnded = chunk.endOfTransfer;
    if (this.payloadLength !== undefined && !this.atEnd() && this.transferEnded) {
      throw new PtpProtocolError('truncated', `the data phase ended after ${this.received} of ${this.payloadLength} bytes`);
    }
    return chunk.bytes.length;
  }

  private async finish(signal: AbortSignal): Promise<void> {
    this.response = await this.transaction.complete(signal);
    this.state = 'complete';
  }
}
