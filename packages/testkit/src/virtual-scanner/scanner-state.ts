import type { TransferTimers } from '@openwia/core';
import { EventEmitter } from 'eventemitter3';
import type { VirtualImageInfo } from './scan-image-info.js';
import type { ReceivedScanSettings, VirtualJobStatus } from './scanner-xml.js';

/** `pwg:JobState` values the virtual scanner uses. */
export type VirtualJobState = 'Pending' | 'Processing' | 'Completed' | 'Canceled' | 'Aborted';

/** One scan job on the virtual scanner. */
export interface VirtualScanJob {
  id: number;
  uri: string;
  uuid: string;
  settings: ReceivedScanSettings;
  state: VirtualJobState;
  reason: string;
  /** Pages fully sent to the host. */
  imagesCompleted: number;
  /** Pages started (a cancelled page counts as started, not completed). */
  pagesStarted: number;
  /** `true` once the host sent `DELETE` for it. */
  deleted: boolean;
  /** `Date.now()` when the job was created (for `scan:Age`). */
  createdAt: number;
  /** What `ScanImageInfo` reports: the last page fully sent (absent before the first). */
  lastImage?: VirtualImageInfo;
  /** Aborted when the job ends early (DELETE, jam): stops a page in flight. */
  readonly stop: AbortController;
}

/** Events a test can wait for instead of sleeping. */
export interface VirtualScannerEvents {
  /** Every request, once answered (status is the HTTP status). */
  request: (method: string, path: string, status: number) => void;
  jobCreated: (job: VirtualScanJob) => void;
  /** A job reached Completed, Canceled or Aborted. */
  jobEnded: (job: VirtualScanJob) => void;
  /** A page's data starts flowing (1-based page number within the job). */
  pageStarted: (job: VirtualScanJob, page: number) => void;
  /** A page was sent completely; `bytes` is its encoded image. */
  pageSent: (job: VirtualScanJob, page: number, bytes: Buffer) => void;
}

/** Ended jobs a virtual scanner remembers by default. */
export const DEFAULT_JOB_HISTORY = 64;

/** How long, by default, a job may wait with nobody reading it before the scanner aborts it (as the served scanner does). */
export const DEFAULT_ABANDONED_JOB_MS = 60_000;

/** Node's timers, unref'd: a job waiting for a reader must not keep the process alive. */
const unrefTimers: TransferTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Who is reading an unfinished job: its `NextDocument` responses in progress, and the timer that aborts it while there are none. */
class JobAttendance {
  readers = 0;
  timer: unknown;
}

/**
 * The scanner's state and the control a test has over it: paper in the
 * feeder, faults to inject (jam, cover open, busy), scan timing, and the jobs
 * with their states as `ScannerStatus` reports them.
 */
export class VirtualScannerControl extends EventEmitter<VirtualScannerEvents> {
  /** Sheets in the feeder. */
  feederSheets: number;
  /** Milliseconds a page takes to scan before its data starts (default 0). */
  scanDelayMs: number;
  readonly jobs: VirtualScanJob[] = [];
  /** Bodies served instead of the real document for a path (malformed-XML tests): path → body. */
  readonly bodyOverrides = new Map<string, string>();
  /**
   * A lie the next page's response tells (then the device goes silent, keeping the connection):
   * `short-body` announces a `Content-Length` longer than the image; `huge-chunk` opens a chunk of
   * 4 GiB and sends only part of it; `endless` announces a 4 GiB page and keeps sending filler, even
   * after its job is deleted, for as long as the host reads. Cleared once used.
   */
  pageFault: 'short-body' | 'huge-chunk' | 'endless' | undefined;
  /** Bytes an `endless` page has put on the wire so far. */
  endlessBytes = 0;
  /**
   * Milliseconds a deleted job keeps the scanner `Processing` (a carriage returning home) before
   * it ends `Canceled` (default 0: at once). A new job meanwhile is answered `503`.
   */
  cancelSettleMs = 0;
  /** `false` makes `ScanImageInfo` answer `404`, as many devices do (default `true`). */
  serveImageInfo = true;
  /** When set, the `Location` a created job is announced with (hostile-device tests); the job is still created. */
  locationOverride: string | undefined;
  private jamAt: number | undefined;
  private jammed = false;
  private coverOpen = false;
  private busyAnswers = 0;
  private nextJobId = 1;

