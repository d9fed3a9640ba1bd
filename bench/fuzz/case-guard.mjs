// What every fuzz case is checked for besides its own oracle: it must end
// (no hang), must not throw anything but a typed WiaError where errors are
// allowed (no crash), and must leave nothing behind (no leak): no handle or
// request open (process.getActiveResourcesInfo()), no timer still scheduled —
// ref'd or unref'd (async_hooks sees both) — no listener-leak warning (an
// AbortSignal collecting listeners), and no memory held past a budget.
import { createHook } from 'node:async_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { WiaError } from '@openwia/core';

/** Memory a finished case may still hold (heap + ArrayBuffers), bytes. */
export const MEMORY_BUDGET_BYTES = 64 * 1024 * 1024;

/** Counts of active resources by type (timers, sockets, file handles...). */
export function activeResources() {
  const counts = new Map();
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

/** Resource types with more instances now than in `before`, e.g. `Timeout +1`. */
export function leakedSince(before) {
  const leaks = [];
  for (const [type, count] of activeResources()) {
    const was = before.get(type) ?? 0;
    if (count > was) leaks.push(`${type} +${count - was}`);
  }
  return leaks;
}

/**
 * Node's own process-wide timers, not owned by any case: the HTTP `Date`
 * header cache (node:internal/http `utcDate`) clears itself each second.
 */
const NODE_CACHE_TIMERS = new Set(['resetCache']);

/**
 * Every timer created and not yet fired or cleared, ref'd or not
 * (`getActiveResourcesInfo` does not list unref'd ones). Timers the fuzzer
 * itself keeps (none) would show here too.
 */
class TimerWatch {
  #live = new Map();
  #stacks = new Map();
  #hook = createHook({
    init: (id, type, _trigger, resource) => {
      if (type !== 'Timeout') return;
      this.#live.set(id, resource);
      // FUZZ_TIMER_STACKS=1: say where a leaked timer was set (costly, for diagnosis only).
      if (process.env.FUZZ_TIMER_STACKS) this.#stacks.set(id, new Error().stack.split('\n').slice(3, 9).join(' <- '));
    },
    destroy: (id) => {
      this.#live.delete(id);
      this.#stacks.delete(id);
    },
  });

  enable() {
    this.#hook.enable();
  }

  disable() {
    this.#hook.disable();
    this.#live.clear();
    this.#stacks.clear();
  }

  /** Ids of the timers live now. */
  snapshot() {
    return new Set(this.#live.keys());
  }

  /** Timers live now that were not in `before`, described (`unref'd Timeout of 15000 ms`). */
  since(before) {
    const out = [];
    for (const [id, timer] of this.#live) {
      if (before.has(id) || timer._destroyed || timer._idleTimeout === -1 || NODE_CACHE_TIMERS.has(timer._onTimeout?.name)) continue;
      const where = this.#stacks.get(id);
      out.push(`${timer.hasRef?.() === false ? "unref'd" : "ref'd"} Timeout of ${timer._idleTimeout} ms${where ? ` set at ${where}` : ''}`);
    }
    return out;
  }
}

export const timerWatch = new TimerWatch();

/** Node's warnings during a case (MaxListenersExceededWarning: listeners piling up on an AbortSignal or emitter). */
const warnings = [];
const noteWarning = (warning) => warnings.push(warning);
let watching = false;

/**
 * Starts watching for what cases leave behind (timers, warnings); the first
 * guarded case does it. Not at import: an async hook with an `init` callback
 * makes every promise in the process cost several times more, and
 * `npm run bench` imports the fuzz runner beside the throughput suites (they
 * measured half their speed while it was on).
 */
export function startLeakWatch() {
  if (watching) return;
  watching = true;
  timerWatch.enable();
  process.on('warning', noteWarning);
}

/** Stops watching (the fuzz run is over): promises cost what they normally do again. */
export function stopLeakWatch() {
  if (!watching) return;
  watching = false;
  timerWatch.disable();
  process.off('warning', noteWarning);
  warnings.length = 0;
}

