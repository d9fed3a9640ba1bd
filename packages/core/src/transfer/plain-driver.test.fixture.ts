// Test fixtures of the engine's own unit tests: a plain-object IWiaMiniDrv
// (no plugin base, so the engine alone enforces the contract), a manual clock
// and a slow app stream. The `.test.` in the name keeps them out of the package.
import { Writable } from 'node:stream';
import { S_OK, type HResult } from '../hresult/index.js';
import {
  WIA_CATEGORY_FINISHED_FILE,
  WIA_EVENT_CANCEL_IO,
  WIA_TRANSFER_MSG_STATUS,
  WiaDrvItem,
  WiaItemType,
  type IWiaMiniDrv,
  type MiniDrvTransferContext,
  type WiaEventGuid,
} from '../minidriver/index.js';

/** A promise a test resolves by hand. */
export class Gate<T = void> {
  readonly promise: Promise<T>;
  resolve!: (value: T) => void;
  constructor() {
    this.promise = new Promise<T>((resolve) => (this.resolve = resolve));
  }
}

/** Lets pending promise callbacks, ticks and immediates run. */
export async function flush(rounds = 4): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A clock that moves only when the test advances it. */
export { ManualTimers as ManualClock } from './timers.js';

/** What the plain driver does; every field optional. */
export interface PlainDriverScript {
  /** The one item's chunks (default: 3 × 4 bytes). */
  chunks?: Buffer[];
  /** What `drvAcquireItemData` resolves with (default S_OK). */
  result?: HResult;
  /** Never settles `drvAcquireItemData` on the first call (ignores its signal): the watchdog path. */
  hangFirstAcquire?: boolean;
  /** Replaces `drvUnInitializeWia` (may throw synchronously). */
  unInitialize?: () => Promise<void>;
  /** Replaces `drvInitializeWia` after the first session. */
  reInitialize?: () => Promise<void>;
  /** After the first chunk, waits for a read that only ends when the transfer's signal aborts (rejecting with its reason). */
  blockAfterFirstChunk?: boolean;
  /** Replaces what `drvNotifyPnPEvent` does after logging the event (may hang or throw synchronously). */
  onEvent?: (event: WiaEventGuid) => Promise<void>;
}

/**
 * A plain-object plugin: it writes every chunk with back-pressure, reports
 * progress, and ignores signals and `S_FALSE` — the engine alone keeps the
 * contract. It counts the calls it gets.
 */
export class PlainDriver implements IWiaMiniDrv {
  readonly log = { acquire: 0, cancelIo: 0, initialize: 0, unInitialize: 0, events: [] as WiaEventGuid[] };
  /** The signal of the last `drvAcquireItemData`. */
  lastSignal: AbortSignal | undefined;
  constructor(private readonly script: PlainDriverScript = {}) {}

  get content(): Buffer {
    return Buffer.concat(this.chunks);
  }
  private get chunks(): Buffer[] {
    return this.script.chunks ?? [Buffer.from('aaaa'), Buffer.from('bbbb'), Buffer.from('cccc')];
  }

  async drvInitializeWia(): Promise<WiaDrvItem> {
    if (this.log.initialize++ > 0 && this.script.reInitialize) await this.script.reInitialize();
    const root = WiaDrvItem.createRoot();
    root.addChild({ name: 'Item', flags: WiaItemType.File | WiaItemType.Transfer, category: WIA_CATEGORY_FINISHED_FILE });
    return root;
  }
  drvUnInitializeWia(): Promise<void> {
    this.log.unInitialize++;
    return this.script.unInitialize ? this.script.unInitialize() : Promise.resolve();
  }
  async drvAcquireItemData(item: WiaDrvItem, _lFlags: number, context: MiniDrvTransferContext): Promise<HResult> {
    if (this.log.acquire++ === 0 && this.script.hangFirstAcquire) return new Promise<HResult>(() => undefined);
    this.lastSignal = context.signal;
    const next = await context.callback.GetNextStream(0, item.name, item.fullName);
    const stream = next.stream;
    if (!stream) return next.hr;
    let sent = 0;
    for (const chunk of this.chunks) {
      if (!stream.write(chunk)) await new Promise((resolve) => stream.once('drain', resolve));
      sent += chunk.length;
      if (this.script.blockAfterFirstChunk) await readUntilAborted(context.signal);
      await context.callback.SendMessage(0, { lMessage: WIA_TRANSFER_MSG_STATUS, lPercentComplete: 0, ulTransferredBytes: sent, hrErrorStatus: S_OK });
    }
    return this.script.result ?? S_OK;
  }
  drvNotifyPnPEvent(event: WiaEventGuid): Promise<void> {
    this.log.events.push(event);
    if (event === WIA_EVENT_CANCEL_IO) this.log.cancelIo++;
    return this.script.onEvent ? this.script.onEvent(event) : Promise.resolve();
  }
  async drvInitItemProperties(): Promise<void> {}
  async drvReadItemProperties(): Promise<void> {}
  async drvValidateItemProperties(): Promise<void> {}
  async drvWriteItemProperties(): Promise<void> {}
  async drvLockWiaDevice(): Promise<void> {}
  async drvUnLockWiaDevice(): Promise<void> {}
  async drvGetCapabilities(): Promise<[]> {
    return [];
  }
  async drvDeviceCommand(): Promise<undefined> {
    return undefined;
  }
  async drvDeleteItem(): Promise<void> {}
  async drvFreeDrvItemContext(): Promise<void> {}
  async drvGetWiaFormatInfo(): Promise<[]> {
    return [];
  }
  async drvAnalyzeItem(): Promise<void> {}
  async drvGetDeviceErrorStr(): Promise<string> {
    return '';
  }
}

/** A device read that never gets data: it ends only when `signal` aborts, rejecting with its reason. */
function readUntilAborted(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_resolve, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** One event the app saw, in order: a chunk entering `_write`, or a message. */
export type AppEvent = { kind: 'write'; bytes: number } | { kind: 'message'; lMessage: number };

/**
 * An app stream whose `_write` finishes only when the test opens its gate
 * (a slow disk), or fails at the nth chunk by throwing or by an error.
 */
export class SlowAppStream extends Writable {
  accepted = 0;
  private pendingDone: Array<() => void> = [];
  private writes = 0;
  constructor(
    private readonly events: AppEvent[],
    private readonly options: { slow?: boolean; failAt?: number; failBy?: 'throw' | 'error' } = {},
  ) {
    super({ highWaterMark: 16 * 1024 });
    this.on('error', () => undefined);
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.events.push({ kind: 'write', bytes: chunk.length });
    if (this.writes++ === this.options.failAt) {
      if (this.options.failBy === 'throw') throw new Error('disk on fire');
      done(new Error('disk full'));
      return;
    }
    const finish = (): void => {
      this.accepted += chunk.length;
      done();
    };
    if (this.options.slow) this.pendingDone.push(finish);
    else finish();
  }
  /** Lets the slow disk finish every write it holds. */
  release(): void {
    const waiting = this.pendingDone;
    this.pendingDone = [];
    for (const finish of waiting) finish();
  }
}
