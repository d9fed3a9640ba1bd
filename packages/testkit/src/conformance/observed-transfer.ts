import {
  WIA_TRANSFER_ACQUIRE_CHILDREN,
  WiaTransfer,
  type ContractViolation,
  type LatchReason,
  type TransferReport,
  type TransferRun,
  type WiaTransferHost,
  type WiaTransferParams,
} from '@openwia/core';
import { RecordingTransferCallback, type AppMessageAnswer, type AppStreamAnswer } from '../recording/index.js';
import { armCancelTrigger, type CancelTrigger, type TriggerState } from './cancel-triggers.js';
import type { ConformanceSession } from './session.js';
import { message } from './session.js';

/** How the app behaves in one transfer, and what cancels it. */
export interface TransferPlan {
  /** The app's answer to the nth `GetNextStream` (default: a stream). */
  stream?: (itemName: string, index: number) => AppStreamAnswer;
  /** The app's answer to the nth `TransferCallback`; `cancel-inside` calls `Cancel()` from inside it. */
  message?: (params: WiaTransferParams, index: number) => AppMessageAnswer;
  /** An external `Cancel()` fired at a moment the suite picks. */
  trigger?: CancelTrigger;
}

/** Everything the suite saw of one transfer. */
export interface TransferObservation {
  /** The engine's report; absent when the transfer could not run. */
  report: TransferReport | undefined;
  /** Why it could not run or finish, when it could not. */
  error: string | undefined;
  app: RecordingTransferCallback;
  latchSeq: number | undefined;
  latchReason: LatchReason | undefined;
  /** `WIA_EVENT_CANCEL_IO` notifications of this transfer's driver. */
  cancelIoCount: number;
  /** Every violation the engine noted, including late ones after it settled. */
  violations: ContractViolation[];
  /** `performance.now()` of the first cancel (external, inside a callback, or S_FALSE latch). */
  cancelAt: number | undefined;
  cancelIoAt: number | undefined;
  settledAt: number | undefined;
  trigger: TriggerState | undefined;
  /** What the device served for an item (when it knows). */
  contentOf: (fullItemName: string) => Buffer | undefined;
}

/**
 * Runs one transfer on a session's item through WIA's `IWiaTransfer`, with a
 * recording app, and watches the engine underneath: when it latched, how
 * often it sent `WIA_EVENT_CANCEL_IO`, when it settled, what it flagged.
 * Never rejects; a transfer that does not settle within `timeoutMs` is
 * cancelled and reported as stalled.
 */
export async function observeTransfer(session: ConformanceSession, plan: TransferPlan, timeoutMs: number): Promise<TransferObservation> {
  const observer = new TransferObserver(session, plan);
  await observer.run(timeoutMs);
  return observer.observation;
}

/** One transfer, its recording app, and the record of what the engine did. */
class TransferObserver {
  readonly observation: TransferObservation;
  private readonly transfer: WiaTransfer;

  constructor(
    private readonly session: ConformanceSession,
    plan: TransferPlan,
  ) {
    this.observation = newObservation(session, this.recordingApp(plan));
    const host: WiaTransferHost = {
      startTransfer: (request) => {
        const started = session.device.startTransfer(request);
        watchRun(started.run, this.observation);
        return started;
      },
      formatInfo: (name) => session.device.formatInfo(name),
    };
    this.transfer = new WiaTransfer(host, session.item.fullName);
    if (plan.trigger) this.observation.trigger = armCancelTrigger(plan.trigger, session, () => this.cancel());
  }

  /** The app's `Cancel()`, recorded (from outside, or from inside a callback). */
  cancel(): void {
    this.observation.cancelAt ??= performance.now();
    this.observation.app.markCancel();
    this.transfer.Cancel();
  }

  /** Runs the transfer to its end; cancels it when it has not settled after `timeoutMs`. */
  async run(timeoutMs: number): Promise<void> {
    const o = this.observation;
    const flags = this.session.item.isFolder ? WIA_TRANSFER_ACQUIRE_CHILDREN : 0;
    let stalled = false;
    const stall = setTimeout(() => {
      stalled = true;
      this.cancel();
    }, timeoutMs);
    try {
      o.report = await this.transfer.transfer('download', flags, o.app);
      if (stalled) o.error = `the transfer did not finish within ${timeoutMs} ms and was cancelled`;
    } catch (err) {
      o.error = `the transfer could not run: ${message(err)}`;
    } finally {
      clearTimeout(stall);
      o.trigger?.dispose();
    }
  }

  private recordingApp(plan: TransferPlan): RecordingTransferCallback {
    return new RecordingTransferCallback({
      stream: (itemName, index) => {
        this.observation.trigger?.onStream();
        return plan.stream?.(itemName, index) ?? 'stream';
      },
      ...(plan.message ? { message: plan.message } : {}),
      cancel: () => this.cancel(),
      onChunk: (name, bytes) => this.observation.trigger?.onChunk(name, bytes),
    });
  }
}

function newObservation(session: ConformanceSession, app: RecordingTransferCallback): TransferObservation {
  return {
    report: undefined,
    error: undefined,
    app,
    latchSeq: undefined,
    latchReason: undefined,
    cancelIoCount: 0,
    violations: [],
    cancelAt: undefined,
    cancelIoAt: undefined,
    settledAt: undefined,
    trigger: undefined,
    contentOf: (name) => {
      const bytes = session.dut.contentOf(name);
      return bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length) : undefined;
    },
  };
}

function watchRun(run: TransferRun, observation: TransferObservation): void {
  run.latch.onLatch(() => {
    observation.cancelAt ??= performance.now();
    observation.latchSeq = observation.app.nextSeq();
    observation.latchReason = run.latch.reason;
  });
  run.on('cancelIo', () => {
    observation.cancelIoCount++;
    observation.cancelIoAt ??= performance.now();
  });
  run.on('violation', (violation) => observation.violations.push(violation));
  run.on('settled', () => {
    observation.settledAt = performance.now();
    observation.trigger?.onSettled();
  });
}
