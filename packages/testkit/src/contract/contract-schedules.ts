import fc from 'fast-check';
import {
  WIA_ERROR_EXCEPTION_IN_DRIVER,
  WIA_ERROR_INVALID_DRIVER_RESPONSE,
  WIA_ERROR_OFFLINE,
  WIA_ERROR_PAPER_EMPTY,
  WIA_STATUS_END_OF_MEDIA,
  S_OK,
  type TransferReport,
} from '@openwia/core';
import type { AppMessageAnswer, AppStreamAnswer } from '../recording/index.js';
import type { ScriptedBehaviour, ScriptedFault } from '../scripted-driver/index.js';
import { ManualTimers, flushAsync } from '../timing/index.js';
import { ContractHarness } from './contract-harness.js';

/**
 * Random schedules against the cancellation contract, shared by the property
 * test suite, the benchmark (schedules per second) and `npm run fuzz`:
 * fast-check's scheduler decides the order in which reads complete, a slow
 * disk drains, and an external Cancel() or unplug lands, while the generated
 * app and driver answer, skip, cancel, throw, hang, fail, unplug and complete.
 *
 * Import it from `@openwia/testkit/contract-schedules` (it needs `fast-check`,
 * which the main entry point does not load).
 */

/** A success code WIA does not define for `drvAcquireItemData`: the engine must fail it, typed, never pass it through. */
export const UNKNOWN_SUCCESS_CODE = 12345;

/** The watchdog grace period of every schedule (on a {@link ManualTimers} clock: no real waiting). */
export const CONTRACT_SCHEDULE_GRACE_MS = 500;

/** Mostly cooperative answers, with each disruption likely enough to meet every other in some schedule. */
function weighted<T>(common: T, commonWeight: number, rare: T[]): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: fc.constant(common), weight: commonWeight }, ...rare.map((r) => ({ arbitrary: fc.constant(r), weight: 1 })));
}
const streamAnswer = weighted<AppStreamAnswer>('stream', 12, ['skip', 'skip', 'skip', 'cancel', 'throw', 'hang', 'no-stream']);
const messageAnswer = weighted<AppMessageAnswer>('ok', 40, ['cancel', 'cancel-inside', 'throw', 'hang']);

/** One generated schedule: the items, the driver's behaviour and fault, the app's answers, and the disruptions. */
export interface ContractScheduleScenario {
  /** Chunks per item (0–3), 1–4 items. */
  items: number[];
  behaviour: ScriptedBehaviour;
  fault: { item: number; chunk: number; kind: ScriptedFault['kind'] } | undefined;
  result: number;
  singleScan: boolean;
  streams: AppStreamAnswer[];
  messages: AppMessageAnswer[];
  externalCancel: boolean;
  /**
   * What the external disruption is: the app's `Cancel()`, or the device unplugged (the driver hears
   * `WIA_EVENT_DEVICE_DISCONNECTED` and the transfer fails with `WIA_ERROR_OFFLINE`, as
   * `WiaDevice.notifyDisconnected` does).
   */
  externalEvent: 'cancel' | 'unplug';
  slowDisk: boolean;
  failSink: { index: number; afterBytes: number } | undefined;
  /** The app destroys one item's stream itself, without an error, after some bytes. */
  closeSink: { index: number; afterBytes: number } | undefined;
  /** The driver ends each item's stream and waits for it to finish, as the plugin base does. */
  endStreams: boolean;
  /**
   * Where the external `Cancel()` enters: once the transfer has made this many of its scheduled points (reads,
   * page scans, disk writes), it joins them and the scheduler lands it among them; 0 before the first.
   */
  cancelAfterGates: number;
}

