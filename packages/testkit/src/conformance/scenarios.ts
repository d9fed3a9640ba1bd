import { WIA_TRANSFER_MSG_END_OF_STREAM } from '@openwia/core';
import { observeTransfer, type TransferObservation, type TransferPlan } from './observed-transfer.js';
import { ConformanceSession, SessionOpenError, message } from './session.js';
import type { DeviceSource } from './device-under-test.js';
import type { ResolvedTarget } from './target.js';
import { bytesDelivered, cancelledProblems, completedProblems, contentChecked } from './transfer-checks.js';

/** The transfers the suite runs, each in a session of its own. */
export type ScenarioId =
  | 'complete'
  | 'cancel-before-data'
  | 'cancel-mid-read'
  | 'cancel-between-items'
  | 'cancel-inside-callback'
  | 's-false-message'
  | 's-false-stream'
  | 'skip-item'
  | 'latency';

/** What the scenarios share: the target's bounds and what the reference transfer found. */
export interface ScenarioContext {
  minItems: number;
  timeoutMs: number;
  /** Items the `complete` scenario delivered (undefined until it ran). */
  referenceItems: number | undefined;
}

/** The judgement of a scenario's own transfer. */
interface Verdict {
  problems: string[];
  /** What a passing line says, e.g. `3 items, 270336 bytes identical to what the device served`. */
  summary: string;
}

interface ScenarioSpec {
  id: ScenarioId;
  /** Cancelled transfers are followed by a complete one in the same session (device left ready?). */
  cancels: boolean;
  plan(ctx: ScenarioContext): TransferPlan;
  judge(o: TransferObservation, ctx: ScenarioContext): Verdict;
}

/** One scenario's session and transfers. */
export interface ScenarioResult {
  id: ScenarioId;
  /** Why the session could not be opened (nothing else ran). */
  openError: string | undefined;
  deviceLabel: string | undefined;
  main: TransferObservation | undefined;
  /** The transfer right after a cancel, in the same session. */
  followUp: TransferObservation | undefined;
  verdict: Verdict;
  /** What the plugin left behind when its session closed. */
  leaks: string[];
}

/** The index of the item the skip scenario skips: one with items after it, in the middle when there are three or more. */
function skipIndex(ctx: ScenarioContext): number {
  return (ctx.referenceItems ?? ctx.minItems) >= 3 ? 1 : 0;
}

function settleNote(o: TransferObservation): string {
  if (o.cancelAt === undefined || o.settledAt === undefined) return '';
  return `; settled ${(o.settledAt - o.cancelAt).toFixed(1)} ms after the cancel`;
}

function cancelVerdict(o: TransferObservation, extra: string[], how: string): Verdict {
  const problems = [...cancelledProblems(o), ...extra];
  return { problems, summary: `${how}; ${bytesDelivered(o)} byte(s) reached the app before it, none after${settleNote(o)}` };
}

function triggerProblems(o: TransferObservation): string[] {
  return o.trigger?.fired ? [] : [`the cancel could not be placed: ${o.trigger?.note ?? 'no trigger'}`];
}

function firstItemWhole(o: TransferObservation): string[] {
  const first = o.report?.items[0];
  return first?.status === 'transferred' ? [] : [`the item before the cancel should be whole, it is ${first?.status ?? 'missing'}`];
}

