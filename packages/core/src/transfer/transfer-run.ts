import type { Readable } from 'node:stream';
import { EventEmitter } from 'eventemitter3';
import type { IWiaTransferCallback } from '../minidriver/index.js';
import {
  HResult,
  S_FALSE,
  S_OK,
  WIA_ERROR_EXCEPTION_IN_DRIVER,
  WIA_ERROR_INVALID_DRIVER_RESPONSE,
  WIA_ERROR_PAPER_EMPTY,
  WIA_STATUS_END_OF_MEDIA,
  WiaError,
  failed,
} from '../hresult/index.js';
import {
  WIA_EVENT_CANCEL_IO,
  WIA_IPA_BUFFER_SIZE,
  WIA_IPS_TRANSFER_CAPABILITIES,
  WIA_MINIDRV_TRANSFER_ACQUIRE_CHILDREN,
  WIA_MINIDRV_TRANSFER_DOWNLOAD,
  WIA_MINIDRV_TRANSFER_UPLOAD,
  WIA_TRANSFER_ACQUIRE_CHILDREN,
  WIA_TRANSFER_CHILDREN_SINGLE_SCAN,
  WIA_TRANSFER_MSG_END_OF_TRANSFER,
  type IWiaMiniDrv,
  type MiniDrvTransferContext,
  type WiaDrvItem,
} from '../minidriver/index.js';
import { CancelLatch } from './cancel-latch.js';
import { DriverTransferCallback, invokeApp, type DriverCallbackHost } from './driver-callback.js';
import { guardDriverCall, type GuardedCall } from './driver-guard.js';
import type { ContractViolation, TransferItemResult, TransferOutcome, TransferReport } from './report.js';
import { realTimers, type TransferTimers } from './timers.js';

/** Default grace period a driver gets to settle after a cancel before the watchdog gives up on it. */
export const DEFAULT_WATCHDOG_GRACE_MS = 2000;
/** Default read size when an item has no `WIA_IPA_BUFFER_SIZE`. */
export const DEFAULT_BUFFER_SIZE = 64 * 1024;

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

type Phase = 'idle' | 'running' | 'completing' | 'settled';

interface DriverCall {
  item: WiaDrvItem;
  flags: number;
}

/** What the driver side said, when it said anything conclusive. */
type DriverVerdict = { kind: 'status'; hr: HResult } | { kind: 'cancelled' } | { kind: 'error'; error: WiaError };

/**
 * One transfer between an app's `IWiaTransferCallback` and a driver: the only
 * place that knows cancellation. It implements every rule of the contract in
 * `design.md` — the latch, one `WIA_EVENT_CANCEL_IO`, aborted reads, `S_FALSE`
 * forever, nothing after the latch reaching the app, skip, the watchdog, one
 * winner between cancel and completion, typed errors and released resources.
 */
export class TransferRun extends EventEmitter<TransferRunEvents> implements DriverCallbackHost {
  readonly latch = new CancelLatch();
  readonly items: TransferItemResult[] = [];
  readonly app: IWiaTransferCallback;
  readonly uploadSource: Readable | undefined;
  private readonly violations: ContractViolation[] = [];
  private readonly driverCallback: DriverTransferCallback;
  private readonly graceMs: number;
  private readonly timers: TransferTimers;
  private phase: Phase = 'idle';
  private acquireInProgress = false;
  private cancelIoNotified = false;
  private deviceNeedsReset = false;
  private result: Promise<TransferReport> | undefined;

  constructor(private readonly options: TransferRunOptions) {
    super();
    this.app = options.callback;
    this.uploadSource = options.direction === 'upload' ? options.source : undefined;
    this.graceMs = options.graceMs ?? DEFAULT_WATCHDOG_GRACE_MS;
    this.timers = options.timers ?? realTimers;
    this.driverCallback = new DriverTransferCallback(this);
    this.latch.onLatch(() => this.notifyCancelIo());
  }

  get settled(): boolean {
    return this.phase === 'settled';
  }

  /** Cancels the transfer (WIA's `IWiaTransfer::Cancel`). Idempotent; a no-op once the transfer completed. */
  cancel(): void {
    if (this.phase === 'completing' || this.phase === 'settled') return;
    this.latch.latch('cancel');
  }

  cancelFromApp(): void {
    this.cancel();
  }

  failAppSide(error: WiaError): void {
    if (this.phase === 'completing' || this.phase === 'settled') return;
    this.latch.latch('app-error', error);
  }

  noteViolation(violation: ContractViolation): void {
    if (violation.kind === 'call-after-settle' && this.violations.some((v) => v.kind === 'call-after-settle')) return;
    this.violations.push(violation);
    this.emit('violation', violation);
  }

  /** Runs the transfer once; later calls return the same report. Never rejects. */
  run(): Promise<TransferReport> {
    this.result ??= this.execute();
    return this.result;
  }

  private async execute(): Promise<TransferReport> {
    this.phase = 'running';
    const verdict = await this.runLocked();
    return this.settle(verdict);
  }

