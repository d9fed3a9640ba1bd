import type { ClientRequest, IncomingMessage } from 'node:http';
import { finished } from 'node:stream';
import { WIA_ERROR_DEVICE_COMMUNICATION, WiaError, abortError } from '@openwia/core';
import { UsbPipeConnection } from './usb-pipe-connection.js';

/**
 * Resolves once a destroyed connection has emitted `close` (at once when it is not destroyed). `finished`
 * rather than `closed`: a stream counts as closed as soon as it is destroyed, a tick before its `close`.
 */
function untilClosed(connection: UsbPipeConnection): Promise<void> {
  if (!connection.destroyed) return Promise.resolve();
  return new Promise((resolve) => finished(connection, () => resolve()));
}

/** Waits for one of `events` on `emitter`, or rejects when `signal` aborts. */
function nextEvent(emitter: IncomingMessage, events: readonly string[], signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortError(signal));
    const done = (): void => {
      for (const e of events) emitter.off(e, done);
      signal.removeEventListener('abort', onAbort);
      resolve();
    };
    const onAbort = (): void => {
      for (const e of events) emitter.off(e, done);
      reject(abortError(signal));
    };
    for (const e of events) emitter.on(e, done);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Default most bytes {@link HttpExchange.settle} discards before it closes the connection instead. */
export const DEFAULT_DRAIN_BUDGET_BYTES = 16 * 1024 * 1024;

/** Default {@link HttpExchange} idle timeout: a real scanner may think for a while before a page's first byte. */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/**
 * One HTTP request/response over an IPP-USB connection, abortable without
 * losing the connection: {@link interrupt} stops the USB read in flight (the
 * caller's wait ends at once) and {@link settle} later lets the HTTP layer
 * consume the rest of the response so the interface is clean again.
 */
export class HttpExchange {
  /** Resolves with the response head; rejects with a `WiaError` when the exchange fails. */
  readonly response: Promise<IncomingMessage>;
  private responseMessage: IncomingMessage | undefined;
  private ended = false;
  private failed = false;
  private interrupted = false;
  /** Resolves when the request has been written out completely (or failed). */
  private readonly requestDone: Promise<void>;

  /**
   * @param idleTimeoutMs longest wait for the device's next byte (head or body) before the exchange
   *   fails with `WIA_ERROR_DEVICE_COMMUNICATION` and its connection is closed: a reply that announced
   *   more than it sends (Content-Length, chunk size) must not hold a read forever.
   */
  constructor(
    readonly request: ClientRequest,
    private readonly idleTimeoutMs: number = DEFAULT_IDLE_TIMEOUT_MS,
  ) {
    // Node frees a keep-alive socket only once the request is finished as well as the response; over a
    // slow bus the device may answer before our last write completes, and a next request started in that
    // window would share the socket with the old one's clean-up.
    this.requestDone = new Promise<void>((resolve) => {
      if (request.writableFinished) return resolve();
      for (const event of ['finish', 'close', 'error']) request.once(event, () => resolve());
    });
    this.response = new Promise<IncomingMessage>((resolve, reject) => {
      request.once('response', (res: IncomingMessage) => {
        this.responseMessage = res;
        res.once('end', () => {
          this.ended = true;
          // The response ended while held (its last bytes were already in): Node now hands the connection
          // to the next request, so it must read again, or that request would wait on a stopped pipe.
          if (this.interrupted) this.connection?.release();
        });
        // A connection error during the body is reported by read(); keep the stream from throwing.
        res.on('error', () => undefined);
        resolve(res);
      });
      // `on`, not `once`: a request can fail twice (a write error, then "socket hang up" when its connection is
      // destroyed), and an 'error' with no listener left would be thrown from the event loop (seen over real USB).
      request.on('error', (err: unknown) => {
        this.failed = true;
        reject(this.describe(err));
      });
    });
    this.response.catch(() => undefined);
  }

  /** The connection the request went out on, once the agent assigned one. */
  get connection(): UsbPipeConnection | undefined {
    const socket = this.request.socket;
    return socket instanceof UsbPipeConnection ? socket : undefined;
  }

  /** The response head once it arrived. */
  get message(): IncomingMessage | undefined {
    return this.responseMessage;
  }

  /** `true` once the response body has been read to its end. */
  get complete(): boolean {
    return this.ended;
  }

  /** `true` when nothing more will happen on the wire: the body ended or the exchange failed. */
  get finished(): boolean {
    return this.ended || this.failed || this.request.destroyed && !this.responseMessage;
  }

  /** `true` after {@link interrupt}. */
  get wasInterrupted(): boolean {
    return this.interrupted;
  }

  /** Awaits the response head, abortably; an abort interrupts the exchange. */
  async head(signal: AbortSignal): Promise<IncomingMessage> {
    return this.abortable(this.response, signal);
  }