  /** Ended jobs kept in the history `ScannerStatus` lists, as firmware does (oldest dropped first). */
  jobHistory: number;
  /**
   * Milliseconds an unfinished job may wait with no `NextDocument` in progress
   * before the scanner aborts it (`Aborted`, `AbortedBySystem`) and is `Idle`
   * again, as firmware does, so that a client that vanished after creating a
   * job does not leave every later one answered `503`. Counted afresh after
   * each page; `0` waits for ever. Read when the wait starts.
   */
  abandonedJobMs: number;
  private readonly attendance = new Map<VirtualScanJob, JobAttendance>();
  /** The clock of the abandoned-job wait. */
  private readonly clock: TransferTimers;

  constructor(options: { feederSheets: number; scanDelayMs: number; jobHistory?: number; abandonedJobMs?: number; clock?: TransferTimers }) {
    super();
    this.feederSheets = options.feederSheets;
    this.scanDelayMs = options.scanDelayMs;
    this.jobHistory = options.jobHistory ?? DEFAULT_JOB_HISTORY;
    this.abandonedJobMs = options.abandonedJobMs ?? DEFAULT_ABANDONED_JOB_MS;
    this.clock = options.clock ?? unrefTimers;
  }

  /** Puts `sheets` sheets in the feeder (replacing what was there) and clears a jam. */
  loadFeeder(sheets: number): void {
    this.feederSheets = sheets;
    this.jammed = false;
  }

  /** The `page`-th page of the next feeder job jams (the job is aborted before that page). */
  jamAtPage(page: number): void {
    this.jamAt = page;
  }

  /** Clears a jam (the user opened the feeder and removed the sheet). */
  clearJam(): void {
    this.jammed = false;
    this.jamAt = undefined;
  }

  setCoverOpen(open: boolean): void {
    this.coverOpen = open;
  }

