import { expect } from 'chai';
import fc from 'fast-check';
import { S_OK } from '@openwia/core';
import { checkContractSchedule, contractScenario, contractScheduleProperty, runContractSchedule, type ContractScheduleScenario } from './contract-schedules.js';

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
        const { report, harness } = await runContractSchedule(scheduler, s);
        outcomes.add(report.outcome);
        for (const item of report.items) outcomes.add(`item:${item.status}`);
        // An external Cancel() that landed after bytes had reached the app, not only before the transfer began.
        if (harness.app.cancelSeq !== undefined && harness.latchReason === 'cancel' && report.bytes > 0 && s.externalCancel) outcomes.add('external-cancel-mid-transfer');
        if (harness.latchReason === 'device-lost' && report.bytes > 0) outcomes.add('unplug-mid-transfer');
      }),
      { numRuns: 300, seed: 42 },
    );
    expect([...outcomes]).to.include.members(['completed', 'completed-partial', 'no-media', 'cancelled', 'failed', 'item:transferred', 'item:skipped', 'item:cancelled', 'item:failed', 'external-cancel-mid-transfer', 'unplug-mid-transfer']);
  });
});

/** Schedules the property suite found breaking the contract, replayed in the order that broke it. */
describe('schedules the property suite once failed', () => {
  const ok = Array<'ok'>(12).fill('ok');
  const quiet = { behaviour: 'conforming', result: S_OK, externalCancel: false, externalEvent: 'cancel', slowDisk: false, failSink: undefined, closeSink: undefined } as const;
  const replay = async (order: number[], s: ContractScheduleScenario): Promise<string[]> => checkContractSchedule(s, await runContractSchedule(fc.schedulerFor(order), s));

  it('a Cancel() that lands while a page is scanned, after the page before it ended: that page stays transferred (rule 8)', async () => {
    const s: ContractScheduleScenario = { ...quiet, items: [1, 1], fault: undefined, singleScan: true, streams: ['stream', 'stream', 'stream', 'stream'], messages: ok, externalCancel: true, endStreams: true, cancelAfterGates: 3 };
    // scan 0, read 0:0, scan 1 scheduled (the Cancel() joins at the third), then the Cancel() before scan 1.
    expect(await replay([1, 2, 4, 3], s)).to.deep.equal([]);
  });

  it('a Cancel() that latches while the previous item closes: the app is not asked for the next stream (rule 5)', async () => {
    const s: ContractScheduleScenario = { ...quiet, items: [0, 0, 3], fault: { item: 0, chunk: 0, kind: 'hang' }, singleScan: true, streams: ['stream', 'stream', 'skip', 'stream'], messages: ['ok', 'ok', 'ok', 'cancel', ...ok.slice(4)], endStreams: true, cancelAfterGates: 2 };
    expect(await replay([1, 2, 3], s)).to.deep.equal([]);
  });

  it('an app stream that destroys itself right after accepting a chunk, then a Cancel(): the chunk counts (bytes after the outcome)', async () => {
    const s: ContractScheduleScenario = { ...quiet, items: [3], fault: { item: 2, chunk: 2, kind: 'hang' }, singleScan: false, streams: ['stream', 'cancel', 'stream', 'stream'], messages: ok, closeSink: { index: 0, afterBytes: 0 }, endStreams: false, cancelAfterGates: 2 };
    expect(await replay([1, 2, 3], s)).to.deep.equal([]);
  });
});
