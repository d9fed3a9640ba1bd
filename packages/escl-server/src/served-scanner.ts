import type { IncomingMessage, ServerResponse } from 'node:http';
import createDebug from 'debug';
import { E_INVALIDARG, WIA_ERROR_BUSY, WiaError, WIA_IPA_FORMAT, type WiaDevice } from '@openwia/core';
import { capabilitiesXml, parseScanSettings, statusXml, type ScannerIdentity } from './escl-documents.js';
import { readBoundedBody, sendStatus, sendXml } from './http-replies.js';
import { copyPage, pageHasBytes } from './page-response.js';
import { refusalOf, ServedJob, type JobEnding } from './served-job.js';
import { mimeOfFormat, propertyWritesFor, sourcesOf, type RequestedScan, type SourceCapabilities } from './source-capabilities.js';

const debug = createDebug('openwia:escl-server');

/** Options of a {@link ServedScanner}. */
export interface ServedScannerOptions {
  /** The id the user knows the device by. */
  id: string;
  /** Resource path of this scanner, e.g. `/eSCL` or `/sim-scanner/eSCL` (no trailing slash). */
  basePath: string;
  identity: ScannerIdentity;
  /** Jobs kept in `ScannerStatus` (default 16). */
  historyLength?: number;
  /** A job whose pages nobody asks for is cancelled after this long (default 60 s). */
  abandonedJobMs?: number;
}

/** Events a test or benchmark may watch. */
export interface ServedScannerObserver {
  jobCancelled?(uuid: string, why: 'delete' | 'disconnect' | 'abandoned'): void;
  /** A job's transfer settled: its final eSCL state and the pages the device scanned (clients may still be reading them). */
  jobSettled?(uuid: string, ending: JobEnding): void;
}

const JOB_PATH = /^\/ScanJobs\/([0-9a-f-]{36})(\/NextDocument|\/ScanImageInfo)?$/;

/**
 * One device served as an eSCL scanner. It uses the app API only: the
 * device's items and properties for the capabilities, `writeProperties` for
 * the scan settings, `acquire` for the job. One job at a time; a second one
 * gets `503` with `Retry-After`.
 */
export class ServedScanner {
  private current: ServedJob | undefined;
  private readonly history: ServedJob[] = [];
  private readonly served = new Map<ServedJob, { mime: string; base: string }>();
  private adfState: string | undefined;
  /** Jobs their client deleted. */
  private readonly deleted = new WeakSet<ServedJob>();
  /** NextDocument requests in progress per job. */
  private readonly readers = new WeakMap<ServedJob, number>();
  observer: ServedScannerObserver = {};
  private servedDevice: WiaDevice;
  /** `false` from {@link detach} until {@link attach}: the device is unplugged. */
  private online = true;
  /** The sources the device had when last asked, still described to clients while it is unplugged. */
  private knownSources: SourceCapabilities[] | undefined;

  constructor(
    device: WiaDevice,
    readonly options: ServedScannerOptions,
  ) {
    this.servedDevice = device;
  }

  /** The device served (while unplugged, the one served last). */
  get device(): WiaDevice {
    return this.servedDevice;
  }

  /** `true` unless the device is unplugged ({@link detach}) and not plugged back in yet. */
  get attached(): boolean {
    return this.online;
  }

  /**
   * The device was unplugged: until {@link attach}, `ScannerStatus` says `Stopped` and new jobs get `503`; the
   * running job ends by itself (its transfer fails with `WIA_ERROR_OFFLINE`). The URL and identity stay, so a
   * client configured with them scans again once the device is back.
   */
  detach(): void {
    this.online = false;
  }

  /** The device is back (a fresh session of it, e.g. plugged into the same port): served under the same URL. */
  attach(device: WiaDevice): void {
    this.servedDevice = device;
    this.online = true;
    this.adfState = undefined;
  }

  /**
   * The device's eSCL sources right now; while it is unplugged, as it last had them (its session is closed by
   * then, and a client that asks still gets the scanner it knows).
   */
  sources(): SourceCapabilities[] {
    try {
      if (this.online || !this.knownSources) this.knownSources = sourcesOf(this.device);
    } catch (err) {
      // Unplugged a moment ago: the session is closed before the server hears of it.
      if (!this.knownSources) throw err;
    }
    return this.knownSources;
  }

