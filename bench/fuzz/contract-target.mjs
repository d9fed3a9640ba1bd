// Fuzz target: random contract schedules (all three driver behaviours), each
// checked against every rule of the cancellation contract, for hangs, and for
// handles left open.
import fc from 'fast-check';
import { checkContractSchedule, contractScenario, runContractSchedule } from '@openwia/testkit/contract-schedules';
import { FuzzTally, guardedCase } from './case-guard.mjs';

const BEHAVIOURS = ['conforming', 'ignore-signal', 'write-after-cancel'];

/** Runs schedules for `ms` milliseconds. */
export async function fuzzContractSchedules(ms, seed) {
  const tally = new FuzzTally('contract-schedules', 'random schedules (conforming, ignore-signal and write-after-cancel plugins)');
  const property = fc.asyncProperty(fc.scheduler(), contractScenario(BEHAVIOURS), async (scheduler, scenario) => {
    await guardedCase(tally, async () => {
      let run;
      try {
        run = await runContractSchedule(scheduler, scenario);
      } catch (err) {
        if (/never settled/.test(String(err))) return { hang: true };
        throw err;
      }
      const problems = checkContractSchedule(scenario, run);
      return problems.length ? { violation: problems.join('; ') } : run.report.outcome;
    });
  });
  tally.checkResult(await fc.check(property, { numRuns: 1e9, interruptAfterTimeLimit: ms, markInterruptAsFailure: false, ...(seed !== undefined ? { seed } : {}) }));
  return tally;
}
