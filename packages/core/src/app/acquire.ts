import { PassThrough, Writable, type Readable } from 'node:stream';
import { CancelledError, S_FALSE, S_OK, WIA_STATUS_SKIP_ITEM, WiaError, type HResult } from '../hresult/index.js';
import {
  WIA_TRANSFER_ACQUIRE_CHILDREN,
  WIA_TRANSFER_MSG_END_OF_STREAM,
  WIA_TRANSFER_MSG_STATUS,
  type WiaDrvItem,
  type WiaTransferParams,
} from '../minidriver/index.js';
import type { TransferItemStatus, TransferOutcome, TransferReport } from '../transfer/index.js';
import type { IWiaTransferCallback, WiaAppNextStream } from '../minidriver/index.js';
import type { WiaTransfer } from './wia-transfer.js';

/** An item as it starts arriving. */
export interface AcquireItemInfo {
  itemName: string;
  fullItemName: string;
  /** 0-based position in this acquisition. */
  index: number;
}

/** Progress of an acquisition. */
export interface AcquireProgress {
  item: AcquireItemInfo;
  /** Bytes of the current item so far. */
  itemBytes: number;
  /** The driver's estimate for the current item, 0–100. */
  itemPercent: number;
  /** Bytes of every item so far. */
  totalBytes: number;
}

/** Where an item's bytes go: a stream (ended by OpenWIA when the item is complete), or `'skip'`. */
export type AcquireDestination = Writable | 'skip';

/** Options of {@link acquire}. */
export interface AcquireOptions {
  /** Aborting it cancels the acquisition (`IWiaTransfer::Cancel`); the promise then rejects with an `AbortError`. */
  signal?: AbortSignal;
  onProgress?: (progress: AcquireProgress) => void;
  /**
   * Chooses each item's destination. Default: the bytes are collected in
   * memory and returned as `data`. OpenWIA ends a destination when its item
   * is complete, and destroys it when the item is cancelled or fails.
   */
  destination?: (item: AcquireItemInfo) => AcquireDestination | Promise<AcquireDestination>;
}

/** What happened to one item. */
export interface AcquiredItem {
  itemName: string;
  fullItemName: string;
  status: TransferItemStatus;
  bytes: number;
  /** The item's bytes, when no destination was given and it was transferred. */
  data?: Buffer;
  /** Why a failed item failed. */
  error?: WiaError;
}

/** The result of {@link acquire}. */
export interface AcquireResult {
  outcome: TransferOutcome;
  hresult: HResult;
  items: AcquiredItem[];
  /** Set when the outcome is `failed` or `no-media`. */
  error?: WiaError;
  /** The engine's full report (violations, CANCEL_IO, reset). */
  report: TransferReport;
}

/**
 * The one rejection of an acquisition cancelled through its `AbortSignal`,
 * whether the signal was aborted before the start (then `result` has no
 * items and the device was not touched) or during the transfer (`result`
 * keeps what had arrived). `name === 'AbortError'`; `cause` is the signal's reason.
 */
export class AcquireAbortedError extends CancelledError {
  constructor(
    readonly result: AcquireResult,
    options: { cause?: unknown; beforeStart?: boolean } = {},
  ) {
    super(options.beforeStart ? 'the acquisition was aborted before it started' : 'the acquisition was aborted', 'cause' in options ? { cause: options.cause } : {});
  }
}

/** The result of an acquisition aborted before it started: nothing was asked of the device. */
function notStartedResult(): AcquireResult {
  const report: TransferReport = { outcome: 'cancelled', hresult: S_FALSE, items: [], bytes: 0, cancelIoNotified: false, deviceNeedsReset: false, violations: [] };
  return { outcome: 'cancelled', hresult: S_FALSE, items: [], report };
}

/** Collects an item's bytes in memory. */
class MemorySink extends Writable {
  readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.chunks.push(chunk);
    done();
  }
}

interface OpenDestination {
  info: AcquireItemInfo;
  stream: Writable;
  memory: MemorySink | undefined;
}

/** The app callback behind {@link acquire}: destinations, progress, and ending each stream. */
class AcquireCallback implements IWiaTransferCallback {
  readonly opened: OpenDestination[] = [];
  private current: OpenDestination | undefined;
  private totalBefore = 0;

  constructor(private readonly options: AcquireOptions) {}

  async GetNextStream(_lFlags: number, itemName: string, fullItemName: string): Promise<WiaAppNextStream> {
    const info: AcquireItemInfo = { itemName, fullItemName, index: this.opened.length };
    const chosen = this.options.destination ? await this.options.destination(info) : undefined;
    if (chosen === 'skip') {
      this.opened.push({ info, stream: new MemorySink(), memory: undefined });
      this.current = undefined;
      return { hr: WIA_STATUS_SKIP_ITEM };
    }
    const memory = chosen ? undefined : new MemorySink();
    const open: OpenDestination = { info, stream: chosen ?? memory!, memory };
    this.opened.push(open);
    this.current = open;
    return { hr: S_OK, stream: open.stream };
  }

