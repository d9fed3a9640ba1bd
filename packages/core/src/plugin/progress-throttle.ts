/** Progress goes out when it moved by this many percent... */
export const PROGRESS_MIN_PERCENT_STEP = 1;
/** ...or when this much time passed since the last report, whichever comes first. */
export const PROGRESS_MAX_INTERVAL_MS = 16;

/**
 * Decides when an item's progress is worth a message: at least every 1 %
 * of a known size or every 16 ms, and always for the last byte — instead of
 * a message per chunk, which would cost more than the chunk itself at
 * memory speed.
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

  /** `true` when a report is due: the first bytes, 1 % more, 16 ms later, or the whole known size. */
  due(): boolean {
    if (!this.hasUnreported) return false;
    if (this.reportedPercent < 0 || (this.size !== undefined && this.bytes >= this.size)) return true;
    if (this.size && this.percent - this.reportedPercent >= PROGRESS_MIN_PERCENT_STEP) return true;
    return this.now() - this.reportedAt >= PROGRESS_MAX_INTERVAL_MS;
  }

  /** Marks the current figures as reported and returns them. */
  report(): { percent: number; bytes: number } {
    this.reportedBytes = this.bytes;
    this.reportedPercent = this.percent;
    this.reportedAt = this.now();
    return { percent: this.reportedPercent, bytes: this.bytes };
  }
}