  /** The job that runs now, if any. */
  get activeJob(): ServedJob | undefined {
    return this.current?.isActive ? this.current : undefined;
  }

  /** Answers one request whose path is below {@link ServedScannerOptions.basePath}. */
  async handle(req: IncomingMessage, res: ServerResponse, subPath: string, base = this.options.basePath): Promise<void> {
    const method = req.method ?? 'GET';
    if (subPath === '/ScannerCapabilities' && method === 'GET') return sendXml(res, 200, capabilitiesXml(this.options.identity, this.sources()));
    if (subPath === '/ScannerStatus' && method === 'GET') return sendXml(res, 200, this.statusDocument());
    if (subPath === '/ScanJobs' && method === 'POST') return this.createJob(req, res, base);
    const match = JOB_PATH.exec(subPath);
    const job = match ? this.history.find((j) => j.uuid === match[1]) : undefined;
    if (match && !job) return sendStatus(res, 404);
    // The device's page dimensions are not known to the server before the client decodes the page: no ScanImageInfo (404, as most scanners).
    if (job && match?.[2] === '/ScanImageInfo' && method === 'GET') return sendStatus(res, 404);
    if (job && match?.[2] && method === 'GET') return this.nextDocument(job, req, res);
    if (job && !match?.[2] && method === 'DELETE') {
      this.deleted.add(job);
      this.cancel(job, 'delete');
      await job.settled;
      return sendStatus(res, 200);
    }
    return sendStatus(res, subPath.startsWith('/ScanJobs') || subPath.startsWith('/Scanner') ? 405 : 404);
  }

  /** Cancels the running job, if any, and waits for it to settle. */
  async stop(): Promise<void> {
    const job = this.activeJob;
    if (!job) return;
    job.cancel();
    await job.settled;
  }

  private statusDocument(): string {
    const now = Date.now();
    const hasFeeder = this.sources().some((s) => s.source === 'Feeder');
    const jobs = [...this.history].reverse().map((j) => ({
      uri: this.jobUri(j),
      uuid: j.uuid,
      ageSeconds: Math.floor((now - j.createdAt) / 1000),
      imagesCompleted: j.pagesDelivered,
      state: j.state,
      reason: j.reason,
    }));
    const adf = hasFeeder ? (this.adfState ?? 'ScannerAdfLoaded') : undefined;
    return statusXml(!this.online ? 'Stopped' : this.activeJob ? 'Processing' : 'Idle', adf, jobs);
  }

  private jobUri(job: ServedJob): string {
    return `${this.served.get(job)?.base ?? this.options.basePath}/ScanJobs/${job.uuid}`;
  }

  private async createJob(req: IncomingMessage, res: ServerResponse, base: string): Promise<void> {
    const body = await readBoundedBody(req);
    if (body === undefined) return sendStatus(res, 413);
    if (!this.online) return sendStatus(res, 503, { 'Retry-After': '5' }, `${this.options.id} is unplugged`);
    if (this.activeJob || this.device.busy) return sendStatus(res, 503, { 'Retry-After': '2' });
    let scan: RequestedScan;
    try {
      scan = parseScanSettings(body);
    } catch (err) {
      return sendStatus(res, 400, {}, WiaError.from(err).message);
    }
    let job: ServedJob;
    try {
      const caps = this.sources().find((s) => s.source === scan.inputSource);
      if (!caps) throw new WiaError(E_INVALIDARG, `this scanner has no ${scan.inputSource}`);
      for (const writes of propertyWritesFor(caps, scan)) await this.device.writeProperties(caps.item, writes);
      job = new ServedJob(this.device, caps.item, scan.imagesToTransfer);
      this.served.set(job, { mime: mimeOfFormat(caps.item.properties.value(WIA_IPA_FORMAT)) ?? 'application/octet-stream', base });
    } catch (err) {
      const error = WiaError.from(err);
      debug('ScanJobs refused: %s', error.message);
      if (error.hresult === WIA_ERROR_BUSY) return sendStatus(res, 503, { 'Retry-After': '2' });
      return sendStatus(res, error.hresult === E_INVALIDARG ? 409 : 500, {}, error.message);
    }
    this.remember(job);
    void job.settled.then((ending) => {
      // A jam or open cover mid-job shows in AdfState, as a real scanner's status would.
      const adfState = refusalOf(ending.error).adfState;
      if (adfState) this.adfState = adfState;
      this.observer.jobSettled?.(job.uuid, ending);
    });
    const refused = await job.started();
    if (refused) {
      const refusal = refusalOf(refused.error);
      if (refusal.adfState) this.adfState = refusal.adfState;
      return sendStatus(res, refusal.status, refusal.retryAfter ? { 'Retry-After': String(refusal.retryAfter) } : {}, refused.error?.message);
    }
    this.adfState = undefined;
    this.watchAbandonment(job);
    res.writeHead(201, { Location: this.jobUri(job), 'Content-Length': '0' }).end();
  }

