import type { Readable } from 'node:stream';
import createDebug from 'debug';
import { EventEmitter } from 'eventemitter3';
import type { IWiaTransferCallback } from '../minidriver/index.js';
import { HResult, S_FALSE, S_OK, WIA_ERROR_PAPER_EMPTY, WIA_STATUS_END_OF_MEDIA, WiaError } from '../hresult/index.js';
import {
  WIA_EVENT_CANCEL_IO,
  WIA_TRANSFER_MSG_END_OF_TRANSFER,
  type IWiaMiniDrv,
  type IWiaMiniDrvTransferCallback,
  type MiniDrvTransferContext,
  type WiaDrvItem,
} from '../minidriver/index.js';
import { transferScopedArray } from '../abort/transfer-scoped.js';
import { CancelLatch } from './cancel-latch.js';
import { DriverTransferCallback, invokeApp, type DriverCallbackHost } from './driver-callback.js';
import { bufferSizeOf, driverError, judgeAcquire, planCalls, statusVerdict, type DriverVerdict } from './driver-calls.js';
import { guardDriverCall, type GuardedCall } from './driver-guard.js';
import type { ContractViolation, TransferItemResult, TransferOutcome, TransferReport } from './report.js';
import { realTimers, type TransferTimers } from './timers.js';
import { INITIAL_TRANSFER_STATE, transition, type TransferEvent, type TransferState } from './transfer-state.js';

/** `DEBUG=openwia:core` traces each transfer's states, its latch, violations and outcome. */
const debug = createDebug('openwia:core');

/** Default grace period a driver gets to settle after a cancel before the watchdog gives up on it. */
export const DEFAULT_WATCHDOG_GRACE_MS = 2000;

/** Everything one transfer needs. */
export interface TransferRunOptions {
  driver: IWiaMiniDrv;
  item: WiaDrvItem;
  deviceId: string;
  direction: 'download' | 'upload';
  /** App-side flags: `WIA_TRANSFER_ACQUIRE_CHILDREN` for a folder transfer. */
  lFlags: number;
  callback: IWiaTransferCallback;
  /** Uploads: the app's source. */
  source?: Readable;
  /** Watchdog grace period in ms (default {@link DEFAULT_WATCHDOG_GRACE_MS}). */
  graceMs?: number;
  /** The clock of the watchdog (default: Node's timers). */
  timers?: TransferTimers;
  /**
   * The controller of the transfer's signal, handed on from an earlier transfer of the same device that ended
   * without a latch and left nothing listening on it ({@link TransferRun.reusableController}); default: a new one.
   */
  abortController?: AbortController;
}

/** Typed events of a {@link TransferRun}. */
export interface TransferRunEvents {
  /** The driver was sent `WIA_EVENT_CANCEL_IO`. */
  cancelIo: () => void;
  /** The driver broke the contract; the engine contained it. */
  violation: (violation: ContractViolation) => void;
  /** The transfer settled; the report is final. */
  settled: (report: TransferReport) => void;
}

/**
 * What `drvAcquireItemData` is handed. A class, not an object literal, as is
 * every object of the engine that lives for a whole transfer or item: V8
 * allocates a literal whose objects outlive young-generation collections in
 * the old generation, where only a mark-compact frees it (see
 * `abort/transfer-scoped.ts`).
 */
class AcquireContext implements MiniDrvTransferContext {
  constructor(
    readonly callback: IWiaMiniDrvTransferCallback,
    readonly signal: AbortSignal,
    readonly bufferSize: number,
  ) {}
}

/** A report's own copy of an item's line: the engine's stays behind with the run. */
function copyItemResult({ itemName, fullItemName, status, bytes }: TransferItemResult): TransferItemResult {
  return { itemName, fullItemName, status, bytes };
}