  /** Reads up to `buffer.length` bytes of the body; 0 at its end. An abort interrupts the exchange. */
  async read(buffer: Uint8Array, signal: AbortSignal): Promise<number> {
    const res = await this.head(signal);
    for (;;) {
      if (signal.aborted) throw abortError(signal);
      const chunk = res.read() as Buffer | null;
      if (chunk) {
        const n = Math.min(chunk.length, buffer.length);
        buffer.set(chunk.subarray(0, n));
        if (n < chunk.length) res.unshift(chunk.subarray(n));
        return n;
      }
      if (this.ended || res.readableEnded) {
        await this.abortable(this.requestDone, signal);
        // Let Node return the socket to the agent (it does so on the next tick) before a new request asks for one.
        await new Promise<void>((resolve) => setImmediate(resolve));
        return 0;
      }
      if (res.errored || !res.complete && res.destroyed) throw this.describe(res.errored ?? new Error('the response was cut short'));
      await this.abortable(nextEvent(res, ['readable', 'end', 'error', 'close'], signal), signal);
    }
  }

  /** Reads the whole body, refusing more than `limit` bytes. */
  async readAll(limit: number, signal: AbortSignal): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let total = 0;
    const buffer = Buffer.allocUnsafe(16 * 1024);
    for (;;) {
      const n = await this.read(buffer, signal);
      if (n === 0) return Buffer.concat(chunks, total);
      total += n;
      if (total > limit) {
        this.interrupt();
        throw new WiaError(WIA_ERROR_DEVICE_COMMUNICATION, `the device sent more than ${limit} bytes for ${this.request.method} ${this.request.path}`);
      }
      chunks.push(Buffer.from(buffer.subarray(0, n)));
    }
  }

  /**
   * Stops waiting: aborts the USB read in flight on this exchange's
   * connection (holding the connection), or drops the request when it has
   * not left yet.
   */
  interrupt(): void {
    if (this.interrupted || this.ended) return;
    this.interrupted = true;
    const connection = this.connection;
    if (connection) connection.hold().catch(() => undefined);
    else this.request.destroy();
  }

  /**
   * Brings the connection back to a clean state after an interrupt: resumes
   * reading and discards the rest of the response. Gives up — closes the
   * connection, whose interface is then retired — after `deadlineMs`, or as
   * soon as more than `budgetBytes` would have to be discarded (a device that
   * keeps sending a 4 GiB page after its job was deleted is not drained).
   */
  async settle(deadlineMs: number, budgetBytes: number = DEFAULT_DRAIN_BUDGET_BYTES): Promise<void> {
    if (this.ended) return;
    const connection = this.connection;
    if (!connection) return;
    if (connection.destroyed) return untilClosed(connection);
    const announced = Number(this.responseMessage?.headers['content-length'] ?? NaN);
    if (Number.isFinite(announced) && announced > budgetBytes) {
      connection.destroy();
      return untilClosed(connection);
    }
    let timer: NodeJS.Timeout | undefined;
    let discarded = 0;
    const drained = (async () => {
      connection.release();
      const res = await this.response;
      res.on('data', (chunk: Buffer) => {
        discarded += chunk.length;
        if (discarded > budgetBytes && !connection.destroyed) connection.destroy();
      });
      res.resume();
      if (!this.ended && !res.destroyed) await new Promise<void>((resolve) => {
        res.once('end', resolve);
        res.once('close', resolve);
      });
    })().catch(() => undefined);
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), deadlineMs)));
    const outcome = await Promise.race([drained, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout' && !this.ended) connection.destroy();
    // A connection given up on is retired as it closes: once settled, its interface is out of service.
    await untilClosed(connection);
  }

  /** Awaits `promise` unless `signal` aborts (the exchange is interrupted) or the device stays silent too long. */
  private async abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
    if (signal.aborted) {
      this.interrupt();
      throw abortError(signal);
    }
    let onAbort: (() => void) | undefined;
    // A ref'd timer on purpose: when the device is all that is pending, the process must wait for the verdict.
    let timer: NodeJS.Timeout | undefined;
    const aborted = new Promise<never>((_resolve, reject) => {
      onAbort = () => {
        this.interrupt();
        reject(abortError(signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      timer = setTimeout(() => reject(this.silenceFailure()), this.idleTimeoutMs);
    });
    try {
      return await Promise.race([promise, aborted]);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort!);
    }
  }

  /** The device went silent mid-exchange: the connection cannot be trusted again; close it and say why. */
  private silenceFailure(): WiaError {
    const what = this.responseMessage ? 'the rest of the response (it announced more than it sent)' : 'a response';
    const error = new WiaError(WIA_ERROR_DEVICE_COMMUNICATION, `${this.request.method} ${this.request.path}: the device sent nothing for ${this.idleTimeoutMs} ms while ${what} was due`);
    this.failed = true;
    const connection = this.connection;
    if (connection && !connection.destroyed) connection.destroy(error);
    else this.request.destroy();
    return error;
  }

  private describe(err: unknown): WiaError {
    const failure = this.connection?.failure;
    if (failure) return failure;
    if (err instanceof WiaError) return err;
    return WiaError.from(err, WIA_ERROR_DEVICE_COMMUNICATION, `${this.request.method} ${this.request.path}`);
  }
}
