import { expect } from 'chai';
import fc from 'fast-check';
import {
  S_OK,
  WIA_ERROR_EXCEPTION_IN_DRIVER,
  WIA_ERROR_OFFLINE,
  WIA_ERROR_PAPER_EMPTY,
  WIA_STATUS_END_OF_MEDIA,
  type TransferReport,
} from '@openwia/core';
import type { AppMessageAnswer, AppStreamAnswer } from '../recording/index.js';
import type { ScriptedBehaviour, ScriptedFault } from '../scripted-driver/index.js';
import { ManualTimers, flushAsync } from '../timing/index.js';
import { ContractHarness } from './contract-harness.js';

/**
 * Random schedules against the contract: fast-check's scheduler decides the
 * order in which reads complete, a slow disk drains, and an external Cancel()
 * lands, while the generated app and driver answer, skip, cancel, throw, hang,
 * fail, unplug and complete. Every schedule must satisfy every rule.
 */

const GRACE_MS = 500;
/** Schedules per property; the three properties below add up to over 10 000 per `npm test`. */
const RUNS = Number(process.env.OPENWIA_PROPERTY_RUNS ?? 4000);

/** Mostly cooperative answers, with each disruption likely enough to meet every other in some schedule. */
function weighted<T>(common: T, commonWeight: number, rare: T[]): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: fc.constant(common), weight: commonWeight }, ...rare.map((r) => ({ arbitrary: fc.constant(r), weight: 1 })));
}
const streamAnswer = weighted<AppStreamAnswer>('stream', 12, ['skip', 'skip', 'skip', 'cancel', 'throw', 'hang', 'no-stream']);
const messageAnswer = weighted<AppMessageAnswer>('ok', 40, ['cancel', 'cancel-inside', 'throw', 'hang']);

const scenario = (behaviours: ScriptedBehaviour[]) =>
  fc.record({
    items: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }),
    behaviour: fc.constantFrom(...behaviours),
    fault: fc.option(fc.record({ item: fc.nat(3), chunk: fc.nat(2), kind: fc.constantFrom<ScriptedFault['kind']>('throw', 'offline', 'hang') }), { nil: undefined, freq: 3 }),
    result: fc.constantFrom(S_OK, S_OK, S_OK, WIA_STATUS_END_OF_MEDIA, WIA_ERROR_PAPER_EMPTY),
    singleScan: fc.boolean(),
    streams: fc.array(streamAnswer, { minLength: 4, maxLength: 4 }),
    messages: fc.array(messageAnswer, { minLength: 12, maxLength: 12 }),
    externalCancel: weighted(false, 2, [true]),
    slowDisk: fc.boolean(),
    failSink: fc.option(fc.record({ index: fc.nat(3), afterBytes: fc.nat(8) }), { nil: undefined, freq: 8 }),
  });

type Scenario = ReturnType<typeof scenario> extends fc.Arbitrary<infer T> ? T : never;

function needsCancelToEnd(s: Scenario): boolean {
  return s.fault?.kind === 'hang' || s.streams.includes('hang') || s.messages.includes('hang');
}

async function runSchedule(scheduler: fc.Scheduler, s: Scenario): Promise<{ harness: ContractHarness; report: TransferReport; timers: ManualTimers }> {
  const timers = new ManualTimers();
  const harness = new ContractHarness({
    driver: {
      items: s.items.map((chunks, i) => ({ name: `item${i}`, chunks })),
      chunkSize: 4,
      behaviour: s.behaviour,
      ...(s.fault ? { fault: s.fault } : {}),
      result: s.result,
      singleScan: s.singleScan,
      readGate: (item, chunk) => scheduler.schedule(Promise.resolve(), `read ${item}:${chunk}`),
    },
    app: {
      stream: (_name, index) => s.streams[index % s.streams.length]!,
      message: (_params, index) => s.messages[index % s.messages.length]!,
      ...(s.slowDisk ? { sinkGate: () => scheduler.schedule(Promise.resolve(), 'disk') } : {}),
      ...(s.failSink ? { failSink: s.failSink } : {}),
    },
    timers,
    graceMs: GRACE_MS,
  });
  const run = await harness.prepare();
  const pending = run.run();
  let settled = false;
  pending.then(() => (settled = true));
  if (s.externalCancel || needsCancelToEnd(s)) scheduler.schedule(Promise.resolve(), 'Cancel()').then(() => harness.cancel());
  // Drive the schedule; the watchdog's grace period passes only when nothing else can happen.
  for (let round = 0; round < 100 && !settled; round++) {
    await scheduler.waitAll();
    await flushAsync(2);
    if (!settled && scheduler.count() === 0) timers.advance(GRACE_MS);
  }
  if (!settled) throw new Error('the transfer never settled (hang)');
  return { harness, report: await pending, timers };
}

