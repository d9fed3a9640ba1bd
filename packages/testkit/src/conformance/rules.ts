import type { TransferObservation } from './observed-transfer.js';
import type { ScenarioId, ScenarioResult } from './scenarios.js';
import { completedProblems } from './transfer-checks.js';

/** The id of one rule of the conformance suite. */
export type ConformanceRuleId =
  | 'session'
  | 'transfer-complete'
  | 'cancel-before-data'
  | 'cancel-mid-read'
  | 'cancel-between-items'
  | 'cancel-inside-callback'
  | 'cancel-by-s-false'
  | 'skip-item'
  | 'cancel-io-once'
  | 'honours-signal'
  | 'no-write-after-cancel'
  | 'ready-after-cancel'
  | 'releases-device';

/** A rule as the suite states it. */
export interface ConformanceRule {
  id: ConformanceRuleId;
  title: string;
}

/** One line of a conformance report. */
export interface ConformanceRuleResult extends ConformanceRule {
  passed: boolean;
  /** Why it failed, or what was seen when it passed. */
  why: string;
}

/** Every rule, in report order. */
export const CONFORMANCE_RULES: readonly ConformanceRule[] = [
  { id: 'session', title: 'opens a session on its device and finds the item to acquire' },
  { id: 'transfer-complete', title: 'a multi-item transfer delivers every byte intact, in WIA message order' },
  { id: 'cancel-before-data', title: 'Cancel() before any data ends the transfer cancelled, no byte reaches the app' },
  { id: 'cancel-mid-read', title: 'Cancel() with a USB read in flight ends the transfer, nothing after it reaches the app' },
  { id: 'cancel-between-items', title: 'Cancel() between items: the first is whole, nothing of the next is delivered' },
  { id: 'cancel-inside-callback', title: "Cancel() from inside the app's TransferCallback ends the transfer" },
  { id: 'cancel-by-s-false', title: 'S_FALSE from TransferCallback or GetNextStream cancels the transfer' },
  { id: 'skip-item', title: 'WIA_STATUS_SKIP_ITEM skips that item only: none of its bytes reach the app, the transfer goes on' },
  { id: 'cancel-io-once', title: 'WIA_EVENT_CANCEL_IO reaches the driver exactly once per cancelled transfer' },
  { id: 'honours-signal', title: 'settles by itself within the grace period after every cancel (never needs the watchdog)' },
  { id: 'no-write-after-cancel', title: 'never writes to an item stream after the cancel' },
  { id: 'ready-after-cancel', title: 'after every cancel the next transfer works (device left ready)' },
  { id: 'releases-device', title: 'closing the session releases every claimed interface and closes what it opened' },
];

type Judgement = Pick<ConformanceRuleResult, 'passed' | 'why'>;

const pass = (why: string): Judgement => ({ passed: true, why });
const fail = (why: string): Judgement => ({ passed: false, why });

/** Scenarios whose rule is exactly that scenario. */
const SCENARIO_RULES: Partial<Record<ConformanceRuleId, ScenarioId[]>> = {
  'transfer-complete': ['complete'],
  'cancel-before-data': ['cancel-before-data'],
  'cancel-mid-read': ['cancel-mid-read'],
  'cancel-between-items': ['cancel-between-items'],
  'cancel-inside-callback': ['cancel-inside-callback'],
  'cancel-by-s-false': ['s-false-message', 's-false-stream'],
  'skip-item': ['skip-item'],
};

/** Scenarios that cancel (their main transfer), including the latency runs. */
const CANCELLING: ReadonlySet<ScenarioId> = new Set(['cancel-before-data', 'cancel-mid-read', 'cancel-between-items', 'cancel-inside-callback', 's-false-message', 's-false-stream', 'latency']);

function judgeScenarios(results: ScenarioResult[], ids: ScenarioId[]): Judgement {
  const mine = results.filter((r) => ids.includes(r.id));
  if (!mine.length) return fail('not run');
  for (const r of mine) {
    if (r.verdict.problems.length) return fail(`${mine.length > 1 ? `${r.id}: ` : ''}${r.verdict.problems.slice(0, 3).join('; ')}`);
  }
  return pass(mine.map((r) => r.verdict.summary).join(' | '));
}

/** Every transfer the suite observed, with the scenario it belongs to. */
function observations(results: ScenarioResult[]): Array<{ id: ScenarioId; o: TransferObservation; cancelled: boolean }> {
  const all: Array<{ id: ScenarioId; o: TransferObservation; cancelled: boolean }> = [];
  for (const r of results) {
    if (r.main) all.push({ id: r.id, o: r.main, cancelled: CANCELLING.has(r.id) });
    if (r.followUp) all.push({ id: r.id, o: r.followUp, cancelled: false });
  }
  return all;
}