/**
 * One transfer between an app's `IWiaTransferCallback` and a driver: the only
 * place that knows cancellation. It implements every rule of the contract in
 * `design.md` — the latch, one `WIA_EVENT_CANCEL_IO`, aborted reads, `S_FALSE`
 * forever, nothing after the latch reaching the app, skip, the watchdog, one
 * winner between cancel and completion, typed errors and released resources.
 */
export class TransferRun extends EventEmitter<TransferRunEvents> implements DriverCallbackHost {
  readonly latch: CancelLatch;
  readonly items: TransferItemResult[] = transferScopedArray();
  readonly app: IWiaTransferCallback;
  readonly uploadSource: Readable | undefined;
  // What the run needs from its options, not the options literal itself (see abort/transfer-scoped.ts).
  private readonly driver: IWiaMiniDrv;
  private readonly item: WiaDrvItem;
  private readonly deviceId: string;
  private readonly direction: 'download' | 'upload';
  private readonly lFlags: number;
  private readonly violations: ContractViolation[] = transferScopedArray();
  private readonly driverCallback: DriverTransferCallback;
  private readonly graceMs: number;
  private readonly timers: TransferTimers;
  private current: TransferState = INITIAL_TRANSFER_STATE;
  private deviceNeedsReset = false;
  private result: Promise<TransferReport> | undefined;

  constructor(options: TransferRunOptions) {
    super();
    this.driver = options.driver;
    this.item = options.item;
    this.deviceId = options.deviceId;
    this.direction = options.direction;
    this.lFlags = options.lFlags;
    this.latch = new CancelLatch(options.abortController);
    this.app = options.callback;
    this.uploadSource = options.direction === 'upload' ? options.source : undefined;
    this.graceMs = options.graceMs ?? DEFAULT_WATCHDOG_GRACE_MS;
    this.timers = options.timers ?? realTimers;
    this.driverCallback = new DriverTransferCallback(this);
    this.latch.onLatch(() => this.notifyCancelIo());
  }

  /** Where the transfer is (a snapshot; no side effects). */
  get state(): TransferState {
    return this.current;
  }

  get settled(): boolean {
    return this.current.kind === 'settled';
  }

  /** `true` once the outcome is decided: driver calls are answered `S_FALSE` from then on. */
  get decided(): boolean {
    return this.current.kind === 'settling' || this.current.kind === 'settled';
  }

  /**
   * Once settled: the controller of this transfer's signal, for the device's next transfer, when this one never
   * latched and nothing waits on its signal any more (see `CancelLatch.reusableController`).
   */
  reusableController(): AbortController | undefined {
    return this.settled ? this.latch.reusableController() : undefined;
  }

  /** Cancels the transfer (WIA's `IWiaTransfer::Cancel`). Idempotent; a no-op once the transfer completed. */
  cancel(): void {
    this.dispatch({ type: 'latch', reason: 'cancel' });
  }

  cancelFromApp(): void {
    this.cancel();
  }

  failAppSide(error: WiaError): void {
    this.dispatch({ type: 'latch', reason: 'app-error', error });
  }

  /**
   * The device went away: the transfer fails with `error` (a `WIA_ERROR_OFFLINE`) unless it has already
   * completed, and every read's signal aborts with it. The driver is not sent `WIA_EVENT_CANCEL_IO`: whoever
   * reports the loss tells it `WIA_EVENT_DEVICE_DISCONNECTED` (see `WiaDevice.notifyDisconnected`).
   */
  deviceLost(error: WiaError): void {
    this.dispatch({ type: 'latch', reason: 'device-lost', error });
  }

  /**
   * Settles a transfer that never started because its device could not be
   * made ready (a failed reset): cancelled if it was cancelled meanwhile,
   * else failed with `error`. The driver is not called.
   */
  refuse(error: WiaError): Promise<TransferReport> {
    this.result ??= Promise.resolve().then(() => this.settle({ kind: 'error', error }));
    return this.result;
  }

