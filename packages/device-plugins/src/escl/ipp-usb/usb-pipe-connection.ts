import { Duplex } from 'node:stream';
import { UsbTransferAbortedError, WIA_ERROR_DEVICE_COMMUNICATION, WiaError, type UsbTransport } from '@openwia/core';

/** The bulk endpoint pair of one IPP-USB interface: one HTTP/1.1 connection. */
export interface BulkPipePair {
  interfaceNumber: number;
  /** Bulk IN endpoint address (0x80 bit set). */
  inEndpoint: number;
  /** Bulk OUT endpoint address. */
  outEndpoint: number;
  maxPacketSize: number;
}

/** Options of {@link UsbPipeConnection}. */
export interface UsbPipeConnectionOptions {
  /** Bytes asked for per bulk IN transfer (rounded up to a multiple of the packet size); default 32 KiB. */
  readSize?: number;
}

const DEFAULT_READ_SIZE = 32 * 1024;

/** The bulk IN transfer in flight; `held` once {@link UsbPipeConnection.hold} aborted it. */
interface PendingRead {
  abort: AbortController;
  settled: Promise<void>;
  held: boolean;
}

/**
 * A byte stream over a pair of bulk pipes, shaped like a socket so that
 * Node's own `http` client runs on it (`createConnection`). Writes become
 * `transferOut`; a read loop issues one `transferIn` at a time while the
 * stream wants data.
 *
 * IPP-USB has no "close connection": bytes the host does not read stay queued
 * on the device. So besides `destroy()` (which aborts the transfer in flight
 * and leaves the pipe dirty) the connection can be {@link hold}: the USB read
 * in flight is aborted at once, what had arrived is kept in the stream, and
 * {@link release} later resumes reading so that the HTTP layer can consume
 * the rest of the response and the connection stays usable.
 */
export class UsbPipeConnection extends Duplex {
  /** The transport error that broke the connection, when one did. */
  failure: WiaError | undefined;
  private readonly lifetime = new AbortController();
  private readonly readSize: number;
  private inFlight: PendingRead | undefined;
  private wantsData = false;
  private held = false;

  constructor(
    private readonly transport: UsbTransport,
    /** The pipes this connection runs on. */
    readonly pipes: BulkPipePair,
    options: UsbPipeConnectionOptions = {},
  ) {
    super({ allowHalfOpen: false });
    // A failure is kept in `failure` and reported by the exchange that meets it; when no request is
    // attached (a free or held connection when the device vanishes) the error must not go uncaught.
    this.on('error', () => undefined);
    const packet = Math.max(1, pipes.maxPacketSize);
    this.readSize = Math.ceil((options.readSize ?? DEFAULT_READ_SIZE) / packet) * packet;
  }

  /** `true` while {@link hold} keeps the read loop stopped. */
  get isHeld(): boolean {
    return this.held;
  }

  /** Stops reading: aborts the bulk IN transfer in flight and resolves once it has settled. */
  async hold(): Promise<void> {
    this.held = true;
    const read = this.inFlight;
    if (!read) return;
    read.held = true;
    read.abort.abort();
    await read.settled;
  }

  /** Resumes the read loop after {@link hold}. */
  release(): void {
    this.held = false;
    this.pump();
  }

  override _read(): void {
    this.wantsData = true;
    this.pump();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    // An empty write (the http client's end-of-request marker) carries nothing on a byte stream.
    if (chunk.length === 0) return callback();
    this.transport.transferOut(this.pipes.outEndpoint, chunk, { signal: this.lifetime.signal }).then(
      () => callback(),
      (err: unknown) => callback(this.noteFailure(err, 'write')),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.lifetime.abort();
    this.inFlight?.abort.abort();
    callback(error);
  }

  // The http client and agent treat their connection as a net.Socket; over USB these have nothing to do.
  setKeepAlive(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setTimeout(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }

  /** Starts one bulk IN transfer when the stream wants data and none is in flight. */
  private pump(): void {
    if (this.inFlight || this.held || !this.wantsData || this.destroyed) return;
    // The read's own signal, aborted by hold() or by destroy(): not AbortSignal.any() with the connection's
    // lifetime, which on Node 20 adds a WeakRef to the lifetime signal for every read and never drops it.
    const abort = new AbortController();
    const read: PendingRead = { abort, settled: Promise.resolve(), held: false };
    read.settled = this.transport.transferIn(this.pipes.inEndpoint, this.readSize, { signal: abort.signal }).then(
      (data) => this.afterRead(data),
      (err: unknown) => this.afterReadError(err, read),
    );
    this.inFlight = read;
  }

  private afterRead(data: Uint8Array): void {
    this.inFlight = undefined;
    if (this.destroyed) return;
    this.deliver(data);
    this.pump();
  }

  private afterReadError(err: unknown, read: PendingRead): void {
    this.inFlight = undefined;
    if (this.destroyed) return;
    // Whether the read was aborted by hold() is the read's own fact: over real USB the abort settles a round
    // trip later, and the connection may have been released (and be reading again) by then.
    if (err instanceof UsbTransferAbortedError && read.held) {
      // Bytes of an aborted transfer are part of the HTTP stream: keep them.
      this.deliver(err.partialData);
      this.pump();
      return;
    }
    this.destroy(this.noteFailure(err, 'read'));
  }

  private deliver(data: Uint8Array): void {
    if (data.length === 0) return; // a zero-length packet ends a transfer, not the stream
    this.wantsData = false;
    if (this.push(Buffer.from(data.buffer, data.byteOffset, data.length))) this.wantsData = true;
  }

  private noteFailure(err: unknown, what: string): WiaError {
    const failure = WiaError.from(err, WIA_ERROR_DEVICE_COMMUNICATION, `IPP-USB ${what} on interface ${this.pipes.interfaceNumber}`);
    this.failure ??= failure;
    return failure;
  }
}
