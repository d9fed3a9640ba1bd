/** Bytes as people read them, in decimal units throughout the CLI (the summary line uses the same). */
export function formatBytes(bytes: number): string {
  if (bytes < 1e3) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

/** A rate in bytes per second. */
export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(Math.round(bytesPerSecond))}/s`;
}

/** Seconds left, as `ETA 42s`, `ETA 3m05s`; empty when unknown. */
export function formatEta(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '';
  const s = Math.ceil(seconds);
  return s < 60 ? `ETA ${s}s` : `ETA ${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** `n thing(s)` with the right plural. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/**
 * Bytes over time for one bar: the rate since it started, and the time left when the total is
 * known. `now` is in milliseconds (performance.now()).
 */
export class TransferMeter {
  private bytes = 0;
  constructor(private readonly startedAt: number) {}

  /** Records the bytes done so far. */
  update(bytes: number): void {
    this.bytes = bytes;
  }

  /** Bytes per second since the start (0 until time has passed). */
  rate(now: number): number {
    const seconds = (now - this.startedAt) / 1000;
    return seconds > 0 ? this.bytes / seconds : 0;
  }

  /** Seconds left to reach `total` at the rate so far; undefined when either is unknown. */
  secondsLeft(total: number | undefined, now: number): number | undefined {
    const rate = this.rate(now);
    if (!total || rate <= 0) return undefined;
    return Math.max(0, total - this.bytes) / rate;
  }
}
