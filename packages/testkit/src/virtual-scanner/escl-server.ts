import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ChildProcessPageRenderer } from './child-process-renderer.js';
import { PageCache } from './page-cache.js';
import type { PageRenderSpec, VirtualPageFormat } from './page-renderer.js';
import { imageInfoOf, imageInfoXml, type VirtualImageInfo } from './scan-image-info.js';
import { DEFAULT_INTENTS, ScanSettingsError, capabilitiesXml, isAutoColorMode, parseScanSettings, statusXml, type VirtualInputCaps } from './scanner-xml.js';
import type { VirtualScanJob, VirtualScannerControl } from './scanner-state.js';

/** What the eSCL server serves. */
export interface EsclServerConfig {
  model: string;
  serial: string;
  caps: VirtualInputCaps;
  feeder: { duplex: boolean; capacity: number } | undefined;
  /** Bytes per response chunk while a page streams (default 16 KiB). */
  chunkSize: number;
  jpegQuality: number;
}

const MAX_REQUEST_BODY = 64 * 1024;
const JOB_PATH = /^\/eSCL\/ScanJobs\/(\d+)(\/NextDocument|\/ScanImageInfo)?\/?$/;

/** Resolves after `ms`, or when `signal` aborts (then with `false`); the timer never outlives either. */
function delay(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Writes `chunk`, waiting for the host to take it; `false` when `signal` aborted first. */
function writeOrStop(res: ServerResponse, chunk: Buffer, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (res.write(chunk)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => (): void => {
      res.off('drain', onDrain);
      signal.removeEventListener('abort', onAbort);
      resolve(ok);
    };
    const onDrain = done(true);
    const onAbort = done(false);
    res.once('drain', onDrain);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BODY) chunks.push(chunk);
    });
    req.on('end', () => resolve(size <= MAX_REQUEST_BODY ? Buffer.concat(chunks).toString('utf8') : undefined));
    req.on('error', () => resolve(undefined));
  });
}

/**
 * The virtual scanner's eSCL service: a real `http.Server` (it never
 * listens; connections are IPP-USB interfaces handed to it as sockets).
 */
export class EsclServer {
  readonly server: Server;
  /** Pages already rendered, reused when asked again (rendering is lazy: nothing up front); shared by default. */
  readonly pages: PageCache;
  private warmedUp = false;

  constructor(
    private readonly control: VirtualScannerControl,
    private readonly config: EsclServerConfig,
    pages: PageCache = PageCache.shared,
    /** Called on the first request (default: starts the shared page-render process). */
    private readonly warmUp: () => void = () => ChildProcessPageRenderer.shared.warmUp(),
  ) {
    this.pages = pages;
    this.server = createServer({ keepAlive: true }, (req, res) => {
      this.route(req, res).catch(() => res.destroy());
    });
    this.server.on('clientError', (_err, socket) => socket.destroy());
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    // A client is here: get the page renderer going while it looks around (nothing is drawn for a scanner never spoken to).
    if (!this.warmedUp) {
      this.warmedUp = true;
      this.warmUp();
    }
    res.on('finish', () => this.control.emit('request', req.method ?? '', path, res.statusCode));
    const override = req.method === 'GET' ? this.control.bodyOverrides.get(path) : undefined;
    if (override !== undefined) return this.xml(res, 200, override);
    if (req.method === 'GET' && path === '/eSCL/ScannerCapabilities') return this.xml(res, 200, capabilitiesXml(this.config.model, this.config.serial, this.config.caps, this.config.feeder));
    if (req.method === 'GET' && path === '/eSCL/ScannerStatus') return this.xml(res, 200, statusXml(this.control.state, this.config.feeder ? this.control.adfState : undefined, this.control.jobStatus()));
    if (req.method === 'POST' && path === '/eSCL/ScanJobs') return this.createJob(req, res);
    const match = JOB_PATH.exec(path);
    const job = match ? this.control.jobs.find((j) => j.id === Number(match[1])) : undefined;
    if (!match || !job) return this.empty(res, 404);
    if (req.method === 'DELETE' && !match[2]) return this.deleteJob(job, res);
    if (req.method === 'GET' && match[2] === '/NextDocument') {
      this.control.readerStarted(job);
      res.once('close', () => this.control.readerEnded(job));
      return this.nextDocument(job, res);
    }
    if (req.method === 'GET' && match[2] === '/ScanImageInfo') return this.imageInfo(job, res);
    return this.empty(res, 405);
  }

