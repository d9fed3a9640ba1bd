// What every fuzz case is checked for besides its own oracle: it must end
// (no hang), must not throw anything but a typed WiaError where errors are
// allowed (no crash), and must leave no handle or request open (no leak:
// process.getActiveResourcesInfo() before and after the case).
import { setImmediate as nextTurn } from 'node:timers/promises';
import { WiaError } from '@openwia/core';

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

  toJSON() {
    const { target, unit, cases, violations, crashes, hangs, leaks, outcomes, firstProblems } = this;
    return { target, unit, cases, violations, crashes, hangs, leaks, outcomes, ...(firstProblems.length ? { firstProblems } : {}) };
  }
}

/**
 * Runs one async case under the guard: a hang after `timeoutMs`, a crash for
 * any non-WiaError thrown, a leak for resources left open once the case
 * settled. `body` returns an outcome label, or a violation as `{ violation }`.
 */
export async function guardedCase(tally, body, timeoutMs = 10_000) {
  const before = activeResources();
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
  const leaks = leakedSince(before);
  if (leaks.length) tally.problem('leaks', `case ${tally.cases}: ${leaks.join(', ')}`);
}
