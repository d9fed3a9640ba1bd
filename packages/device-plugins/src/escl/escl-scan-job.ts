import { WiaError, delay, linkSignals, type ItemReader } from '@openwia/core';
import type { EsclClient } from './escl-client.js';
import type { HttpExchange } from './ipp-usb/http-exchange.js';
import type { EsclHttpClient } from './network/escl-http-client.js';
import type { EsclScanSettings } from './xml/scan-settings.js';
import type { EsclJobInfo } from './xml/status.js';
import type { EsclImageInfo } from './xml/image-info.js';
import { EsclXmlError } from './xml/safe-xml.js';

/** Bounds of the clean-up after a cancel or a failure: they must not hold up the transfer's settling. */
const CLEANUP_DEADLINE_MS = 1500;
const IDLE_POLL_DELAY_MS = 10;

/** Runs `work` with a signal that aborts after `ms`, or when `outer` aborts (the timer is cleared afterwards). */
async function withDeadline<T>(ms: number, work: (signal: AbortSignal) => Promise<T>, outer?: AbortSignal): Promise<T> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), ms);
  const linked = linkSignals(outer ? [deadline.signal, outer] : [deadline.signal]);
  try {
    return await work(linked.signal);
  } finally {
    clearTimeout(timer);
    linked.unlink();
  }
}

/**
 * One eSCL scan job as a state machine: `created → scanning → (completed |
 * cancelled)`. Pages are read straight from the `NextDocument` response.
 * {@link cancel} is idempotent: it stops the read in flight, deletes the
 * job and drains the interrupted response. A scanner may stay busy for a
 * moment after a `DELETE` (its carriage returns); waiting for that is the next
 * job's business, not the cancel's ({@link untilIdle}): a cancelled transfer
 * settles as soon as the scanner was told to stop, and a session that ends
 * there (Ctrl-C) polls nothing more.
 */