function judgeCancelIo(results: ScenarioResult[]): Judgement {
  const cancelled = observations(results).filter((x) => x.cancelled && x.o.latchSeq !== undefined);
  if (!cancelled.length) return fail('not checked: no transfer was cancelled');
  for (const { id, o } of cancelled) {
    const threw = o.violations.find((v) => v.kind === 'threw' && v.phase === 'drvNotifyPnPEvent');
    if (threw) return fail(`${id}: drvNotifyPnPEvent(WIA_EVENT_CANCEL_IO) threw: ${threw.detail}`);
    // Before data the latch may close before drvAcquireItemData starts: then there is nothing to notify.
    const expected = id === 'cancel-before-data' ? [0, 1] : [1];
    if (!expected.includes(o.cancelIoCount)) return fail(`${id}: WIA_EVENT_CANCEL_IO was sent ${o.cancelIoCount} time(s)`);
  }
  return pass(`sent once in each of ${cancelled.length} cancelled transfers`);
}

function judgeSignal(results: ScenarioResult[]): Judgement {
  const cancelled = observations(results).filter((x) => x.cancelled && x.o.latchSeq !== undefined);
  if (!cancelled.length) return fail('not checked: no transfer was cancelled');
  for (const { id, o } of observations(results)) {
    const ignored = o.violations.find((v) => v.kind === 'ignored-cancel');
    if (ignored || o.report?.deviceNeedsReset) return fail(`ignores its signal: in ${id}, ${ignored?.detail ?? 'the watchdog had to abandon the plugin'}`);
    const late = o.violations.find((v) => v.kind === 'call-after-settle');
    if (late) return fail(`ignores its signal: in ${id}, ${late.detail}`);
  }
  const times = cancelled.flatMap(({ o }) => (o.cancelAt !== undefined && o.settledAt !== undefined ? [o.settledAt - o.cancelAt] : []));
  const worst = times.length ? ` (worst ${Math.max(...times).toFixed(1)} ms)` : '';
  return pass(`settled by itself after all ${cancelled.length} cancels${worst}`);
}

function judgeWrites(results: ScenarioResult[]): Judgement {
  const all = observations(results);
  if (!all.some((x) => x.cancelled)) return fail('not checked: no transfer was cancelled');
  for (const { id, o } of all) {
    const late = o.violations.find((v) => v.kind === 'write-after-cancel');
    if (late) return fail(`${id}: ${late.detail}`);
  }
  return pass(`no write after the cancel in ${all.filter((x) => x.cancelled).length} cancelled transfers`);
}

function judgeReady(results: ScenarioResult[], minItems: number): Judgement {
  const followed = results.filter((r) => r.followUp);
  if (!followed.length) return fail('not checked: no cancelled transfer was followed by another');
  for (const r of followed) {
    const problems = completedProblems(r.followUp!, Math.min(1, minItems));
    if (problems.length) return fail(`the transfer after ${r.id} failed: ${problems.slice(0, 3).join('; ')}`);
  }
  return pass(`the transfer after each of ${followed.length} cancels completed intact`);
}

function judgeLeaks(results: ScenarioResult[]): Judgement {
  const closed = results.filter((r) => !r.openError);
  if (!closed.length) return fail('not checked: no session was opened');
  const leaky = closed.find((r) => r.leaks.length);
  if (leaky) return fail(`after ${leaky.id}: ${leaky.leaks.join('; ')}`);
  return pass(`${closed.length} sessions closed clean`);
}

function judgeSession(results: ScenarioResult[]): Judgement {
  const broken = results.find((r) => r.openError);
  if (broken) return fail(broken.openError!);
  const labels = new Set(results.map((r) => r.deviceLabel));
  const first = results[0]?.deviceLabel;
  if (labels.size === 1 && first) return pass(`${results.length} sessions on ${first}`);
  return pass(`${results.length} sessions, each on a fresh device${first ? ` (first: ${first})` : ''}`);
}

/** Judges every rule from the scenario results. */
export function judgeRules(results: ScenarioResult[], minItems: number): ConformanceRuleResult[] {
  return CONFORMANCE_RULES.map((rule) => {
    const scenarioIds = SCENARIO_RULES[rule.id];
    let judgement: Judgement;
    if (scenarioIds) judgement = judgeScenarios(results, scenarioIds);
    else if (rule.id === 'session') judgement = judgeSession(results);
    else if (rule.id === 'cancel-io-once') judgement = judgeCancelIo(results);
    else if (rule.id === 'honours-signal') judgement = judgeSignal(results);
    else if (rule.id === 'no-write-after-cancel') judgement = judgeWrites(results);
    else if (rule.id === 'ready-after-cancel') judgement = judgeReady(results, minItems);
    else judgement = judgeLeaks(results);
    return { ...rule, ...judgement };
  });
}

/** Every rule failed for one reason (e.g. the hardware device was not found). */
export function failAllRules(why: string): ConformanceRuleResult[] {
  return CONFORMANCE_RULES.map((rule) => ({ ...rule, passed: false, why }));
}
