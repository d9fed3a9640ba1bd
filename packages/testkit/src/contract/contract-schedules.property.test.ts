import { expect } from 'chai';
import fc from 'fast-check';
import { contractScenario, contractScheduleProperty, runContractSchedule } from './contract-schedules.js';

/**
 * Random schedules against the contract (generator and checks in
 * contract-schedules.ts, shared with the benchmark and `npm run fuzz`):
 * every schedule must satisfy every rule.
 */

/** Schedules per property; the three properties below add up to over 10 000 per `npm test`. */
const RUNS = Number(process.env.OPENWIA_PROPERTY_RUNS ?? 4000);

describe('the contract holds on random schedules (fast-check)', function () {
  this.timeout(120_000);

  it(`a conforming plugin: ${RUNS} schedules of cancel, skip, errors, unplug and completion`, async () => {
    await fc.assert(contractScheduleProperty(['conforming']), { numRuns: RUNS });
  });

  it(`a plugin that ignores its signal and callback answers: ${RUNS} schedules`, async () => {
    await fc.assert(contractScheduleProperty(['ignore-signal']), { numRuns: RUNS });
  });

  it(`a plugin that writes after the cancel: ${RUNS} schedules`, async () => {
    await fc.assert(contractScheduleProperty(['write-after-cancel']), { numRuns: RUNS });
  });

  it('the scheduler is exercised: a sample of schedules really cancels, skips, fails and completes', async () => {
    const outcomes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), contractScenario(['conforming']), async (scheduler, s) => {
        const { report } = await runContractSchedule(scheduler, s);
        outcomes.add(report.outcome);
        for (const item of report.items) outcomes.add(`item:${item.status}`);
      }),
      { numRuns: 300, seed: 42 },
    );
    expect([...outcomes]).to.include.members(['completed', 'completed-partial', 'no-media', 'cancelled', 'failed', 'item:transferred', 'item:skipped', 'item:cancelled', 'item:failed']);
  });
});