  /** The next `count` job creations or page requests answer `503 Service Unavailable` (with `Retry-After` when given). */
  answerBusy(count: number, retryAfterSeconds?: number): void {
    this.busyAnswers = count;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** `Retry-After` (seconds) sent with the armed busy answers, when set. */
  retryAfterSeconds: number | undefined;

  /** `pwg:State`: Processing while a job is pending or running. */
  get state(): 'Idle' | 'Processing' {
    return this.jobs.some((j) => j.state === 'Pending' || j.state === 'Processing') ? 'Processing' : 'Idle';
  }

  /** `scan:AdfState`. */
  get adfState(): string {
    if (this.coverOpen) return 'ScannerAdfDoorOpen';
    if (this.jammed) return 'ScannerAdfJam';
    return this.feederSheets > 0 ? 'ScannerAdfLoaded' : 'ScannerAdfEmpty';
  }

  /** The jobs as `ScannerStatus` lists them. */
  jobStatus(): VirtualJobStatus[] {
    const now = Date.now();
    return this.jobs.map((j) => ({
      uri: j.uri,
      uuid: j.uuid,
      state: j.state,
      reason: j.reason,
      imagesCompleted: j.imagesCompleted,
      // A page being sent counts as scanned and waiting (what HP firmware reports); nothing waits once the job ended.
      imagesToTransfer: j.state === 'Processing' ? Math.max(0, j.pagesStarted - j.imagesCompleted) : 0,
      age: Math.floor((now - j.createdAt) / 1000),
    }));
  }

  /** @internal Takes one busy answer if any are armed. */
  takeBusy(): boolean {
    if (this.busyAnswers <= 0) return false;
    this.busyAnswers--;
    return true;
  }

  /** @internal Why a new job cannot start, or `undefined`. */
  refusal(settings: ReceivedScanSettings): 'busy' | 'conflict' | undefined {
    if (this.state === 'Processing') return 'busy';
    if (settings.inputSource === 'Feeder' && (this.coverOpen || this.jammed || this.feederSheets === 0)) return 'conflict';
    return undefined;
  }

  /** @internal Creates a job. */
  createJob(settings: ReceivedScanSettings): VirtualScanJob {
    const id = this.nextJobId++;
    const job: VirtualScanJob = {
      id,
      uri: `/eSCL/ScanJobs/${id}`,
      uuid: `00000000-0000-4000-8000-${id.toString(16).padStart(12, '0')}`,
      settings,
      state: 'Pending',
      reason: 'JobScanning',
      imagesCompleted: 0,
      pagesStarted: 0,
      deleted: false,
      createdAt: Date.now(),
      stop: new AbortController(),
    };
    this.jobs.push(job);
    this.attendance.set(job, new JobAttendance());
    this.awaitReader(job);
    this.emit('jobCreated', job);
    return job;
  }

  /** @internal A `NextDocument` request for `job` is being answered: the job is not abandoned while it lasts. */
  readerStarted(job: VirtualScanJob): void {
    const attendance = this.attendance.get(job);
    if (!attendance) return;
    attendance.readers++;
    this.clock.clearTimeout(attendance.timer);
    attendance.timer = undefined;
  }

  /** @internal That answer is over (sent, refused or cut off): the wait for the next reader starts. */
  readerEnded(job: VirtualScanJob): void {
    const attendance = this.attendance.get(job);
    if (!attendance) return;
    attendance.readers--;
    if (attendance.readers === 0) this.awaitReader(job);
  }

  /** Arms the abandoned-job timer of an unfinished job nobody reads. */
  private awaitReader(job: VirtualScanJob): void {
    const attendance = this.attendance.get(job);
    if (!attendance || this.abandonedJobMs <= 0) return;
    attendance.timer = this.clock.setTimeout(() => this.endJob(job, 'Aborted', 'AbortedBySystem'), this.abandonedJobMs);
  }

  /** The job is ended or deleted: nobody needs to read it any more. */
  private stopAttending(job: VirtualScanJob): void {
    const attendance = this.attendance.get(job);
    if (!attendance) return;
    this.clock.clearTimeout(attendance.timer);
    this.attendance.delete(job);
  }

  /** @internal What the next page of a feeder job meets: a page, the end of the paper, or a fault. */
  pickSheet(job: VirtualScanJob): 'page' | 'empty' | 'jam' | 'cover' {
    if (this.coverOpen) return 'cover';
    const page = job.pagesStarted + 1;
    const sides = job.settings.duplex ? 2 : 1;
    const needsSheet = (page - 1) % sides === 0;
    if (needsSheet && this.jamAt === page) {
      this.jamAt = undefined;
      this.jammed = true;
      return 'jam';
    }
    if (needsSheet && this.feederSheets === 0) return 'empty';
    if (needsSheet) this.feederSheets--;
    return 'page';
  }

  /** @internal The host deleted `job`: a page in flight stops at once; the job ends `Canceled` after {@link cancelSettleMs}. */
  cancelJob(job: VirtualScanJob): void {
    job.deleted = true;
    this.stopAttending(job);
    if (this.cancelSettleMs <= 0 || (job.state !== 'Pending' && job.state !== 'Processing')) return this.endJob(job, 'Canceled', 'JobCanceledByUser');
    job.state = 'Processing';
    job.stop.abort();
    setTimeout(() => this.endJob(job, 'Canceled', 'JobCanceledByUser'), this.cancelSettleMs).unref();
  }

  /** @internal Ends a job. */
  endJob(job: VirtualScanJob, state: 'Completed' | 'Canceled' | 'Aborted', reason: string): void {
    if (job.state === 'Completed' || job.state === 'Canceled' || job.state === 'Aborted') return;
    job.state = state;
    job.reason = reason;
    job.stop.abort();
    this.stopAttending(job);
    this.forgetOldJobs();
    this.emit('jobEnded', job);
  }

  /** Drops the oldest ended jobs beyond {@link jobHistory}. */
  private forgetOldJobs(): void {
    let ended = this.jobs.filter((j) => j.state === 'Completed' || j.state === 'Canceled' || j.state === 'Aborted').length;
    for (let i = 0; i < this.jobs.length && ended > this.jobHistory; ) {
      const state = this.jobs[i]!.state;
      if (state === 'Completed' || state === 'Canceled' || state === 'Aborted') {
        this.jobs.splice(i, 1);
        ended--;
      } else i++;
    }
  }
}