  /** Applies one event; the latch closes (and the driver hears CANCEL_IO) only on the transition into `latched`. */
  private dispatch(event: TransferEvent): void {
    const before = this.current;
    this.current = transition(before, event);
    if (this.current.kind !== before.kind) debug('%s %s: %s → %s (%s)', this.deviceId, this.item.fullName, before.kind, this.current.kind, event.type);
    if (this.current.kind === 'latched' && before.kind !== 'latched') this.latch.latch(this.current.reason, this.current.error);
  }

  noteViolation(violation: ContractViolation): void {
    if (violation.kind === 'call-after-settle' && this.violations.some((v) => v.kind === 'call-after-settle')) return;
    this.violations.push(violation);
    debug('%s: contract violation %s in %s: %s', this.deviceId, violation.kind, violation.phase, violation.detail);
    this.emit('violation', violation);
  }

  /** Runs the transfer once; later calls return the same report. Never rejects. */
  run(): Promise<TransferReport> {
    this.result ??= this.execute();
    return this.result;
  }

  private async execute(): Promise<TransferReport> {
    this.dispatch({ type: 'start' });
    const verdict = await this.runLocked();
    return this.settle(verdict);
  }

  /** Lock → (write properties → acquire) per call → unlock, stopping at the latch or the first conclusive answer. */
  private async runLocked(): Promise<DriverVerdict | undefined> {
    if (this.latch.latched) return undefined;
    const { driver } = this;
    const lock = await this.guard('drvLockWiaDevice', () => driver.drvLockWiaDevice());
    if (lock.kind === 'threw') return { kind: 'error', error: driverError(lock.error, 'drvLockWiaDevice') };
    if (lock.kind === 'abandoned') return undefined;
    let verdict: DriverVerdict | undefined;
    try {
      verdict = await this.runCalls();
    } finally {
      const unlock = await this.guard('drvUnLockWiaDevice', () => driver.drvUnLockWiaDevice(), true);
      if (unlock.kind === 'threw') this.noteViolation({ kind: 'threw', phase: 'drvUnLockWiaDevice', detail: String(unlock.error) });
    }
    return verdict;
  }

  private async runCalls(): Promise<DriverVerdict | undefined> {
    const { driver } = this;
    let lastStatus: HResult = S_OK;
    for (const call of planCalls(this.item, this.direction, this.lFlags)) {
      if (this.latch.latched) return undefined;
      const written = await this.guard('drvWriteItemProperties', () => driver.drvWriteItemProperties(call.item));
      if (written.kind === 'threw') return { kind: 'error', error: driverError(written.error, 'drvWriteItemProperties') };
      if (written.kind === 'abandoned' || this.latch.latched) return undefined;

      const context = new AcquireContext(this.driverCallback, this.latch.signal, bufferSizeOf(call.item));
      this.dispatch({ type: 'acquire', inProgress: true });
      const acquired = await this.guard('drvAcquireItemData', () => driver.drvAcquireItemData(call.item, call.flags, context));
      this.dispatch({ type: 'acquire', inProgress: false });
      const verdict = judgeAcquire(acquired);
      if (verdict.kind === 'error' && !this.latch.latched && !this.uploadSource) await this.driverCallback.completeEndedItem();
      if (verdict.kind !== 'status') return verdict;
      if (this.latch.latched) return undefined;
      lastStatus = verdict.hr === S_OK ? lastStatus : verdict.hr;
      if (this.uploadSource) this.driverCallback.completeUpload();
      else if (!(await this.driverCallback.completeCurrentItem())) return undefined;
    }
    this.dispatch({ type: 'complete' });
    return statusVerdict(lastStatus);
  }

  private guard<T>(phase: string, call: () => Promise<T>, alwaysBounded = false): Promise<GuardedCall<T>> {
    return guardDriverCall(call, { latch: this.latch, timers: this.timers, graceMs: this.graceMs, alwaysBounded }).then((outcome) => {
      if (outcome.kind === 'abandoned') {
        this.deviceNeedsReset = true;
        this.noteViolation({ kind: 'ignored-cancel', phase, detail: `${phase} did not settle within ${this.graceMs} ms; the device will be reset` });
      }
      return outcome;
    });
  }


