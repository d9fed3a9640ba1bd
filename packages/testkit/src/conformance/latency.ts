import type { ScenarioResult } from './scenarios.js';

/** Median and worst of one measured interval, in milliseconds. */
export interface LatencyFigure {
  medianMs: number;
  worstMs: number;
  /** Runs that produced this figure. */
  samples: number;
}

/**
 * Cancel latency over the timed runs (each a `Cancel()` with a USB read in
 * flight, in a session of its own). Reported, never asserted: the only bound
 * the suite enforces is the grace period (rule `honours-signal`).
 */
export interface ConformanceLatency {
  /** Runs asked for. */
  runs: number;
  /** `Cancel()` → the driver is sent `WIA_EVENT_CANCEL_IO`. */
  cancelToCancelIo: LatencyFigure | undefined;
  /** `Cancel()` → the transfer settled (the plugin returned, or the watchdog gave up on it). */
  cancelToSettled: LatencyFigure | undefined;
  /** Runs that could not be timed, and why (first reason). */
  skipped: number;
  skippedWhy: string | undefined;
}

function figure(samples: number[]): LatencyFigure | undefined {
  if (!samples.length) return undefined;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const medianMs = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { medianMs, worstMs: sorted[sorted.length - 1]!, samples: sorted.length };
}

/** Turns the latency runs into median and worst figures. */
export function summarizeLatency(runs: number, results: ScenarioResult[]): ConformanceLatency {
  const toCancelIo: number[] = [];
  const toSettled: number[] = [];
  let skipped = 0;
  let skippedWhy: string | undefined;
  for (const r of results) {
    const o = r.main;
    if (!o || !o.trigger?.fired || o.cancelAt === undefined || o.settledAt === undefined) {
      skipped++;
      skippedWhy ??= r.openError ?? o?.error ?? o?.trigger?.note ?? 'the transfer did not settle';
      continue;
    }
    toSettled.push(o.settledAt - o.cancelAt);
    if (o.cancelIoAt !== undefined) toCancelIo.push(o.cancelIoAt - o.cancelAt);
  }
  return { runs, cancelToCancelIo: figure(toCancelIo), cancelToSettled: figure(toSettled), skipped, skippedWhy };
}
