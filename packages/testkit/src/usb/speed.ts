/** How fast a simulated device moves bytes. */
export interface UsbSpeedProfile {
  /** Name for logs, e.g. `usb2`. */
  name: string;
  /** Fixed cost per transfer in milliseconds (scheduling, turnaround). */
  latencyMs: number;
  /** Payload throughput cap in bytes per second; `Infinity` for no cap. */
  bytesPerSecond: number;
}

/** No latency, no cap: transfers complete as fast as the event loop allows (benchmarks, most tests). */
export const UNLIMITED_SPEED: UsbSpeedProfile = { name: 'unlimited', latencyMs: 0, bytesPerSecond: Infinity };
/** USB 2.0 high speed as bulk transfers really achieve it: ~40 MB/s, one 125 µs microframe of latency. */
export const USB2_HIGH_SPEED: UsbSpeedProfile = { name: 'usb2', latencyMs: 0.125, bytesPerSecond: 40_000_000 };
/** USB 1.1 full speed: ~1 MB/s of bulk payload, 1 ms frames. */
export const USB1_FULL_SPEED: UsbSpeedProfile = { name: 'usb1', latencyMs: 1, bytesPerSecond: 1_000_000 };

/** Accepts a profile or a profile's name. */
export function resolveSpeedProfile(speed: UsbSpeedProfile | 'unlimited' | 'usb2' | 'usb1' | undefined): UsbSpeedProfile {
  if (speed === undefined || speed === 'unlimited') return UNLIMITED_SPEED;
  if (speed === 'usb2') return USB2_HIGH_SPEED;
  if (speed === 'usb1') return USB1_FULL_SPEED;
  if (!(speed.bytesPerSecond > 0) || !(speed.latencyMs >= 0)) throw new RangeError(`invalid USB speed profile ${JSON.stringify(speed)}`);
  return speed;
}

/** Waits below this are not worth a timer (setTimeout is 1 ms-grained); the wire clock runs on regardless. */
const MIN_TIMER_MS = 1;

/**
 * Paces a device's transfers to its speed profile with a virtual clock of
 * its wire (one per device, shared by its endpoints). Each reservation
 * starts when both the wire is free and the transfer was ready to use it —
 * `max(readySince, wireFreeAt)` — and ends `latency + bytes / rate` later.
 * The caller waits until that due time only when it lies ahead of the clock
 * by at least a timer tick; a due time already past completes at once.
 *
 * A late event loop therefore costs no wire time: a timer that fires 3 ms
 * late does not move the wire clock, so the next reservation (already
 * queued, ready long ago) is due earlier and the lag is caught up. What the
 * wire did lose is real idleness: a transfer submitted late, or one that
 * waited for the device's data, is ready only from then on.
 */
export class BusPacer {
  private wireFreeAt = 0;

  constructor(readonly profile: UsbSpeedProfile) {}

  /** `true` when pacing never waits. */
  get unlimited(): boolean {
    return this.profile.latencyMs === 0 && this.profile.bytesPerSecond === Infinity;
  }

  /**
   * Reserves wire time for `bytes` (plus the per-transfer latency when
   * `startsTransfer`) for a transfer that could use the wire from
   * `readySince` (a `performance.now()` time); returns the reservation's due
   * time on the same clock.
   */
  reserve(bytes: number, startsTransfer: boolean, readySince: number): number {
    if (this.unlimited) return readySince;
    const cost = (startsTransfer ? this.profile.latencyMs : 0) + (bytes * 1000) / this.profile.bytesPerSecond;
    this.wireFreeAt = Math.max(readySince, this.wireFreeAt) + cost;
    return this.wireFreeAt;
  }

  /** How long to wait, in ms, until `dueAt` (0: it is due, or too close to be worth a timer). */
  static waitUntil(dueAt: number): number {
    const ahead = dueAt - performance.now();
    return ahead >= MIN_TIMER_MS ? ahead : 0;
  }
}
