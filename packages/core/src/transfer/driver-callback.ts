import type { Readable } from 'node:stream';
import type { IWiaTransferCallback, WiaAppNextStream } from '../minidriver/index.js';
import {
  E_FAIL,
  E_POINTER,
  E_UNEXPECTED,
  HResult,
  S_FALSE,
  S_OK,
  WIA_STATUS_SKIP_ITEM,
  WiaError,
  failed,
  hresultName,
} from '../hresult/index.js';
import {
  WIA_TRANSFER_MSG_END_OF_STREAM,
  WIA_TRANSFER_MSG_END_OF_TRANSFER,
  type IWiaMiniDrvTransferCallback,
  type WiaNextStream,
  type WiaTransferParams,
} from '../minidriver/index.js';
import { removeItem } from '../abort/remove-item.js';
import { transferScopedArray } from '../abort/transfer-scoped.js';
import { CancelLatch, LATCHED } from './cancel-latch.js';
import { DiscardSink, GuardedItemStream, finishStream, type ItemStreamOwner } from './item-stream.js';
import type { ContractViolation, TransferItemResult, TransferItemStatus } from './report.js';
import { GuardedUploadSource } from './upload-source.js';

/** Calls an app callback, turning a synchronous throw into a rejection. */
export function invokeApp<T>(call: () => T | Promise<T>): Promise<T> {
  try {
    return Promise.resolve(call());
  } catch (err) {
    return Promise.reject(err);
  }
}

/** Answers that need no new promise each time: a settled promise can be shared, nobody can change it. */
const ANSWER_S_OK: Promise<HResult> = Promise.resolve(S_OK);
const ANSWER_S_FALSE: Promise<HResult> = Promise.resolve(S_FALSE);

function isPromiseLike<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** What the driver-facing callback needs from its transfer. */
export interface DriverCallbackHost {
  readonly latch: CancelLatch;
  readonly app: IWiaTransferCallback;
  /** `true` once the transfer has settled: calls after that are violations. */
  readonly settled: boolean;
  /** `true` once the outcome is decided (settling or settled). */
  readonly decided: boolean;
  readonly items: TransferItemResult[];
  /** Uploads only: the app's source. */
  readonly uploadSource: Readable | undefined;
  noteViolation(violation: ContractViolation): void;
  /** Latch as cancelled by the app (`S_FALSE` from a callback). */
  cancelFromApp(): void;
  /** Latch as failed on the app side. */
  failAppSide(error: WiaError): void;
}

/**
 * What every item stream of one transfer asks of it. A class, not an object
 * literal: V8 gives a literal with a getter dictionary-mode properties, and
 * `closed` is read on every chunk a driver writes (issue 12, "memory speed").
 */
class TransferStreamOwner implements ItemStreamOwner {
  private writesAfterCancel = 0;

  constructor(private readonly host: DriverCallbackHost) {}

  get closed(): boolean {
    return this.host.latch.latched;
  }

  onClose(listener: () => void): () => void {
    return this.host.latch.onLatch(listener);
  }

  /** Reported once per transfer, however many writes follow. */
  noteWriteAfterCancel(item: TransferItemResult): void {
    if (this.writesAfterCancel++ > 0) return;
    this.host.noteViolation({
      kind: 'write-after-cancel',
      phase: 'drvAcquireItemData',
      detail: `the driver wrote to ${item.fullItemName} after the transfer was cancelled; the bytes were discarded`,
    });
  }

  failAppSide(error: WiaError): void {
    this.host.failAppSide(error);
  }
}

/**
 * One item's line in the report, counted as its bytes reach the app. A class, like {@link OpenItem}: objects that
 * live for a whole item or transfer are not object literals (see `abort/transfer-scoped.ts`).
 */
class ItemResult implements TransferItemResult {
  status: TransferItemStatus = 'cancelled';
  bytes = 0;

  constructor(
    readonly itemName: string,
    readonly fullItemName: string,
  ) {}
}

/** The current item of a transfer and the stream its bytes flow through. */
class OpenItem {
  constructor(
    readonly result: TransferItemResult,
    readonly stream: GuardedItemStream | DiscardSink | undefined,
    /**
     * Where the item is: the app is being asked for its stream, its bytes are
     * flowing, its stream is being flushed, or it is skipped. The result's status is decided only when the
     * item closes (transferred) or the transfer ends (its outcome).
     */
    public phase: 'asking' | 'receiving' | 'closing' | 'skipped',
  ) {}
}

/**
 * The core's `IWiaMiniDrvTransferCallback`: forwards a driver's requests to
 * the app's `IWiaTransferCallback` and enforces rules 4, 5 and 7 of the
 * contract — `S_FALSE` on every call once latched, nothing of a latched
 * transfer or a skipped item reaching the app, and `END_OF_STREAM` sent by
 * the core when an item is done.
 */
export class DriverTransferCallback implements IWiaMiniDrvTransferCallback {
  private current: OpenItem | undefined;
  private uploadHandedOut = false;
  /**
   * The app-facing streams that may still hold bytes the app has not consumed, so the outcome can wait for
   * them. An item's stream leaves once it is finished and idle: holding it (and through it the app's stream)
   * until the transfer ends would keep every item of a long transfer — a camera's thousands of files, a
   * feeder's pages — in memory, and each survivor costs the garbage collector on every item after it.
   */
  private readonly itemStreams: GuardedItemStream[] = transferScopedArray();