  private async createJob(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (body === undefined) return this.empty(res, 413);
    let settings;
    try {
      settings = await parseScanSettings(body);
    } catch (err) {
      if (err instanceof ScanSettingsError) return this.empty(res, 400);
      throw err;
    }
    const wantsFeeder = settings.inputSource === 'Feeder';
    if ((wantsFeeder && !this.config.feeder) || (settings.inputSource !== 'Platen' && !wantsFeeder)) return this.empty(res, 409);
    const caps = this.config.caps;
    const listed = settings.xResolution === settings.yResolution ? caps.resolutions.includes(settings.xResolution) : (caps.nonSquareResolutions ?? []).some(([x, y]) => x === settings.xResolution && y === settings.yResolution);
    const modeOffered = isAutoColorMode(settings.colorMode) ? caps.autoColorDetection === true : caps.colorModes.includes(settings.colorMode);
    const intentOffered = settings.intent === undefined || (caps.intents ?? DEFAULT_INTENTS).includes(settings.intent);
    if (!listed || !caps.formats.includes(settings.format) || !modeOffered || !intentOffered) return this.empty(res, 409);
    if (this.control.takeBusy()) return this.busy(res);
    const refusal = this.control.refusal(settings);
    if (refusal) return this.empty(res, refusal === 'busy' ? 503 : 409);
    const job = this.control.createJob(settings);
    // Render the first page while the client turns the 201 into its first NextDocument.
    void this.pages.get(this.pageSpec(job, 1));
    // Absolute, on the host the client addressed (IPP-USB clients say localhost; a TCP client its address).
    const host = /^[A-Za-z0-9.:[\]-]{1,100}$/.test(req.headers.host ?? '') ? req.headers.host! : 'localhost';
    res.writeHead(201, { Location: this.control.locationOverride ?? `http://${host}${job.uri}`, 'Content-Length': 0 });
    res.end();
  }

  private deleteJob(job: VirtualScanJob, res: ServerResponse): void {
    this.control.cancelJob(job);
    this.empty(res, 200);
  }

  private async nextDocument(job: VirtualScanJob, res: ServerResponse): Promise<void> {
    if (job.deleted || (job.state !== 'Pending' && job.state !== 'Processing')) return this.empty(res, 404);
    if (this.control.takeBusy()) return this.busy(res);
    job.state = 'Processing';
    // ImagesToTransfer reached (a flatbed job holds one page whatever it says): the job is over, no sheet is fed.
    const wanted = job.settings.inputSource === 'Feeder' ? job.settings.imagesToTransfer : undefined;
    const outcome = wanted !== undefined && job.pagesStarted >= wanted ? 'empty' : job.settings.inputSource === 'Feeder' ? this.control.pickSheet(job) : job.pagesStarted === 0 ? 'page' : 'empty';
    if (outcome === 'empty') {
      this.control.endJob(job, 'Completed', 'JobCompletedSuccessfully');
      return this.empty(res, 404);
    }
    if (outcome !== 'page') {
      this.control.endJob(job, 'Aborted', outcome === 'jam' ? 'AdfJam' : 'AdfDoorOpen');
      return this.empty(res, 404);
    }
    const page = ++job.pagesStarted;
    const closed = new AbortController();
    res.once('close', () => closed.abort());
    const stop = AbortSignal.any([job.stop.signal, closed.signal]);
    if (!(await delay(this.control.scanDelayMs, stop))) return this.endEarly(res);
    const { image, info } = await this.render(job, page);
    if (stop.aborted) return this.endEarly(res);
    const fault = this.control.pageFault;
    this.control.pageFault = undefined;
    if (fault) return this.lie(fault, res, job, image);
    res.writeHead(200, { 'Content-Type': job.settings.format });
    this.control.emit('pageStarted', job, page);
    for (let offset = 0; offset < image.length; offset += this.config.chunkSize) {
      if (!(await writeOrStop(res, image.subarray(offset, offset + this.config.chunkSize), stop))) return this.endEarly(res);
    }
    res.end();
    job.imagesCompleted++;
    job.lastImage = info;
    // Like HP firmware, a job given ImagesToTransfer completes with its last page, before anyone asks again.
    if (wanted !== undefined && job.imagesCompleted >= wanted) this.control.endJob(job, 'Completed', 'JobCompletedSuccessfully');
    this.control.emit('pageSent', job, page, image);
  }

