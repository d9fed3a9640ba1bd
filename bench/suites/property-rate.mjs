// The property test suite's engine: how many random contract schedules are
// generated, run and checked per second (the same generator and checks as
// packages/testkit/src/contract/contract-schedules.property.test.ts).
import fc from 'fast-check';
import { contractScheduleProperty } from '@openwia/testkit/contract-schedules';

/** The driver behaviours the property suite covers. */
export const SCHEDULE_BEHAVIOURS = ['conforming', 'ignore-signal', 'write-after-cancel'];

/**
 * Checks schedules of one behaviour for `ms` milliseconds (fast-check stops at the time limit).
 * @returns {Promise<{ behaviour: string, schedules: number, violations: number, seconds: number, failure?: string }>}
 */
export async function checkSchedulesFor(behaviour, ms, seed) {
  const t0 = performance.now();
  const details = await fc.check(contractScheduleProperty([behaviour]), {
    numRuns: 1e9,
    interruptAfterTimeLimit: ms,
    markInterruptAsFailure: false,
    ...(seed !== undefined ? { seed } : {}),
  });
  const seconds = (performance.now() - t0) / 1000;
  const result = { behaviour, schedules: details.numRuns, violations: details.failed ? 1 : 0, seconds };
  if (details.failed) result.failure = `seed ${details.seed}, path ${details.counterexamplePath}: ${String(details.errorInstance ?? details.error).slice(0, 2000)}`;
  return result;
}

/**
 * @param {{ quick?: boolean }} options
 */
export async function measurePropertyRate({ quick = false } = {}) {
  const ms = quick ? 1000 : 3000;
  const byBehaviour = [];
  for (const behaviour of SCHEDULE_BEHAVIOURS) byBehaviour.push(await checkSchedulesFor(behaviour, ms));
  const schedules = byBehaviour.reduce((n, b) => n + b.schedules, 0);
  const seconds = byBehaviour.reduce((n, b) => n + b.seconds, 0);
  return {
    method: `fast-check runs the contract-schedule property for ${ms} ms per driver behaviour; a schedule = generate + run + check every contract rule`,
    schedulesPerSecond: Math.round(schedules / seconds),
    schedules,
    violations: byBehaviour.reduce((n, b) => n + b.violations, 0),
    byBehaviour: byBehaviour.map((b) => ({ behaviour: b.behaviour, schedulesPerSecond: Math.round(b.schedules / b.seconds), violations: b.violations, ...(b.failure ? { failure: b.failure } : {}) })),
  };
}