function checkSchedule(s: Scenario, harness: ContractHarness, report: TransferReport, timers: ManualTimers): string[] {
  const problems = harness.check(report);
  if (timers.pendingCount) problems.push(`${timers.pendingCount} watchdog timer(s) left running`);
  if (harness.driver.log.locks !== harness.driver.log.unlocks) problems.push('lock and unlock are not balanced');
  const ignored = report.violations.some((v) => v.kind === 'ignored-cancel');
  if (s.behaviour === 'conforming' && report.violations.length) problems.push(`a conforming driver was reported: ${JSON.stringify(report.violations)}`);
  if (ignored !== report.deviceNeedsReset) problems.push('an abandoned driver must mark the device for reset, and only then');
  if (!harness.latchReason && !ignored) {
    const faultHit = report.error?.hresult === WIA_ERROR_OFFLINE || report.error?.hresult === WIA_ERROR_EXCEPTION_IN_DRIVER;
    if (report.outcome === 'cancelled') problems.push('cancelled without any cancel');
    if (report.outcome === 'failed' && !faultHit) problems.push(`failed without a fault: ${report.error}`);
    if (report.outcome === 'completed-partial' && s.result !== WIA_STATUS_END_OF_MEDIA) problems.push('partial without END_OF_MEDIA');
    if (report.outcome === 'no-media' && s.result !== WIA_ERROR_PAPER_EMPTY) problems.push('no-media without PAPER_EMPTY');
  }
  return problems;
}

function contractProperty(behaviours: ScriptedBehaviour[]) {
  return fc.asyncProperty(fc.scheduler(), scenario(behaviours), async (scheduler, s) => {
    const { harness, report, timers } = await runSchedule(scheduler, s);
    const problems = checkSchedule(s, harness, report, timers);
    if (problems.length) throw new Error(`${problems.join('\n')}\nreport: ${JSON.stringify(report, null, 1)}`);
  });
}

describe('the contract holds on random schedules (fast-check)', function () {
  this.timeout(120_000);

  it(`a conforming plugin: ${RUNS} schedules of cancel, skip, errors, unplug and completion`, async () => {
    await fc.assert(contractProperty(['conforming']), { numRuns: RUNS });
  });

  it(`a plugin that ignores its signal and callback answers: ${RUNS} schedules`, async () => {
    await fc.assert(contractProperty(['ignore-signal']), { numRuns: RUNS });
  });

  it(`a plugin that writes after the cancel: ${RUNS} schedules`, async () => {
    await fc.assert(contractProperty(['write-after-cancel']), { numRuns: RUNS });
  });

  it('the scheduler is exercised: a sample of schedules really cancels, skips, fails and completes', async () => {
    const outcomes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), scenario(['conforming']), async (scheduler, s) => {
        const { report } = await runSchedule(scheduler, s);
        outcomes.add(report.outcome);
        for (const item of report.items) outcomes.add(`item:${item.status}`);
      }),
      { numRuns: 300, seed: 42 },
    );
    expect([...outcomes]).to.include.members(['completed', 'completed-partial', 'no-media', 'cancelled', 'failed', 'item:transferred', 'item:skipped', 'item:cancelled', 'item:failed']);
  });
});
