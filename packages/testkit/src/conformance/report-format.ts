import type { LatencyFigure } from './latency.js';
import type { ConformanceReport } from './run-conformance.js';
import { CONFORMANCE_RULES } from './rules.js';

const ID_WIDTH = Math.max(...CONFORMANCE_RULES.map((r) => r.id.length));

function ms(value: number): string {
  return value < 10 ? value.toFixed(2) : value.toFixed(1);
}

function latencyLine(label: string, figure: LatencyFigure | undefined, runs: number, skippedWhy: string | undefined): string {
  const name = `latency  ${label}`.padEnd(ID_WIDTH + 6);
  if (!figure) return `${name}  not measured${skippedWhy ? ` (${skippedWhy})` : ''}`;
  const of = figure.samples === runs ? `${runs} runs` : `${figure.samples} of ${runs} runs`;
  return `${name}  median ${ms(figure.medianMs)} ms, worst ${ms(figure.worstMs)} ms (${of})`;
}

/**
 * The report as text, one line per rule (`PASS`/`FAIL`, id, title, why),
 * then the two latency figures and a summary line:
 *
 * ```text
 * PASS  cancel-mid-read         Cancel() with a USB read in flight … — Cancel() with 1 bulk IN read(s) in flight (0x81), held by a NAK; …
 * FAIL  honours-signal          settles by itself … — ignores its signal: in cancel-mid-read, drvAcquireItemData did not settle within 200 ms; …
 * latency  cancel → CANCEL_IO   median 0.01 ms, worst 0.04 ms (20 runs)
 * latency  cancel → settled     median 0.41 ms, worst 1.20 ms (20 runs)
 * 12/13 rules passed
 * ```
 */
export function formatConformanceReport(report: ConformanceReport): string[] {
  const lines = [`${report.target} on ${report.device}${report.hardware ? ' (real hardware)' : ''}`];
  for (const rule of report.rules) {
    lines.push(`${rule.passed ? 'PASS' : 'FAIL'}  ${rule.id.padEnd(ID_WIDTH)}  ${rule.title} — ${rule.why}`);
  }
  const { latency } = report;
  lines.push(latencyLine('cancel → CANCEL_IO', latency.cancelToCancelIo, latency.runs, latency.skippedWhy));
  lines.push(latencyLine('cancel → settled', latency.cancelToSettled, latency.runs, latency.skippedWhy));
  const passed = report.rules.filter((r) => r.passed).length;
  lines.push(`${passed}/${report.rules.length} rules passed${report.passed ? '' : ` — ${report.target} does not conform`}`);
  return lines;
}