/** The generator of {@link ContractScheduleScenario}s for drivers with one of `behaviours`. */
export function contractScenario(behaviours: readonly ScriptedBehaviour[]): fc.Arbitrary<ContractScheduleScenario> {
  return fc.record({
    items: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }),
    behaviour: fc.constantFrom(...behaviours),
    fault: fc.option(fc.record({ item: fc.nat(3), chunk: fc.nat(2), kind: fc.constantFrom<ScriptedFault['kind']>('throw', 'offline', 'hang') }), { nil: undefined, freq: 3 }),
    result: fc.constantFrom(S_OK, S_OK, S_OK, WIA_STATUS_END_OF_MEDIA, WIA_ERROR_PAPER_EMPTY, UNKNOWN_SUCCESS_CODE),
    singleScan: fc.boolean(),
    streams: fc.array(streamAnswer, { minLength: 4, maxLength: 4 }),
    messages: fc.array(messageAnswer, { minLength: 12, maxLength: 12 }),
    externalCancel: weighted(false, 2, [true]),
    externalEvent: weighted<'cancel' | 'unplug'>('cancel', 3, ['unplug']),
    slowDisk: fc.boolean(),
    failSink: fc.option(fc.record({ index: fc.nat(3), afterBytes: fc.nat(8) }), { nil: undefined, freq: 8 }),
    closeSink: fc.option(fc.record({ index: fc.nat(3), afterBytes: fc.nat(8) }), { nil: undefined, freq: 8 }),
    endStreams: fc.boolean(),
    cancelAfterGates: fc.nat(10),
  });
}

/** A schedule that cannot end by itself: something in it hangs until cancelled. */
function needsCancelToEnd(s: ContractScheduleScenario): boolean {
  return s.fault?.kind === 'hang' || s.streams.includes('hang') || s.messages.includes('hang');
}

/** A finished schedule: what the checks look at. */
export interface ContractScheduleRun {
  harness: ContractHarness;
  report: TransferReport;
  timers: ManualTimers;
}

/**
 * The external `Cancel()` (or unplug) of a schedule. Scheduled up front, it would always be the scheduler's
 * only task at the first wait — every external cancel would land before the transfer did anything — so it
 * joins the scheduler's tasks only once the transfer has made `afterGates` scheduled points, or when nothing
 * else is left to happen (a schedule that hangs until cancelled).
 */
class ExternalCancel {
  private gates = 0;
  private scheduled = false;

  constructor(
    private readonly scheduler: fc.Scheduler,
    private readonly afterGates: number | undefined,
    private readonly cancel: () => void,
    private readonly label: string,
  ) {
    if (afterGates === 0) this.schedule();
  }

  /** `true` while a planned cancel has not joined the scheduler yet. */
  get waiting(): boolean {
    return this.afterGates !== undefined && !this.scheduled;
  }

  /** A scheduled point of the transfer: counts it, and brings the cancel in at the planned one. */
  gate(label: string): Promise<void> {
    const gate = this.scheduler.schedule(Promise.resolve(), label);
    if (++this.gates === this.afterGates) this.schedule();
    return gate;
  }

  schedule(): void {
    if (!this.waiting) return;
    this.scheduled = true;
    void this.scheduler.schedule(Promise.resolve(), this.label).then(this.cancel);
  }
}

/** Builds the harness of one scenario, its reads, page scans and disk gated by the scheduler. */
function harnessFor(s: ContractScheduleScenario, timers: ManualTimers, gate: (label: string) => Promise<void>): ContractHarness {
  return new ContractHarness({
    driver: {
      items: s.items.map((chunks, i) => ({ name: `item${i}`, chunks })),
      chunkSize: 4,
      behaviour: s.behaviour,
      ...(s.fault ? { fault: s.fault } : {}),
      result: s.result,
      singleScan: s.singleScan,
      endStreams: s.endStreams,
      readGate: (item, chunk) => gate(`read ${item}:${chunk}`),
      itemGate: (item) => gate(`scan ${item}`),
    },
    app: {
      stream: (_name, index) => s.streams[index % s.streams.length]!,
      message: (_params, index) => s.messages[index % s.messages.length]!,
      ...(s.slowDisk ? { sinkGate: () => gate('disk') } : {}),
      ...(s.failSink ? { failSink: s.failSink } : {}),
      ...(s.closeSink ? { closeSink: s.closeSink } : {}),
    },
    timers,
    graceMs: CONTRACT_SCHEDULE_GRACE_MS,
  });
}

/**
 * Runs one scenario to the end under the scheduler. Throws when the
 * transfer never settles (a hang): the watchdog's grace period is let pass
 * only when nothing else can happen.
 */
