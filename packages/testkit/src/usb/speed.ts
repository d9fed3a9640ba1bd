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

/** Waits below this are not worth a timer (setTimeout is 1 ms-grained); the debt carries over to the next wait. */
const MIN_TIMER_MS = 1;

/**
 * Paces a device's transfers to its speed profile. The bus is one shared
 * wire: each transfer reserves wire time after the previous one, and waits
 * only when its reservation runs ahead of the clock by at least a timer tick,
 * so that sub-millisecond costs add up to the right average throughput
 * without a timer per packet.
 */
export class BusPacer {
  private busyUntil = 0;

  constructor(readonly profile: UsbSpeedProfile) {}

  /** `true` when pacing never waits. */
  get unlimited(): boolean {
    return this.profile.latencyMs === 0 && this.profile.bytesPerSecond === Infinity;
  }

  /** Reserves wire time for `bytes` (plus latency when `startsTransfer`); returns how long the caller must wait, in ms (0: go on). */
  reserve(bytes: number, startsTransfer: boolean): number {
    if (this.unlimited) return 0;
    const now = performance.now();
    const cost = (startsTransfer ? this.profile.latencyMs : 0) + (bytes * 1000) / this.profile.bytesPerSecond;
    this.busyUntil = Math.max(now, this.busyUntil) + cost;
    const ahead = this.busyUntil - now;
    return ahead >= MIN_TIMER_MS ? ahead : 0;
  }
}
