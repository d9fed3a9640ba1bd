import { hardwareDeviceSource, virtualDeviceSource, type DeviceSource } from './device-under-test.js';
import { summarizeLatency, type ConformanceLatency } from './latency.js';
import { failAllRules, judgeRules, type ConformanceRuleResult } from './rules.js';
import { SCENARIO_ORDER, runScenario, type ScenarioContext, type ScenarioId, type ScenarioResult } from './scenarios.js';
import { message } from './session.js';
import { resolveTarget, type ConformanceOptions, type ConformanceTarget, type ResolvedTarget } from './target.js';

/** The outcome of a conformance run: one line per rule, and the cancel latency. */
export interface ConformanceReport {
  /** The target's name. */
  target: string;
  /** The device the suite ran on, e.g. `virtual device sim-4 (1d6b:0104 …)` or `usb:04a9:1234@1-4 (…)`. */
  device: string;
  /** `true` when the suite ran on real hardware (`OPENWIA_DEVICE`). */
  hardware: boolean;
  /** `true` when every rule passed. */
  passed: boolean;
  rules: ConformanceRuleResult[];
  latency: ConformanceLatency;
}

function report(target: ResolvedTarget, device: string, hardware: boolean, rules: ConformanceRuleResult[], latency: ConformanceLatency): ConformanceReport {
  return { target: target.name, device, hardware, passed: rules.every((r) => r.passed), rules, latency };
}

function notRun(id: ScenarioId, openError: string): ScenarioResult {
  return { id, openError, deviceLabel: undefined, main: undefined, followUp: undefined, verdict: { problems: [`not run: ${openError}`], summary: '' }, leaks: [] };
}

/** Runs the scenarios one after the other; after a session that could not be opened, the rest are not attempted. */
async function runAll(ids: ScenarioId[], target: ResolvedTarget, source: DeviceSource, ctx: ScenarioContext): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const id of ids) {
    const broken = results.find((r) => r.openError);
    const result = broken ? notRun(id, broken.openError!) : await runScenario(id, target, source, ctx);
    if (id === 'complete') ctx.referenceItems = result.main?.report?.items.length;
    results.push(result);
  }
  return results;
}

/**
 * Runs the conformance suite against a plugin: every rule of the
 * cancellation contract (design.md), each scenario in a session of its own on
 * a fresh virtual device, then `latencyRuns` timed cancels. With
 * `OPENWIA_DEVICE=usb:VID:PID` (or `options.hardware`) the same suite runs on
 * that real device instead — and when it is not found every rule fails, so
 * a missing device never passes.
 *
 * Resolves with the report (it does not reject for a failing plugin);
 * rejects with `E_INVALIDARG` for a malformed target or options.
 */
export async function runConformance(target: ConformanceTarget, options: ConformanceOptions = {}): Promise<ConformanceReport> {
  const resolved = resolveTarget(target, options);
  const noLatency: ConformanceLatency = { runs: resolved.latencyRuns, cancelToCancelIo: undefined, cancelToSettled: undefined, skipped: resolved.latencyRuns, skippedWhy: 'not run' };
  let source: DeviceSource;
  try {
    source = resolved.hardware ? await hardwareDeviceSource(resolved.hardware, resolved.usbBackend) : virtualDeviceSource(resolved);
  } catch (err) {
    return report(resolved, resolved.hardware ?? 'virtual device', true, failAllRules(message(err)), { ...noLatency, skippedWhy: message(err) });
  }
  try {
    const ctx: ScenarioContext = { minItems: resolved.expectedItems, timeoutMs: resolved.transferTimeoutMs, referenceItems: undefined };
    const results = await runAll(SCENARIO_ORDER, resolved, source, ctx);
    const opened = !results.some((r) => r.openError);
    const timed = opened ? await runAll(Array<ScenarioId>(resolved.latencyRuns).fill('latency'), resolved, source, ctx) : [];
    const device = results.find((r) => r.deviceLabel)?.deviceLabel ?? source.label;
    const latency = opened ? summarizeLatency(resolved.latencyRuns, timed) : { ...noLatency, skippedWhy: results.find((r) => r.openError)?.openError };
    return report(resolved, device, source.hardware, judgeRules([...results, ...timed], resolved.expectedItems), latency);
  } finally {
    await source.dispose();
  }
}