export async function runContractSchedule(scheduler: fc.Scheduler, s: ContractScheduleScenario): Promise<ContractScheduleRun> {
  const timers = new ManualTimers();
  let harness: ContractHarness | undefined;
  const planned = s.externalCancel || needsCancelToEnd(s) ? s.cancelAfterGates : undefined;
  const unplug = s.externalEvent === 'unplug';
  const cancel = new ExternalCancel(scheduler, planned, () => (unplug ? harness!.unplug() : harness!.cancel()), unplug ? 'unplug' : 'Cancel()');
  harness = harnessFor(s, timers, (label) => cancel.gate(label));
  const run = await harness.prepare();
  const pending = run.run();
  let settled = false;
  void pending.then(() => (settled = true));
  for (let round = 0; round < 100 && !settled; round++) {
    await scheduler.waitAll();
    await flushAsync(2);
    if (settled || scheduler.count() > 0) continue;
    if (cancel.waiting) cancel.schedule();
    else timers.advance(CONTRACT_SCHEDULE_GRACE_MS);
  }
  if (!settled) throw new Error('the transfer never settled (hang)');
  return { harness, report: await pending, timers };
}

/** Every rule the finished schedule broke: the contract checks, plus timers, locks, reports and unexplained outcomes. */
export function checkContractSchedule(s: ContractScheduleScenario, { harness, report, timers }: ContractScheduleRun): string[] {
  const problems = harness.check(report);
  if (timers.pendingCount) problems.push(`${timers.pendingCount} watchdog timer(s) left running`);
  if (harness.driver.log.locks !== harness.driver.log.unlocks) problems.push('lock and unlock are not balanced');
  const ignored = report.violations.some((v) => v.kind === 'ignored-cancel');
  if (s.behaviour === 'conforming' && report.violations.length) problems.push(`a conforming driver was reported: ${JSON.stringify(report.violations)}`);
  if (ignored !== report.deviceNeedsReset) problems.push('an abandoned driver must mark the device for reset, and only then');
  if (report.hresult === UNKNOWN_SUCCESS_CODE) problems.push(`the driver's unknown success code ${UNKNOWN_SUCCESS_CODE} was passed through as the result`);
  if (!harness.latchReason && !ignored) problems.push(...unexplainedOutcome(s, report));
  return problems;
}

/** Without any cancel, an outcome other than completion must be explained by a fault or the driver's result. */
function unexplainedOutcome(s: ContractScheduleScenario, report: TransferReport): string[] {
  const invalidResult = s.result === UNKNOWN_SUCCESS_CODE && report.error?.hresult === WIA_ERROR_INVALID_DRIVER_RESPONSE;
  const faultHit = report.error?.hresult === WIA_ERROR_OFFLINE || report.error?.hresult === WIA_ERROR_EXCEPTION_IN_DRIVER || invalidResult;
  if (report.outcome === 'cancelled') return ['cancelled without any cancel'];
  if (report.outcome === 'failed' && !faultHit) return [`failed without a fault: ${report.error}`];
  if (report.outcome === 'completed-partial' && s.result !== WIA_STATUS_END_OF_MEDIA) return ['partial without END_OF_MEDIA'];
  if (report.outcome.startsWith('completed') && s.result === UNKNOWN_SUCCESS_CODE) return [`completed although the driver resolved ${UNKNOWN_SUCCESS_CODE}`];
  if (report.outcome === 'no-media' && s.result !== WIA_ERROR_PAPER_EMPTY) return ['no-media without PAPER_EMPTY'];
  return [];
}

/** The property: every generated schedule for a driver with one of `behaviours` satisfies every rule. */
export function contractScheduleProperty(behaviours: readonly ScriptedBehaviour[]): fc.IAsyncPropertyWithHooks<[fc.Scheduler, ContractScheduleScenario]> {
  return fc.asyncProperty(fc.scheduler(), contractScenario(behaviours), async (scheduler, s) => {
    const run = await runContractSchedule(scheduler, s);
    const problems = checkContractSchedule(s, run);
    if (problems.length) throw new Error(`${problems.join('\n')}\nreport: ${JSON.stringify(run.report, null, 1)}`);
  });
}