  /** Runs once, as the latch closes; the driver hears CANCEL_IO only when the transition said it was acquiring. */
  private notifyCancelIo(): void {
    if (this.current.kind !== 'latched' || !this.current.cancelIoSent) return;
    this.emit('cancelIo');
    const { driver, deviceId } = this;
    invokeApp(() => driver.drvNotifyPnPEvent(WIA_EVENT_CANCEL_IO, deviceId)).catch((err: unknown) => {
      this.noteViolation({ kind: 'threw', phase: 'drvNotifyPnPEvent', detail: String(err) });
    });
  }

  /**
   * Decides the outcome (no cancel can change it after this point), waits —
   * for one grace period at most — until the app's streams have consumed
   * every byte they were handed, then freezes the report and tells the app.
   */
  private async settle(verdict: DriverVerdict | undefined): Promise<TransferReport> {
    const { outcome, hresult, error } = this.decideOutcome(verdict);
    const cancelIoNotified = this.current.kind === 'latched' && this.current.cancelIoSent;
    this.dispatch({ type: 'decide' });
    if (!this.driverCallback.appIdle) await this.waitForAppStreams();
    this.dispatch({ type: 'settle' });
    this.driverCallback.abandonCurrentItem(outcome === 'failed' || outcome === 'no-media' ? 'failed' : 'cancelled');
    const report: TransferReport = {
      outcome,
      hresult,
      items: this.items.map(copyItemResult),
      bytes: this.items.reduce((sum, i) => sum + (i.status === 'skipped' ? 0 : i.bytes), 0),
      cancelIoNotified,
      deviceNeedsReset: this.deviceNeedsReset,
      violations: [...this.violations],
    };
    if (error) report.error = error;
    debug('%s %s: %s, %d bytes, %d item(s)%s', this.deviceId, this.item.fullName, outcome, report.bytes, report.items.length, error ? ` (${error.message})` : '');
    this.sendEndOfTransfer(report);
    this.emit('settled', report);
    return report;
  }

  /** Bytes handed to the app before the latch are consumed before the outcome is announced, within one grace period. */
  private waitForAppStreams(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = this.timers.setTimeout(resolve, this.graceMs);
      void this.driverCallback.whenAppIdle().then(() => {
        this.timers.clearTimeout(timer);
        resolve();
      });
    });
  }

  private decideOutcome(verdict: DriverVerdict | undefined): { outcome: TransferOutcome; hresult: HResult; error?: WiaError } {
    const state = this.current;
    if (state.kind === 'latched' && state.reason === 'cancel') return { outcome: 'cancelled', hresult: S_FALSE };
    if (state.kind === 'latched' && state.error) return { outcome: 'failed', hresult: state.error.hresult, error: state.error };
    if (!verdict || verdict.kind === 'cancelled') return { outcome: 'cancelled', hresult: S_FALSE };
    if (verdict.kind === 'error') {
      const outcome = verdict.error.hresult === WIA_ERROR_PAPER_EMPTY ? 'no-media' : 'failed';
      return { outcome, hresult: verdict.error.hresult, error: verdict.error };
    }
    return { outcome: verdict.hr === WIA_STATUS_END_OF_MEDIA ? 'completed-partial' : 'completed', hresult: verdict.hr };
  }

  /** The one app callback allowed after the latch: the outcome. Not awaited — an app that never returns cannot hold the transfer. */
  private sendEndOfTransfer(report: TransferReport): void {
    const done = report.outcome === 'completed' || report.outcome === 'completed-partial';
    invokeApp(() =>
      this.app.TransferCallback(0, {
        lMessage: WIA_TRANSFER_MSG_END_OF_TRANSFER,
        lPercentComplete: done ? 100 : 0,
        ulTransferredBytes: report.bytes,
        hrErrorStatus: report.hresult,
      }),
    ).catch(() => undefined);
  }
}