  /** Lock → (write properties → acquire) per call → unlock, stopping at the latch or the first conclusive answer. */
  private async runLocked(): Promise<DriverVerdict | undefined> {
    if (this.latch.latched) return undefined;
    const { driver } = this.options;
    const lock = await this.guard('drvLockWiaDevice', () => driver.drvLockWiaDevice());
    if (lock.kind === 'threw') return { kind: 'error', error: this.driverError(lock.error, 'drvLockWiaDevice') };
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
    const { driver } = this.options;
    let lastStatus: HResult = S_OK;
    for (const call of this.planCalls()) {
      if (this.latch.latched) return undefined;
      const written = await this.guard('drvWriteItemProperties', () => driver.drvWriteItemProperties(call.item));
      if (written.kind === 'threw') return { kind: 'error', error: this.driverError(written.error, 'drvWriteItemProperties') };
      if (written.kind === 'abandoned' || this.latch.latched) return undefined;

      const context: MiniDrvTransferContext = { callback: this.driverCallback, signal: this.latch.signal, bufferSize: this.bufferSizeOf(call.item) };
      this.acquireInProgress = true;
      const acquired = await this.guard('drvAcquireItemData', () => driver.drvAcquireItemData(call.item, call.flags, context));
      this.acquireInProgress = false;
      const verdict = this.judgeAcquire(acquired);
      if (verdict.kind === 'error' && !this.latch.latched && !this.uploadSource) await this.driverCallback.completeEndedItem();
      if (verdict.kind !== 'status') return verdict;
      if (this.latch.latched) return undefined;
      lastStatus = verdict.hr === S_OK ? lastStatus : verdict.hr;
      if (this.uploadSource) this.driverCallback.completeUpload();
      else if (!(await this.driverCallback.completeCurrentItem())) return undefined;
    }
    if (!this.latch.latched) this.phase = 'completing';
    return { kind: 'status', hr: lastStatus };
  }

  private judgeAcquire(acquired: GuardedCall<HResult>): DriverVerdict {
    if (acquired.kind === 'abandoned') return { kind: 'cancelled' };
    if (acquired.kind === 'threw') return { kind: 'error', error: this.driverError(acquired.error, 'drvAcquireItemData') };
    const hr = acquired.value;
    if (typeof hr !== 'number' || !Number.isInteger(hr)) {
      return { kind: 'error', error: new WiaError(WIA_ERROR_INVALID_DRIVER_RESPONSE, `drvAcquireItemData resolved to ${String(hr)}, not an HRESULT`) };
    }
    if (failed(hr)) return { kind: 'error', error: new WiaError(hr, `drvAcquireItemData failed`) };
    if (hr === S_FALSE) return { kind: 'cancelled' };
    return { kind: 'status', hr };
  }

  /** Folder transfers: one call with ACQUIRE_CHILDREN when the folder can, else one call per transferable child. */
  private planCalls(): DriverCall[] {
    const { item, direction, lFlags } = this.options;
    const base = direction === 'upload' ? WIA_MINIDRV_TRANSFER_UPLOAD : WIA_MINIDRV_TRANSFER_DOWNLOAD;
    if (direction === 'upload' || (lFlags & WIA_TRANSFER_ACQUIRE_CHILDREN) === 0) return [{ item, flags: base }];
    const capabilities = item.properties.has(WIA_IPS_TRANSFER_CAPABILITIES) ? Number(item.properties.value(WIA_IPS_TRANSFER_CAPABILITIES)) : 0;
    if ((capabilities & WIA_TRANSFER_CHILDREN_SINGLE_SCAN) !== 0) return [{ item, flags: base | WIA_MINIDRV_TRANSFER_ACQUIRE_CHILDREN }];
    return item.children.filter((c) => c.isTransferable && !c.isDeleted).map((child) => ({ item: child, flags: base }));
  }

  private bufferSizeOf(item: WiaDrvItem): number {
    const size = item.properties.has(WIA_IPA_BUFFER_SIZE) ? Number(item.properties.value(WIA_IPA_BUFFER_SIZE)) : 0;
    return Number.isInteger(size) && size > 0 ? size : DEFAULT_BUFFER_SIZE;
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

  private driverError(thrown: unknown, phase: string): WiaError {
    return WiaError.from(thrown, WIA_ERROR_EXCEPTION_IN_DRIVER, `${phase} threw`);
  }

  private notifyCancelIo(): void {
    if (!this.acquireInProgress || this.cancelIoNotified) return;
    this.cancelIoNotified = true;
    this.emit('cancelIo');
    const { driver, deviceId } = this.options;
    invokeApp(() => driver.drvNotifyPnPEvent(WIA_EVENT_CANCEL_IO, deviceId)).catch((err: unknown) => {
      this.noteViolation({ kind: 'threw', phase: 'drvNotifyPnPEvent', detail: String(err) });
    });
  }

  private settle(verdict: DriverVerdict | undefined): TransferReport {
    const { outcome, hresult, error } = this.decideOutcome(verdict);
    this.phase = 'settled';
    this.driverCallback.abandonCurrentItem(outcome === 'failed' || outcome === 'no-media' ? 'failed' : 'cancelled');
    const report: TransferReport = {
      outcome,
      hresult,
      items: this.items.map((i) => ({ ...i })),
      bytes: this.items.reduce((sum, i) => sum + (i.status === 'skipped' ? 0 : i.bytes), 0),
      cancelIoNotified: this.cancelIoNotified,
      deviceNeedsReset: this.deviceNeedsReset,
      violations: [...this.violations],
    };
    if (error) report.error = error;
    this.sendEndOfTransfer(report);
    this.emit('settled', report);
    return report;
  }

  private decideOutcome(verdict: DriverVerdict | undefined): { outcome: TransferOutcome; hresult: HResult; error?: WiaError } {
    if (this.latch.reason === 'cancel') return { outcome: 'cancelled', hresult: S_FALSE };
    if (this.latch.reason === 'app-error') return { outcome: 'failed', hresult: this.latch.error!.hresult, error: this.latch.error! };
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