  private async nextDocument(job: ServedJob, req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.readers.set(job, (this.readers.get(job) ?? 0) + 1);
    try {
      await this.streamNextPage(job, req, res);
    } finally {
      this.readers.set(job, (this.readers.get(job) ?? 1) - 1);
    }
  }

  private async streamNextPage(job: ServedJob, _req: IncomingMessage, res: ServerResponse): Promise<void> {
    const gone = new AbortController();
    const onClose = (): void => gone.abort();
    res.once('close', onClose);
    const page = await job.nextPage(gone.signal);
    // No next page, or one cut short before its first byte: the job is over (or ending). No broken connection.
    if (!page || !(await pageHasBytes(page.stream, gone.signal))) {
      res.off('close', onClose);
      if (!gone.signal.aborted) await this.answerNoMorePages(job, res);
      return;
    }
    res.off('close', onClose);
    res.writeHead(200, { 'Content-Type': this.served.get(job)?.mime ?? 'application/octet-stream', 'Content-Location': `${this.jobUri(job)}/${page.number}` });
    const outcome = await copyPage(page.stream, res);
    if (outcome === 'complete') {
      job.pageDelivered();
      this.watchAbandonment(job);
    } else if (outcome === 'client-gone') {
      this.cancel(job, 'disconnect');
    } else if (this.deleted.has(job)) {
      // The client deleted the job itself: end the page it no longer wants instead of breaking its connection.
      res.end();
    } else {
      // The transfer failed mid-page: a broken connection tells the client the page is incomplete.
      res.destroy();
    }
  }

  /**
   * `404` when the job completed or was cancelled: no more documents. A job that failed after it started (the
   * device unplugged, a jam, a communication error) gets `500` with the reason instead: `404` would tell the client
   * its feed ended normally — sane-airscan reads `404` on `NextDocument` as "out of documents" unless `AdfState`
   * says otherwise, and an unplugged scanner has no `AdfState` to say it — so the pages still in the feeder would be
   * lost without a word. Waits for the job to settle (the transfer engine bounds that) to know which.
   */
  private async answerNoMorePages(job: ServedJob, res: ServerResponse): Promise<void> {
    const ending = await job.settled;
    if (ending.state === 'Aborted') sendStatus(res, 500, {}, `the scan job failed after ${ending.pagesScanned} page(s): ${ending.error?.message ?? ending.reason}`);
    else sendStatus(res, 404);
  }

  private cancel(job: ServedJob, why: 'delete' | 'disconnect' | 'abandoned'): void {
    if (!job.isActive) return;
    debug('job %s cancelled (%s)', job.uuid, why);
    this.observer.jobCancelled?.(job.uuid, why);
    job.cancel();
  }

  /**
   * Cancels a job whose next page nobody asks for in time (a client that
   * vanished between pages). A client reading a page, however slowly, is not
   * abandoning it; one that stops reading is cut off by the socket idle timeout.
   */
  private watchAbandonment(job: ServedJob): void {
    const delivered = job.pagesDelivered;
    const timer = setTimeout(() => {
      if (job.pagesDelivered === delivered && !this.readers.get(job)) this.cancel(job, 'abandoned');
      else if (job.isActive && job.pagesDelivered === delivered) this.watchAbandonment(job);
    }, this.options.abandonedJobMs ?? 60_000);
    timer.unref();
    void job.settled.then(() => clearTimeout(timer));
  }

  private remember(job: ServedJob): void {
    this.current = job;
    this.history.push(job);
    while (this.history.length > (this.options.historyLength ?? 16)) {
      const old = this.history.shift()!;
      this.served.delete(old);
    }
  }
}