export class EsclScanJob {
  /** The job's path on the scanner once created. */
  uri: string | undefined;
  private state: 'new' | 'scanning' | 'completed' | 'stopped' = 'new';
  private document: HttpExchange | undefined;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly escl: EsclClient,
    private readonly http: EsclHttpClient,
    private readonly settings: EsclScanSettings,
  ) {}

  get completed(): boolean {
    return this.state === 'completed';
  }

  /** `POST /eSCL/ScanJobs`. */
  async start(signal: AbortSignal): Promise<void> {
    this.uri = await this.escl.createJob(this.settings, signal);
    this.state = 'scanning';
  }

  /** The next page's response, or `undefined` when the job has no more pages (`404`). */
  async nextDocument(signal: AbortSignal): Promise<HttpExchange | undefined> {
    const document = await this.escl.nextDocument(this.uri!, signal);
    this.document = document;
    if (!document) this.state = 'completed';
    return document;
  }

  /** Reads a page from its `NextDocument` response. */
  pageReader(document: HttpExchange): ItemReader {
    const length = Number(document.message?.headers['content-length'] ?? NaN);
    return {
      ...(Number.isInteger(length) && length > 0 ? { size: length } : {}),
      read: (buffer, signal) => document.read(buffer, signal),
      close: async () => undefined,
    };
  }

  /**
   * The scanner's `ScanImageInfo` for the page just read, or `undefined` when
   * it offers none or sends one that cannot be read: the page itself is
   * already delivered, so missing details never fail the transfer.
   */
  async imageInfo(signal: AbortSignal): Promise<EsclImageInfo | undefined> {
    return this.escl.imageInfo(this.uri!, signal).catch((err: unknown) => {
      if (err instanceof EsclXmlError) return undefined;
      throw err;
    });
  }

  /**
   * After the pages asked for with `ImagesToTransfer`: when the scanner
   * reports the job completed, it is left alone (no `DELETE`, nothing to
   * drain); otherwise {@link cancel} stops it as before.
   */
  async settleAfterLastPage(signal: AbortSignal): Promise<void> {
    const { job } = await this.info(signal);
    if (job?.state === 'Completed') this.state = 'completed';
  }

  /** What the scanner says about this job, when it lists it. */
  async info(signal: AbortSignal): Promise<{ job: EsclJobInfo | undefined; adfState: string | undefined }> {
    const status = await this.escl.status(signal);
    return { job: status.jobs.find((j) => j.uri === this.uri), adfState: status.adfState };
  }

  /** Stops the job unless it completed: cancel in flight, DELETE, drain. Never throws. */
  cancel(): Promise<void> {
    if (this.state === 'completed' && !this.http.needsRecovery) return Promise.resolve();
    this.stopping ??= this.stop().catch(() => undefined);
    return this.stopping;
  }

  /**
   * After {@link cancel}: resolves once the scanner no longer reports
   * `Processing` (polled, within the clean-up deadline), or at once when the
   * job was not stopped. A cancel whose clean-up ran out of time (a loaded
   * bus, a device slow to take the `DELETE`) left the job running, and the
   * scanner would refuse every next job as busy: that clean-up is finished
   * here first. Never throws; `signal` ends the wait early.
   */
  async untilIdle(signal: AbortSignal): Promise<void> {
    if (this.stopping && this.state !== 'stopped' && this.state !== 'completed') {
      this.stopping = this.stop(signal).catch(() => undefined);
      await this.stopping;
    }
    if (this.state !== 'stopped') return;
    await withDeadline(CLEANUP_DEADLINE_MS, (deadline) => this.waitForIdle(deadline), signal).catch(() => undefined);
  }

  /** Interrupts the page in flight, deletes the job and drains; bounded by the clean-up deadline (and `outer`). Sets `stopped` once done. */
  private async stop(outer?: AbortSignal): Promise<void> {
    this.document?.interrupt();
    const alone = this.http.agent.maxSockets < 2;
    // With one interface the DELETE would queue behind the held response: drain first.
    if (alone) await this.http.recover();
    await withDeadline(CLEANUP_DEADLINE_MS, async (signal) => {
      const uri = this.uri ?? (await this.findOwnJob(signal));
      if (uri && this.state !== 'completed') await this.deleteJob(uri, signal);
      await this.http.recover();
      this.state = 'stopped';
    }, outer);
  }

  /**
   * `DELETE`s the job. A request that got no interface (the interrupted page
   * still holds one while it drains, under load for a while) is sent again
   * once the interrupted exchanges are drained. A second failure — or the
   * deadline — leaves the job running: {@link stop} then fails, and the next
   * job's {@link untilIdle} tries again rather than meet a scanner busy with it.
   */
  private async deleteJob(uri: string, signal: AbortSignal): Promise<void> {
    try {
      await this.escl.deleteJob(uri, signal);
    } catch (err) {
      if (signal.aborted) throw err;
      await this.http.recover();
      await this.escl.deleteJob(uri, signal);
    }
  }

  /** A cancel during `POST` leaves a job whose Location never arrived: find it in the status. */
  private async findOwnJob(signal: AbortSignal): Promise<string | undefined> {
    await this.http.recover();
    const status = await this.escl.status(signal);
    return status.jobs.find((j) => j.state === 'Pending' || j.state === 'Processing')?.uri;
  }

  /**
   * Polls until the scanner no longer reports `Processing`, for as long as `signal` (the clean-up deadline)
   * allows — a bound in time, not in polls: 20 polls ran out after ~0.4 s over the real USB stack, before a
   * scanner that takes 0.48 s to stop had stopped, and the next job met `503` (1 run in 3, `npm run test:usb`).
   */
  private async waitForIdle(signal: AbortSignal): Promise<void> {
    for (;;) {
      const status = await this.escl.status(signal).catch((err: unknown) => {
        if (err instanceof WiaError) return undefined;
        throw err;
      });
      if (!status || status.state !== 'Processing') return;
      await delay(IDLE_POLL_DELAY_MS, signal);
    }
  }
}
