import type { Readable } from 'node:stream';
import { E_INVALIDARG, HResult, WiaError } from '../hresult/index.js';
import type { WiaFormatInfo } from '../minidriver/index.js';
import type { TransferReport, TransferRun } from '../transfer/index.js';
import type { IWiaTransfer, IWiaTransferCallback } from '../minidriver/index.js';

/** A transfer as a device is asked to start it. */
export interface TransferRequest {
  fullItemName: string;
  direction: 'download' | 'upload';
  /** App-side flags (`WIA_TRANSFER_ACQUIRE_CHILDREN`). */
  lFlags: number;
  callback: IWiaTransferCallback;
  source?: Readable;
}

/** A started transfer: the run (to cancel it) and its report. */
export interface StartedTransfer {
  run: TransferRun;
  report: Promise<TransferReport>;
}

/**
 * The request a {@link WiaTransfer} makes. A class, not a literal, like the
 * started transfer a WiaDevice returns: both are kept for the whole
 * transfer, and V8 pretenures a literal kept that long (see
 * abort/transfer-scoped.ts).
 */
class RequestedTransfer implements TransferRequest {
  constructor(
    readonly fullItemName: string,
    readonly direction: 'download' | 'upload',
    readonly lFlags: number,
    readonly callback: IWiaTransferCallback,
    readonly source: Readable | undefined,
  ) {}
}

/** What a {@link WiaTransfer} needs from its device. */
export interface WiaTransferHost {
  startTransfer(request: TransferRequest): StartedTransfer;
  formatInfo(fullItemName: string): Promise<WiaFormatInfo[]>;
}

/**
 * WIA's `IWiaTransfer` for one item. Each `Download`/`Upload` is one transfer;
 * `Cancel()` cancels the one in progress and is a no-op when none runs (it
 * does not poison the next transfer).
 */
export class WiaTransfer implements IWiaTransfer {
  private running: TransferRun | undefined;
  private report: TransferReport | undefined;

  constructor(
    private readonly host: WiaTransferHost,
    /** The item this transfer object acts on. */
    readonly fullItemName: string,
  ) {}

  /** The report of the last finished transfer: per-item results, violations, outcome. */
  get lastReport(): TransferReport | undefined {
    return this.report;
  }

  Download(lFlags: number, callback: IWiaTransferCallback): Promise<HResult> {
    return this.execute('download', lFlags, callback);
  }

  Upload(lFlags: number, source: Readable, callback: IWiaTransferCallback): Promise<HResult> {
    if (!source || typeof (source as Partial<Readable>)[Symbol.asyncIterator] !== 'function') {
      return Promise.reject(new WiaError(E_INVALIDARG, 'Upload needs a readable source stream'));
    }
    return this.execute('upload', lFlags, callback, source);
  }

  Cancel(): void {
    this.running?.cancel();
  }

  EnumWIA_FORMAT_INFO(): Promise<WiaFormatInfo[]> {
    return this.host.formatInfo(this.fullItemName);
  }

  /** Runs a transfer and returns its full report (never rejects for device or app errors). */
  async transfer(direction: 'download' | 'upload', lFlags: number, callback: IWiaTransferCallback, source?: Readable): Promise<TransferReport> {
    validateCallback(callback);
    const { run, report } = this.host.startTransfer(new RequestedTransfer(this.fullItemName, direction, lFlags, callback, source));
    this.running = run;
    try {
      this.report = await report;
      return this.report;
    } finally {
      if (this.running === run) this.running = undefined;
    }
  }

  private async execute(direction: 'download' | 'upload', lFlags: number, callback: IWiaTransferCallback, source?: Readable): Promise<HResult> {
    const report = await this.transfer(direction, lFlags, callback, source);
    if (report.error) throw report.error;
    return report.hresult;
  }
}

function validateCallback(callback: IWiaTransferCallback): void {
  if (!callback || typeof callback.TransferCallback !== 'function' || typeof callback.GetNextStream !== 'function') {
    throw new WiaError(E_INVALIDARG, 'the transfer callback must implement TransferCallback and GetNextStream');
  }
}