  /**
   * The app's answer to the END_OF_STREAM of an item completed when its driver ended its stream (see
   * {@link openItem}), until the driver asks for the next item or returns: they wait for it, so the app hears
   * its messages in order even when it answers them asynchronously.
   */
  private completing: Promise<boolean> | undefined;

  /** What every item's stream asks of the transfer: one object for all of them. */
  private readonly streamOwner: TransferStreamOwner;

  constructor(private readonly host: DriverCallbackHost) {
    this.streamOwner = new TransferStreamOwner(host);
  }

  private get closed(): boolean {
    if (this.host.settled) {
      this.host.noteViolation({ kind: 'call-after-settle', phase: 'IWiaMiniDrvTransferCallback', detail: 'the driver called back after the transfer settled' });
    }
    return this.host.latch.latched || this.host.decided;
  }

  async GetNextStream(lFlags: number, itemName: string, fullItemName: string): Promise<WiaNextStream> {
    if (this.closed) return { hr: S_FALSE };
    if (this.host.uploadSource) return this.nextUploadSource(itemName, fullItemName);
    // Checked again after the wait: a cancel may have latched while the previous item closed.
    if (!(await this.completeCurrentItem()) || this.host.latch.latched) return { hr: S_FALSE };

    const result = new ItemResult(itemName, fullItemName);
    this.host.items.push(result);
    this.current = new OpenItem(result, undefined, 'asking');

    const answer = await this.askApp(() => this.host.app.GetNextStream(lFlags, itemName, fullItemName));
    // Decide at the last moment: a latch that closed while the answer travelled still wins.
    if (answer === LATCHED || this.host.latch.latched) return { hr: S_FALSE };
    return this.openItem(result, answer);
  }

  /** Not `async`: a message the app answers synchronously costs one settled promise, not a chain of them. */
  SendMessage(lFlags: number, params: WiaTransferParams): Promise<HResult> {
    if (this.closed) return ANSWER_S_FALSE;
    const message = params.lMessage;
    // END_OF_STREAM and END_OF_TRANSFER are the core's to send; nothing of a skipped item reaches the app.
    if (message === WIA_TRANSFER_MSG_END_OF_STREAM || message === WIA_TRANSFER_MSG_END_OF_TRANSFER) return ANSWER_S_OK;
    if (this.current?.phase === 'skipped') return ANSWER_S_OK;
    const told = this.tellApp(lFlags, { ...params });
    if (typeof told === 'boolean') return told ? ANSWER_S_OK : ANSWER_S_FALSE;
    return told.then((ok) => (ok ? S_OK : S_FALSE));
  }

  /**
   * Closes the open item when the driver has finished it (ended its stream,
   * asked for the next stream, or returned success): flushes its stream and
   * tells the app `END_OF_STREAM`; with nothing open, waits for the app's
   * answer to an item closed when its stream ended. Returns `false` when the
   * transfer latched meanwhile.
   */
  async completeCurrentItem(): Promise<boolean> {
    const open = this.current;
    if (!open || open.phase !== 'receiving' || !open.stream) {
      if (open?.phase !== 'closing') this.current = undefined;
      const completing = this.completing;
      this.completing = undefined;
      if (completing) await completing;
      return !this.host.latch.latched;
    }
    open.phase = 'closing';
    // The plugin base has waited for the stream to finish already; only a stream still flushing needs the race.
    const flushed = open.stream.writableFinished && !this.host.latch.latched ? true : await this.host.latch.race(finishStream(open.stream));
    // Latched while flushing: the item stays current, and the transfer's outcome becomes its status.
    if (flushed === LATCHED) return false;
    if (this.current === open) this.current = undefined;
    this.releaseIfIdle(open.stream);
    open.result.status = 'transferred';
    const params: WiaTransferParams = {
      lMessage: WIA_TRANSFER_MSG_END_OF_STREAM,
      lPercentComplete: 100,
      ulTransferredBytes: open.result.bytes,
      hrErrorStatus: S_OK,
    };
    return this.tellApp(0, params);
  }

  /**
   * When a driver fails after it ended an item's stream (the item is whole,
   * the failure belongs to what came next — a jam while feeding the next
   * page), the item still counts as transferred and the app hears its
   * `END_OF_STREAM`.
   */
  async completeEndedItem(): Promise<void> {
    const open = this.current;
    if (open?.phase === 'receiving' && open.stream instanceof GuardedItemStream && open.stream.writableEnded) {
      await this.completeCurrentItem();
    }
  }

  /** Marks the open item with the transfer's outcome when the transfer ends without completing it. */
  abandonCurrentItem(status: 'cancelled' | 'failed'): void {
    const open = this.current;
    this.current = undefined;
    if (!open) return;
    if (open.phase !== 'skipped') open.result.status = status;
    if (open.stream instanceof GuardedItemStream) open.stream.destroy();
  }