function memoryInUse() {
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

/** Tallies of one fuzz target. */
export class FuzzTally {
  constructor(target, unit) {
    this.target = target;
    this.unit = unit;
    this.cases = 0;
    this.violations = 0;
    this.crashes = 0;
    this.hangs = 0;
    this.leaks = 0;
    this.failures = 0;
    this.outcomes = {};
    this.firstProblems = [];
  }

  /** Records a case's outcome label (e.g. `typed-error`, `completed`). */
  outcome(label) {
    this.outcomes[label] = (this.outcomes[label] ?? 0) + 1;
  }

  problem(kind, detail) {
    this[kind]++;
    if (this.firstProblems.length < 5) this.firstProblems.push(`${kind}: ${String(detail).slice(0, 500)}`);
  }

  /**
   * Counts a property that fast-check itself reports as failed (a predicate
   * that threw or returned false). A run cut by the time limit before its
   * first case is not a failure of the code under test.
   */
  checkResult(details) {
    const cutBeforeAnyCase = details.interrupted && details.counterexample === null && details.errorInstance === null;
    if (details.failed && !cutBeforeAnyCase) this.problem('failures', `fast-check: ${details.errorInstance?.message ?? 'property failed'} (seed ${details.seed}, path ${details.counterexamplePath})`);
    return this;
  }

  toJSON() {
    const { target, unit, cases, violations, crashes, hangs, leaks, failures, outcomes, firstProblems } = this;
    return { target, unit, cases, violations, crashes, hangs, leaks, failures, outcomes, ...(firstProblems.length ? { firstProblems } : {}) };
  }
}

/** What a case left behind: resources, timers, listener warnings and memory since `before`. */
export function leftBehind(before) {
  const leaks = [...leakedSince(before.resources), ...timerWatch.since(before.timers)];
  for (const warning of warnings.splice(before.warnings)) leaks.push(`${warning.name}: ${warning.message}`);
  const grown = memoryInUse() - before.memory;
  if (grown > MEMORY_BUDGET_BYTES) leaks.push(`memory +${Math.round(grown / 2 ** 20)} MiB held after the case`);
  return leaks;
}

/** The state {@link leftBehind} compares with. */
export function caseStart() {
  startLeakWatch();
  return { resources: activeResources(), timers: timerWatch.snapshot(), warnings: warnings.length, memory: memoryInUse() };
}

/**
 * Cases still running. fast-check's `interruptAfterTimeLimit` stops waiting
 * for the case in progress when a target's time is up, but that case goes on:
 * unjudged, it would leave its last steps (timers, reads) to be blamed on the
 * next target's first cases as leaks — and its own hang or violation would go
 * untold. {@link settleGuardedCases} waits for it.
 */
const running = new Set();

/** Waits until every guarded case has finished and been judged (each is bounded by its hang timeout). */
export async function settleGuardedCases() {
  while (running.size > 0) await Promise.all(running);
}

/**
 * Runs one async case under the guard: a hang after `timeoutMs`, a crash for
 * any non-WiaError thrown, a leak for anything left behind once the case
 * settled. `body` returns an outcome label, or a violation as `{ violation }`.
 */
export async function guardedCase(tally, body, timeoutMs = 10_000) {
  const judged = judgeCase(tally, body, timeoutMs);
  running.add(judged);
  try {
    await judged;
  } finally {
    running.delete(judged);
  }
}

async function judgeCase(tally, body, timeoutMs) {
  const before = caseStart();
  tally.cases++;
  let timer;
  const hang = new Promise((resolve) => (timer = setTimeout(() => resolve({ hang: true }), timeoutMs)));
  let result;
  try {
    result = await Promise.race([body(), hang]);
  } catch (err) {
    result = err instanceof WiaError ? `typed-error:${err.name}` : { crash: err };
  } finally {
    clearTimeout(timer);
  }
  if (result?.hang) tally.problem('hangs', `case ${tally.cases} did not settle within ${timeoutMs} ms`);
  else if (result?.crash) tally.problem('crashes', result.crash?.stack ?? result.crash);
  else if (result?.violation) tally.problem('violations', result.violation);
  else tally.outcome(result ?? 'ok');
  await nextTurn();
  await nextTurn();
  const leaks = leftBehind(before);
  if (leaks.length) tally.problem('leaks', `case ${tally.cases}: ${leaks.join(', ')}`);
}