  /** Synchronous for progress (no promise per message); a promise only while an item's stream is ended. */
  TransferCallback(_lFlags: number, params: WiaTransferParams): HResult | Promise<HResult> {
    const open = this.current;
    if (!open) return S_OK;
    if (params.lMessage === WIA_TRANSFER_MSG_STATUS) {
      this.options.onProgress?.({
        item: open.info,
        itemBytes: params.ulTransferredBytes,
        itemPercent: params.lPercentComplete,
        totalBytes: this.totalBefore + params.ulTransferredBytes,
      });
    } else if (params.lMessage === WIA_TRANSFER_MSG_END_OF_STREAM) {
      this.totalBefore += params.ulTransferredBytes;
      this.current = undefined;
      return endStream(open.stream).then(() => S_OK);
    }
    return S_OK;
  }
}

/** Ends a destination and waits until it has flushed (a file is complete on disk). */
function endStream(stream: Writable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (stream.writableFinished) return resolve();
    stream.once('error', reject);
    stream.end(() => {
      stream.off('error', reject);
      resolve();
    });
  });
}

/**
 * Destroys the destination of an item cut short. The reason travels with it
 * only to a stream someone listens to for errors: an unheard 'error' event
 * would crash the app.
 */
function abandon(stream: Writable, error: WiaError | undefined): void {
  if (stream.writableEnded || stream.destroyed) return;
  const reason = error ?? new CancelledError('the transfer was cancelled');
  stream.destroy(stream.listenerCount('error') > 0 ? reason : undefined);
}

function toResult(report: TransferReport, callback: AcquireCallback): AcquireResult {
  const items = report.items.map((item, index): AcquiredItem => {
    const open = callback.opened[index];
    const result: AcquiredItem = { itemName: item.itemName, fullItemName: item.fullItemName, status: item.status, bytes: item.bytes };
    if (item.status === 'transferred' && open?.memory) result.data = Buffer.concat(open.memory.chunks);
    if (item.status === 'failed' && report.error) result.error = report.error;
    if ((item.status === 'cancelled' || item.status === 'failed') && open) abandon(open.stream, report.error);
    return result;
  });
  const result: AcquireResult = { outcome: report.outcome, hresult: report.hresult, items, report };
  if (report.error) result.error = report.error;
  return result;
}

/**
 * Acquires an item — a folder's children in one transfer, or one item — the
 * idiomatic way: an `AbortSignal` instead of `Cancel()`, a progress callback,
 * and a typed result per item. Resolves for every outcome but an abort
 * (failed transfers carry their `WiaError`); rejects with
 * {@link AcquireAbortedError} (`name === 'AbortError'`) when `signal` aborts,
 * before the start or during the transfer alike.
 */
export async function acquire(transfer: WiaTransfer, item: WiaDrvItem, options: AcquireOptions = {}): Promise<AcquireResult> {
  const { signal } = options;
  const callback = new AcquireCallback(options);
  const flags = item.isFolder ? WIA_TRANSFER_ACQUIRE_CHILDREN : 0;
  const onAbort = (): void => transfer.Cancel();
  if (signal?.aborted) throw new AcquireAbortedError(notStartedResult(), { cause: signal.reason, beforeStart: true });
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const report = await transfer.transfer('download', flags, callback);
    const result = toResult(report, callback);
    if (signal?.aborted && report.outcome === 'cancelled') throw new AcquireAbortedError(result, { cause: signal.reason });
    return result;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

const ignoreError = (): void => undefined;

/** One page (item) of {@link acquirePages}: read `stream` before asking for the next. */
export interface AcquiredPage extends AcquireItemInfo {
  stream: Readable;
}

/**
 * Acquires an item's pages as an async iterator of readable streams, with
 * back-pressure from the reader to the device. Leaving the loop early cancels
 * the transfer; a failure is thrown from the iterator after the pages that
 * did arrive.
 */
export async function* acquirePages(transfer: WiaTransfer, item: WiaDrvItem, options: { signal?: AbortSignal } = {}): AsyncGenerator<AcquiredPage, AcquireResult | undefined> {
  const ready: AcquiredPage[] = [];
  let wake: (() => void) | undefined;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };
  const running = acquire(transfer, item, {
    ...(options.signal ? { signal: options.signal } : {}),
    destination: (info) => {
      const stream = new PassThrough();
      // The page is read after this returns, maybe after the transfer failed: a listener now lets the failure be
      // kept in the stream (abandon destroys with the reason only a listened-to stream) for its reader to get.
      stream.on('error', ignoreError);
      ready.push({ ...info, stream });
      notify();
      return stream;
    },
  });
  let outcome: { result?: AcquireResult; error?: unknown } | undefined;
  running.then(
    (result) => {
      outcome = { result };
      notify();
    },
    (error: unknown) => {
      outcome = { error };
      notify();
    },
  );
  let finished = false;
  try {
    for (;;) {
      const page = ready.shift();
      if (page) {
        yield page;
        continue;
      }
      if (outcome) break;
      await new Promise<void>((resolve) => (wake = resolve));
    }
    finished = true;
  } finally {
    if (!finished) {
      transfer.Cancel();
      await running.catch(() => undefined);
    }
  }
  const failure = outcome?.error ?? outcome?.result?.error;
  if (failure) throw failure;
  return outcome?.result;
}