  /**
   * Sends the app a message. `false` when the transfer is latched — before,
   * during (the latch wins over an answer still travelling) or because the
   * app answered `S_FALSE`.
   */
  private tellApp(lFlags: number, params: WiaTransferParams): boolean | Promise<boolean> {
    // askApp's work without its closure: this runs for every progress message.
    let answer: HResult | Promise<HResult>;
    try {
      answer = this.host.app.TransferCallback(lFlags, params);
    } catch (err) {
      return this.judgeAnswer(this.appThrew(err));
    }
    return isPromiseLike(answer) ? this.raceAppAnswer(answer).then((a) => this.judgeAnswer(a)) : this.judgeAnswer(answer);
  }

  private judgeAnswer(answer: HResult | typeof LATCHED): boolean {
    if (answer === LATCHED || this.host.latch.latched) return false;
    if (answer === S_FALSE) {
      this.host.cancelFromApp();
      return false;
    }
    return true;
  }

  /**
   * Calls the app, racing the latch; an app that throws fails the transfer.
   * An app that answers synchronously (the common progress handler) is
   * answered synchronously: there is nothing for the latch to overtake.
   */
  private askApp<T>(call: () => T | Promise<T>): T | typeof LATCHED | Promise<T | typeof LATCHED> {
    try {
      const answer = call();
      return isPromiseLike(answer) ? this.raceAppAnswer(answer) : answer;
    } catch (err) {
      return this.appThrew(err);
    }
  }

  /** An answer the app gives later: the latch may overtake it, and a rejection fails the transfer. */
  private raceAppAnswer<T>(answer: Promise<T>): Promise<T | typeof LATCHED> {
    return this.host.latch.race(Promise.resolve(answer)).catch((err: unknown): typeof LATCHED => this.appThrew(err));
  }

  private appThrew(err: unknown): typeof LATCHED {
    this.host.failAppSide(WiaError.from(err, E_FAIL, 'the app callback threw'));
    return LATCHED;
  }

  private openItem(result: TransferItemResult, answer: WiaAppNextStream | undefined): WiaNextStream {
    const hr = answer?.hr;
    if (hr === S_FALSE) {
      this.host.cancelFromApp();
      return { hr: S_FALSE };
    }
    if (hr === WIA_STATUS_SKIP_ITEM) {
      result.status = 'skipped';
      const sink = new DiscardSink();
      this.current = new OpenItem(result, sink, 'skipped');
      return { hr: WIA_STATUS_SKIP_ITEM, stream: sink };
    }
    if (hr === undefined || failed(hr)) {
      const why = hr === undefined ? 'returned no answer' : `returned ${hresultName(hr)}`;
      this.host.failAppSide(new WiaError(hr ?? E_POINTER, `the app's GetNextStream for ${result.fullItemName} ${why}`));
      return { hr: S_FALSE };
    }
    if (!answer?.stream || typeof answer.stream.write !== 'function') {
      this.host.failAppSide(new WiaError(E_POINTER, `the app's GetNextStream for ${result.fullItemName} returned no stream`));
      return { hr: S_FALSE };
    }
    const stream = new GuardedItemStream(answer.stream, result, this.streamOwner);
    const open = new OpenItem(result, stream, 'receiving');
    this.current = open;
    this.itemStreams.push(stream);
    // The driver ended the item's stream and the app's stream processed every byte of it: the item is whole now,
    // not when the driver next asks for a stream — a feeder may scan the next page for seconds, and a cancel
    // meanwhile must not take back the page the app already has.
    stream.once('finish', () => {
      if (this.current === open && open.phase === 'receiving' && !this.host.latch.latched) this.completing = this.completeCurrentItem();
    });
    return { hr: S_OK, stream };
  }

  /** Forgets a finished item's stream once the app has consumed every byte of it: nothing more can reach the app through it. */
  private releaseIfIdle(stream: GuardedItemStream | DiscardSink): void {
    if (stream instanceof GuardedItemStream && stream.idle) removeItem(this.itemStreams, stream);
  }

  /** Resolves when every app stream has consumed every byte it was handed (the engine bounds the wait). */
  whenAppIdle(): Promise<void> {
    return Promise.all(this.itemStreams.map((s) => s.whenIdle())).then(() => undefined);
  }

  /** `true` when no app stream holds a byte it has not consumed yet. */
  get appIdle(): boolean {
    return this.itemStreams.every((s) => s.idle);
  }

  private nextUploadSource(itemName: string, fullItemName: string): WiaNextStream {
    if (this.uploadHandedOut) return { hr: E_UNEXPECTED };
    this.uploadHandedOut = true;
    const result = new ItemResult(itemName, fullItemName);
    this.host.items.push(result);
    this.current = new OpenItem(result, undefined, 'receiving');
    const source = new GuardedUploadSource(this.host.uploadSource!, result, this.host.latch, (error) => this.host.failAppSide(error));
    return { hr: S_OK, source };
  }

  /** An upload's item is complete when the driver returns success. */
  completeUpload(): void {
    if (this.current && this.host.uploadSource) {
      this.current.result.status = 'transferred';
      this.current = undefined;
    }
  }
}
