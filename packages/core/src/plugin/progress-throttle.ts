/** Progress goes out when it moved by this many percent... */
export const PROGRESS_MIN_PERCENT_STEP = 1;
/** ...once this much time passed since the last report (at memory speed 1 % takes microseconds)... */
export const PROGRESS_MIN_INTERVAL_MS = 1;
/** ...and whenever this much time passed, whatever the percentage did. */
export const PROGRESS_MAX_INTERVAL_MS = 16;

/**
 * Decides when an item's progress is worth a message: every 1 % of a known
 * size, at most once a millisecond, at least every 16 ms, and always for the
 * first and the last byte — instead of a message per chunk, which costs more
 * than the chunk itself at memory speed (2–4 % of the throughput at 16–64
 * KiB reads even at one message per 1 %, where a 64 KiB chunk is 1.6 % of a
 * 4 MiB item). A progress bar gets at least 60 updates a second, and one per
 * percent whenever a percent takes a millisecond or more.
 */
export class ProgressThrottle {
  private bytes = 0;
  private reportedBytes = 0;
  private reportedPercent = -1;
  private reportedAt = 0;

  constructor(
    private readonly size: number | undefined,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Counts bytes that reached the stream. */
  add(n: number): void {
    this.bytes += n;
  }

  /** `true` when bytes arrived since the last report. */
  get hasUnreported(): boolean {
    return this.bytes !== this.reportedBytes;
  }

  /** The item's percentage so far (0 when its size is unknown). */
  get percent(): number {
    return this.size ? Math.min(100, Math.floor((this.bytes * 100) / this.size)) : 0;
  }

  /** `true` when a report is due: the first bytes, 1 % more and 1 ms later, 16 ms later, or the whole known size. */
  due(): boolean {
    if (!this.hasUnreported) return false;
    if (this.reportedPercent < 0 || (this.size !== undefined && this.bytes >= this.size)) return true;
    const elapsed = this.now() - this.reportedAt;
    if (elapsed >= PROGRESS_MAX_INTERVAL_MS) return true;
    return elapsed >= PROGRESS_MIN_INTERVAL_MS && !!this.size && this.percent - this.reportedPercent >= PROGRESS_MIN_PERCENT_STEP;
  }

  /** Marks the current figures as reported and returns them. */
  report(): { percent: number; bytes: number } {
    this.reportedBytes = this.bytes;
    this.reportedPercent = this.percent;
    this.reportedAt = this.now();
    return { percent: this.reportedPercent, bytes: this.bytes };
  }
}