const SCENARIOS: Record<Exclude<ScenarioId, 'latency'>, ScenarioSpec> = {
  complete: {
    id: 'complete',
    cancels: false,
    plan: () => ({}),
    judge: (o, ctx) => {
      const items = o.report?.items.length ?? 0;
      const content = contentChecked(o) ? 'identical to what the device served' : 'delivered (content not compared: the device does not say what it served)';
      return { problems: completedProblems(o, ctx.minItems), summary: `${items} items, ${bytesDelivered(o)} bytes ${content}, messages in WIA order` };
    },
  },
  'cancel-before-data': {
    id: 'cancel-before-data',
    cancels: true,
    plan: () => ({ trigger: 'before-data' }),
    judge: (o) => {
      const early = bytesDelivered(o) > 0 ? [`${bytesDelivered(o)} byte(s) reached the app`] : [];
      return cancelVerdict(o, [...triggerProblems(o), ...early], o.trigger?.note ?? 'Cancel()');
    },
  },
  'cancel-mid-read': {
    id: 'cancel-mid-read',
    cancels: true,
    plan: () => ({ trigger: 'mid-read' }),
    judge: (o) => cancelVerdict(o, triggerProblems(o), o.trigger?.note ?? 'Cancel()'),
  },
  'cancel-between-items': {
    id: 'cancel-between-items',
    cancels: true,
    plan: () => ({ message: (p) => (p.lMessage === WIA_TRANSFER_MSG_END_OF_STREAM ? 'cancel-inside' : 'ok') }),
    judge: (o) => {
      const later = [...o.app.sinks.keys()].slice(1);
      const extra = later.length ? [`item(s) after the cancel got a stream: ${later.join(', ')}`] : [];
      return cancelVerdict(o, [...firstItemWhole(o), ...extra], "Cancel() in the first item's END_OF_STREAM");
    },
  },
  'cancel-inside-callback': {
    id: 'cancel-inside-callback',
    cancels: true,
    plan: () => ({ message: (_p, index) => (index === 0 ? 'cancel-inside' : 'ok') }),
    judge: (o) => {
      const reached = o.app.cancelSeq === undefined ? ['no TransferCallback message came to cancel from'] : [];
      return cancelVerdict(o, reached, 'Cancel() inside the first TransferCallback');
    },
  },
  's-false-message': {
    id: 's-false-message',
    cancels: true,
    plan: () => ({ message: (_p, index) => (index === 0 ? 'cancel' : 'ok') }),
    judge: (o) => {
      const reached = o.app.cancelSeq === undefined ? ['no TransferCallback message came to answer S_FALSE to'] : [];
      return cancelVerdict(o, reached, 'S_FALSE from the first TransferCallback');
    },
  },
  's-false-stream': {
    id: 's-false-stream',
    cancels: true,
    plan: () => ({ stream: (_name, index) => (index === 1 ? 'cancel' : 'stream') }),
    judge: (o) => cancelVerdict(o, firstItemWhole(o), "S_FALSE from the second item's GetNextStream"),
  },
  'skip-item': {
    id: 'skip-item',
    cancels: false,
    plan: (ctx) => ({ stream: (_name, index) => (index === skipIndex(ctx) ? 'skip' : 'stream') }),
    judge: judgeSkip,
  },
};

function judgeSkip(o: TransferObservation, ctx: ScenarioContext): Verdict {
  const k = skipIndex(ctx);
  const items = o.report?.items ?? [];
  const skipped = items[k];
  const problems = completedProblems(o, 0).filter((p) => !p.endsWith(' ended skipped'));
  if (!skipped || skipped.status !== 'skipped') problems.push(`item ${k + 1} was skipped by the app but is ${skipped?.status ?? 'missing'} in the report`);
  if (skipped) {
    // Bytes of the skipped item reaching the app are reported by the contract check (rule 7).
    const askedAgain = o.app.calls.filter((c) => c.kind === 'next-stream' && c.fullItemName === skipped.fullItemName).length;
    if (askedAgain > 1) problems.push(`the plugin asked ${askedAgain} times for a stream for the skipped ${skipped.fullItemName}`);
  }
  const delivered = items.filter((i) => i.status === 'transferred').length;
  const expected = ctx.referenceItems === undefined ? k + 1 : ctx.referenceItems - 1;
  if (delivered < expected) problems.push(`the transfer stopped at the skipped item: ${delivered} item(s) delivered, ${expected} expected after skipping one`);
  return { problems, summary: `item ${k + 1} skipped (nothing of it reached the app), ${delivered} other item(s) delivered whole` };
}

/** The scenario ids of the rules, in the order they run. */
export const SCENARIO_ORDER = Object.keys(SCENARIOS) as Array<Exclude<ScenarioId, 'latency'>>;

/** A cancelled transfer timed for the latency figures: Cancel() with a read in flight. */
const LATENCY: ScenarioSpec = { id: 'latency', cancels: false, plan: () => ({ trigger: 'mid-read' }), judge: () => ({ problems: [], summary: '' }) };

/** Runs one scenario in a session of its own; never rejects. */
export async function runScenario(id: ScenarioId, target: ResolvedTarget, source: DeviceSource, ctx: ScenarioContext): Promise<ScenarioResult> {
  const spec = id === 'latency' ? LATENCY : SCENARIOS[id];
  const result: ScenarioResult = { id, openError: undefined, deviceLabel: undefined, main: undefined, followUp: undefined, verdict: { problems: [], summary: '' }, leaks: [] };
  let session: ConformanceSession;
  try {
    session = await ConformanceSession.open(target, source);
  } catch (err) {
    result.openError = message(err);
    result.deviceLabel = err instanceof SessionOpenError ? err.deviceLabel : undefined;
    result.verdict = { problems: [`not run: ${result.openError}`], summary: '' };
    return result;
  }
  result.deviceLabel = session.dut.label;
  try {
    result.main = await observeTransfer(session, spec.plan(ctx), ctx.timeoutMs);
    result.verdict = spec.judge(result.main, ctx);
    if (spec.cancels && result.main.report) result.followUp = await observeTransfer(session, {}, ctx.timeoutMs);
  } finally {
    result.leaks = await session.close();
  }
  return result;
}
