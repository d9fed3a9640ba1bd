import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import {
  WIA_ERROR_BUSY,
  WIA_ERROR_COVER_OPEN,
  WIA_ERROR_PAPER_EMPTY,
  WIA_ERROR_PAPER_JAM,
  WIA_STATUS_END_OF_MEDIA,
  WiaError,
  type AcquireResult,
  type WiaDevice,
  type WiaDrvItem,
} from '@openwia/core';
import type { EsclJobState } from './escl-documents.js';

/** Bytes a page may hold between the device read and the client socket before the device read waits. */
export const PAGE_BUFFER_BYTES = 256 * 1024;

/** One page as the device delivers it: read `stream` to let the device go on. */
export interface ServedPage {
  /** 1-based page number within the job. */
  number: number;
  stream: PassThrough;
}

/** How a job ended, for the status document and the HTTP answer to `POST ScanJobs`. */
export interface JobEnding {
  state: EsclJobState;
  reason: string;
  /** Pages the device delivered whole to the server. */
  pagesScanned: number;
  error?: WiaError;
}

function endingOf(result: AcquireResult | undefined, error: unknown): Omit<JobEnding, 'pagesScanned'> {
  if (error) {
    if (error instanceof Error && error.name === 'AbortError') return { state: 'Canceled', reason: 'JobCanceledByUser' };
    const wiaError = WiaError.from(error);
    return { state: 'Aborted', reason: 'AbortedBySystem', error: wiaError };
  }
  if (!result) return { state: 'Aborted', reason: 'AbortedBySystem' };
  // A feeder that reports end of media before its first page was empty.
  if (result.items.length === 0 && result.hresult === WIA_STATUS_END_OF_MEDIA) {
    return { state: 'Aborted', reason: 'AbortedBySystem', error: new WiaError(WIA_ERROR_PAPER_EMPTY, 'the feeder is empty') };
  }
  switch (result.outcome) {
    case 'completed':
    case 'completed-partial':
      return { state: 'Completed', reason: 'JobCompletedSuccessfully' };
    case 'cancelled':
      return { state: 'Canceled', reason: 'JobCanceledByUser' };
    case 'no-media':
      return { state: 'Aborted', reason: 'AbortedBySystem', error: result.error ?? new WiaError(WIA_ERROR_PAPER_EMPTY, 'the feeder is empty') };
    default:
      return { state: 'Aborted', reason: 'AbortedBySystem', ...(result.error ? { error: result.error } : {}) };
  }
}

/**
 * One eSCL scan job: a transfer started through the app API
 * (`WiaDevice.acquire` with a destination per page). Each page is a bounded
 * pass-through stream, so a client that reads slowly makes the device read
 * wait (backpressure), and no whole page is held in memory. Cancelling goes
 * through the transfer's `AbortSignal`, i.e. `IWiaTransfer::Cancel()`.
 */
export class ServedJob {
  /** Unguessable: 122 random bits. */
  readonly uuid = randomUUID();
  readonly createdAt = Date.now();
  /** Pages the client read whole (see {@link pageDelivered}). */
  pagesDelivered = 0;
  /** Set once {@link pageLimit} pages were delivered and the transfer was stopped for it. */
  private limitReached = false;
  private readonly abort = new AbortController();
  private readonly ready: ServedPage[] = [];
  private pagesStarted = 0;
  private waiters: Array<() => void> = [];
  private ending: JobEnding | undefined;
  /** Settles when the transfer has settled (never rejects). */
  readonly settled: Promise<JobEnding>;

  /**
   * @param pageLimit the pages the client asked for (`ImagesToTransfer`): a
   *   device that has no `WIA_IPS_PAGES` to honour it is stopped after them,
   *   and the job still counts as completed.
   */
  constructor(device: WiaDevice, item: WiaDrvItem, private readonly pageLimit?: number) {
    const running = device.acquire(item, {
      signal: this.abort.signal,
      destination: () => {
        const stream = new PassThrough({ highWaterMark: PAGE_BUFFER_BYTES / 2 });
        this.ready.push({ number: ++this.pagesStarted, stream });
        this.notify();
        return stream;
      },
    });
    const scanned = (result: AcquireResult | undefined): number => result?.items.filter((i) => i.status === 'transferred').length ?? 0;
    const completedIfLimited = (ending: Omit<JobEnding, 'pagesScanned'>): Omit<JobEnding, 'pagesScanned'> =>
      this.limitReached && ending.state === 'Canceled' ? { state: 'Completed', reason: 'JobCompletedSuccessfully' } : ending;
    this.settled = running.then(
      (result) => this.finish({ ...completedIfLimited(endingOf(result, undefined)), pagesScanned: scanned(result) }),
      (error: unknown) => this.finish({ ...completedIfLimited(endingOf(undefined, error)), pagesScanned: scanned((error as { result?: AcquireResult }).result) }),
    );
  }

  /** The job's eSCL state now. */
  get state(): EsclJobState {
    return this.ending?.state ?? (this.pagesStarted > 0 ? 'Processing' : 'Pending');
  }

  get reason(): string {
    return this.ending?.reason ?? 'JobScanning';
  }

  get isActive(): boolean {
    return this.ending === undefined;
  }

  /**
   * Waits until the first page starts or the job settles: a real scanner
   * answers `POST ScanJobs` once it knows whether it can scan.
   */
  async started(): Promise<JobEnding | undefined> {
    while (this.ready.length === 0 && !this.ending) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.ready.length > 0 ? undefined : this.ending;
  }

  /** The next page, waiting for the device; `undefined` once the job has no more. `signal` stops the wait only. */
  async nextPage(signal: AbortSignal): Promise<ServedPage | undefined> {
    for (;;) {
      if (this.limitReached) return undefined;
      const page = this.ready.shift();
      // A page the transfer cut short before anyone asked for it (the job was cancelled) is not offered.
      if (page && !page.stream.destroyed) return page;
      if (page) continue;
      if (this.ending || signal.aborted) return undefined;
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
    }
  }

  /** Counts a page the client read whole; the last one of {@link pageLimit} stops the transfer. */
  pageDelivered(): void {
    this.pagesDelivered++;
    if (this.pageLimit === undefined || this.pagesDelivered < this.pageLimit) return;
    // Pages the device scanned beyond the limit (it may have finished already) are not offered.
    this.limitReached = true;
    if (this.isActive) this.abort.abort();
  }

  /** Cancels the transfer through the contract; idempotent. */
  cancel(): void {
    this.abort.abort();
  }

  private finish(ending: JobEnding): JobEnding {
    this.ending = ending;
    this.notify();
    return ending;
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** HTTP status and `AdfState` for a job that could not start. */
export function refusalOf(error: WiaError | undefined): { status: number; adfState?: string; retryAfter?: number } {
  switch (error?.hresult) {
    case WIA_ERROR_PAPER_EMPTY:
      return { status: 409, adfState: 'ScannerAdfEmpty' };
    case WIA_ERROR_PAPER_JAM:
      return { status: 409, adfState: 'ScannerAdfJam' };
    case WIA_ERROR_COVER_OPEN:
      return { status: 409, adfState: 'ScannerAdfHatchOpen' };
    case WIA_ERROR_BUSY:
      return { status: 503, retryAfter: 2 };
    default:
      return { status: 500 };
  }
}