  /** `ScanImageInfo`: the last page sent, `404` before there is one (or when the device is set not to serve it). */
  private imageInfo(job: VirtualScanJob, res: ServerResponse): void {
    if (!this.control.serveImageInfo || !job.lastImage) return this.empty(res, 404);
    this.xml(res, 200, imageInfoXml(job.uri, job.uuid, job.lastImage));
  }

  /** Sends a response that announces more than it delivers, then stays silent (the connection is never released). */
  private async lie(fault: 'short-body' | 'huge-chunk' | 'endless', res: ServerResponse, job: VirtualScanJob, image: Buffer): Promise<void> {
    this.control.emit('pageStarted', job, job.pagesStarted);
    if (fault === 'endless') return this.endless(res);
    if (fault === 'short-body') {
      res.writeHead(200, { 'Content-Type': job.settings.format, 'Content-Length': image.length + 4096 });
      res.write(image);
      return;
    }
    const part = image.subarray(0, Math.min(image.length, 1024));
    const head = `HTTP/1.1 200 OK\r\nContent-Type: ${job.settings.format}\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFF\r\n`;
    res.socket?.write(Buffer.concat([Buffer.from(head, 'latin1'), part]));
  }

  /** A 4 GiB page of filler that ignores DELETE: it stops only when the connection goes. */
  private async endless(res: ServerResponse): Promise<void> {
    res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': 4 * 1024 ** 3 });
    const filler = Buffer.alloc(this.config.chunkSize, 0x5a);
    const closed = new AbortController();
    res.once('close', () => closed.abort());
    for (let sent = 0; sent < 4 * 1024 ** 3; sent += filler.length) {
      if (!(await writeOrStop(res, filler, closed.signal))) return;
      this.control.endlessBytes += filler.length;
    }
  }

  /** A page cut short (job deleted, connection gone): end the chunked body so the connection stays in step. */
  private endEarly(res: ServerResponse): void {
    if (res.destroyed) return;
    if (!res.headersSent) return this.empty(res, 404);
    res.end();
  }

  private async render(job: VirtualScanJob, page: number): Promise<{ image: Buffer; info: VirtualImageInfo }> {
    const spec = this.pageSpec(job, page);
    return { image: await this.pages.get(spec), info: imageInfoOf(spec.widthPx, spec.heightPx, spec.colorMode) };
  }

  /** How page `page` of `job` is drawn. With automatic colour detection odd pages hold colour, even ones only black ink. */
  private pageSpec(job: VirtualScanJob, page: number): PageRenderSpec {
    const { settings } = job;
    const px = (units: number, dpi: number): number => Math.floor((units * dpi) / 300);
    const asked = isAutoColorMode(settings.colorMode) ? (page % 2 === 1 ? 'RGB24' : 'Grayscale8') : settings.colorMode;
    return {
      pageNumber: page,
      widthPx: px(settings.width, settings.xResolution),
      heightPx: px(settings.height, settings.yResolution),
      offsetXPx: px(settings.xOffset, settings.xResolution),
      offsetYPx: px(settings.yOffset, settings.yResolution),
      sheetWidthPx: px(this.config.caps.maxWidth, settings.xResolution),
      sheetHeightPx: px(this.config.caps.maxHeight, settings.yResolution),
      colorMode: asked === 'BlackAndWhite1' ? 'BlackAndWhite1' : asked.startsWith('Grayscale') ? 'Grayscale8' : 'RGB24',
      format: settings.format as VirtualPageFormat,
      quality: this.config.jpegQuality,
      dpi: settings.xResolution,
    };
  }

  private xml(res: ServerResponse, status: number, body: string): void {
    const bytes = Buffer.from(body, 'utf8');
    res.writeHead(status, { 'Content-Type': 'text/xml', 'Content-Length': bytes.length });
    res.end(bytes);
  }

  private busy(res: ServerResponse): void {
    const retryAfter = this.control.retryAfterSeconds;
    res.writeHead(503, { 'Content-Length': 0, ...(retryAfter !== undefined ? { 'Retry-After': String(retryAfter) } : {}) });
    res.end();
  }

  private empty(res: ServerResponse, status: number): void {
    res.writeHead(status, { 'Content-Length': 0 });
    res.end();
  }
}
