import {
  raceAbort,
  S_FALSE,
  S_OK,
  WIA_ERROR_OFFLINE,
  WIA_EVENT_CANCEL_IO,
  WIA_IPA_BUFFER_SIZE,
  WIA_IPS_TRANSFER_CAPABILITIES,
  WIA_MINIDRV_TRANSFER_ACQUIRE_CHILDREN,
  WIA_MINIDRV_TRANSFER_UPLOAD,
  WIA_PROP_READ,
  WIA_TRANSFER_CHILDREN_SINGLE_SCAN,
  WIA_TRANSFER_MSG_STATUS,
  WiaDrvItem,
  WiaError,
  WiaItemType,
  type HResult,
  type IWiaMiniDrv,
  type MiniDrvTransferContext,
  type WiaDeviceCapability,
  type WiaEventGuid,
  type WiaFormatInfo,
} from '@openwia/core';
import type { Writable } from 'node:stream';

/** How a {@link ScriptedMiniDriver} treats cancellation. */
export type ScriptedBehaviour =
  /** Passes its signal to every read and stops on `S_FALSE`: what a plugin should do. */
  | 'conforming'
  /** Never looks at its signal or at callback answers: reads run to their own end (or never). */
  | 'ignore-signal'
  /** Honours its signal, but writes one more chunk after the cancel before returning. */
  | 'write-after-cancel';

/** A read fault at one chunk. */
export interface ScriptedFault {
  item: number;
  chunk: number;
  /** `throw`: a plain bug; `offline`: the device vanished (`WIA_ERROR_OFFLINE`); `hang`: the read never completes unless aborted. */
  kind: 'throw' | 'offline' | 'hang';
}

export interface ScriptedDriverOptions {
  /** Items of the folder, each `chunks` reads of `chunkSize` bytes. */
  items: { name: string; chunks: number }[];
  chunkSize?: number;
  behaviour?: ScriptedBehaviour;
  /** Awaited before each read completes: lets a test (or fast-check's scheduler) order events. */
  readGate?: (item: number, chunk: number) => Promise<void>;
  /** Awaited before each item's `GetNextStream`, as a feeder scans its next page: a moment between two items. */
  itemGate?: (item: number) => Promise<void>;
  fault?: ScriptedFault;
  /** What `drvAcquireItemData` returns after the last item (default `S_OK`). */
  result?: HResult;
  /** One call with ACQUIRE_CHILDREN (default), or one call per child. */
  singleScan?: boolean;
  /** Shared sequence counter for the log. */
  nextSeq?: () => number;
  /**
   * Ends each item's stream after its last chunk and waits until it finished (the app processed every byte), as
   * the plugin base does; without it the driver leaves the stream open and moves on, as a plain driver may.
   */
  endStreams?: boolean;
}

/** One call the driver made on its transfer callback and what it got back. */
export interface ScriptedCallbackRecord {
  method: 'GetNextStream' | 'SendMessage';
  calledSeq: number;
  answeredSeq: number;
  hr: HResult;
}

/** What the driver saw, for assertions. */
export interface ScriptedDriverLog {
  cancelIo: number[];
  callbacks: ScriptedCallbackRecord[];
  locks: number;
  unlocks: number;
  acquireCalls: number;
  acquireReturns: number;
  /** Items whose stream this driver ended, and when it saw the stream finish (`endStreams`). */
  ended: { item: string; finishedSeq: number }[];
}

/** The bytes of chunk `chunk` of item `item`: a pattern unique to both. */
export function scriptedChunk(item: number, chunk: number, size: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (item * 67 + chunk * 13 + i) & 0xff;
  return bytes;
}


/**
 * A raw `IWiaMiniDrv` (not on the plugin base) whose every step is scripted:
 * item sizes, when each read completes, faults, and how it treats a cancel —
 * including the misbehaviours the core must contain. Its log is compared with
 * the app's record by the contract tests.
 */
export class ScriptedMiniDriver implements IWiaMiniDrv {
  readonly log: ScriptedDriverLog = { cancelIo: [], callbacks: [], locks: 0, unlocks: 0, acquireCalls: 0, acquireReturns: 0, ended: [] };
  private readonly chunkSize: number;
  private readonly behaviour: ScriptedBehaviour;
  private readonly nextSeq: () => number;
  private counter = 0;

  constructor(private readonly options: ScriptedDriverOptions) {
    this.chunkSize = options.chunkSize ?? 8;
    this.behaviour = options.behaviour ?? 'conforming';
    this.nextSeq = options.nextSeq ?? (() => ++this.counter);
  }

  /** The full content of item `index`. */
  contentOf(index: number): Buffer {
    const spec = this.options.items[index]!;
    return Buffer.concat(Array.from({ length: spec.chunks }, (_, c) => scriptedChunk(index, c, this.chunkSize)));
  }

  async drvInitializeWia(): Promise<WiaDrvItem> {
    const root = WiaDrvItem.createRoot();
    const folder = root.addChild({ name: 'Folder', flags: WiaItemType.Folder });
    this.options.items.forEach((spec, index) => {
      folder.addChild({ name: spec.name, flags: WiaItemType.Image | WiaItemType.Transfer, context: index });
    });
    return root;
  }

  async drvInitItemProperties(item: WiaDrvItem): Promise<void> {
    item.properties.define({ id: WIA_IPA_BUFFER_SIZE, name: 'WIA_IPA_BUFFER_SIZE', access: WIA_PROP_READ, value: this.chunkSize });
    if (item.isFolder && this.options.singleScan !== false) {
      item.properties.define({ id: WIA_IPS_TRANSFER_CAPABILITIES, name: 'WIA_IPS_TRANSFER_CAPABILITIES', access: WIA_PROP_READ, value: WIA_TRANSFER_CHILDREN_SINGLE_SCAN });
    }
  }

  async drvAcquireItemData(item: WiaDrvItem, lFlags: number, context: MiniDrvTransferContext): Promise<HResult> {
    this.log.acquireCalls++;
    try {
      if ((lFlags & WIA_MINIDRV_TRANSFER_UPLOAD) !== 0) return await this.upload(item, context);
      const items = (lFlags & WIA_MINIDRV_TRANSFER_ACQUIRE_CHILDREN) !== 0 ? [...item.children] : [item];
      for (const each of items) {
        const hr = await this.transferItem(each, context);
        if (hr === S_FALSE) return S_FALSE;
      }
      return this.options.result ?? S_OK;
    } catch (err) {
      if (this.behaviour !== 'ignore-signal' && context.signal.aborted) return S_FALSE;
      throw err;
    } finally {
      this.log.acquireReturns++;
    }
  }

  private async transferItem(item: WiaDrvItem, context: MiniDrvTransferContext): Promise<HResult> {
    const index = item.context as number;
    if (this.options.itemGate) await raceAbort(this.options.itemGate(index), this.behaviour === 'conforming' ? context.signal : undefined);
    const next = await this.record('GetNextStream', () => context.callback.GetNextStream(0, item.name, item.fullName).then((r) => ({ hr: r.hr, value: r })));
    if (next.hr === S_FALSE && this.behaviour !== 'ignore-signal') return S_FALSE;
    const stream = next.hr === S_FALSE ? undefined : next.stream;
    const chunks = this.options.items[index]!.chunks;
    for (let chunk = 0; chunk < chunks; chunk++) {
      await this.read(index, chunk, context.signal);
      const data = scriptedChunk(index, chunk, this.chunkSize);
      if (this.behaviour === 'write-after-cancel' && context.signal.aborted) {
        stream?.write(data);
        return S_FALSE;
      }
      if (this.behaviour === 'conforming' && context.signal.aborted) return S_FALSE;
      if (stream) await this.write(stream, data, context.signal);
      const sent = await this.record('SendMessage', () =>
        context.callback
          .SendMessage(0, { lMessage: WIA_TRANSFER_MSG_STATUS, lPercentComplete: Math.floor(((chunk + 1) * 100) / chunks), ulTransferredBytes: (chunk + 1) * this.chunkSize, hrErrorStatus: S_OK })
          .then((hr) => ({ hr, value: hr })),
      );
      if (sent === S_FALSE && this.behaviour !== 'ignore-signal') return S_FALSE;
    }
    if (this.options.endStreams && stream) await this.end(stream, next.hr === S_OK ? item.fullName : undefined, context.signal);
    return S_OK;
  }

  /** Ends an item's stream and waits for its `'finish'`; logs when it came for an item the app took (not a skipped one). */
  private async end(stream: Writable, itemName: string | undefined, signal: AbortSignal): Promise<void> {
    const finished = new Promise<void>((resolve) => {
      stream.once('finish', () => {
        if (itemName) this.log.ended.push({ item: itemName, finishedSeq: this.nextSeq() });
        resolve();
      });
    });
    stream.end();
    await raceAbort(finished, this.behaviour === 'ignore-signal' ? undefined : signal);
  }

  /** Bytes received by uploads, by item name. */
  readonly uploads = new Map<string, Buffer>();

  private async upload(item: WiaDrvItem, context: MiniDrvTransferContext): Promise<HResult> {
    const next = await this.record('GetNextStream', () => context.callback.GetNextStream(0, item.name, item.fullName).then((r) => ({ hr: r.hr, value: r })));
    if (next.hr !== S_OK || !next.source) return S_FALSE;
    const received: Buffer[] = [];
    let chunk = 0;
    for await (const data of next.source) {
      await this.read(item.context as number, chunk++, context.signal);
      received.push(data as Buffer);
      const hr = await this.record('SendMessage', () =>
        context.callback.SendMessage(0, { lMessage: WIA_TRANSFER_MSG_STATUS, lPercentComplete: 0, ulTransferredBytes: Buffer.concat(received).length, hrErrorStatus: S_OK }).then((v) => ({ hr: v, value: v })),
      );
      if (hr === S_FALSE && this.behaviour !== 'ignore-signal') return S_FALSE;
    }
    this.uploads.set(item.name, Buffer.concat(received));
    return S_OK;
  }

  private async read(item: number, chunk: number, signal: AbortSignal): Promise<void> {
    // Only a conforming driver lets its signal abort a read; the others finish the read and then misbehave.
    const honoured = this.behaviour === 'conforming' ? signal : undefined;
    const fault = this.options.fault;
    if (fault && fault.item === item && fault.chunk === chunk) {
      if (fault.kind === 'throw') throw new Error(`scripted driver bug at item ${item} chunk ${chunk}`);
      if (fault.kind === 'offline') throw new WiaError(WIA_ERROR_OFFLINE, 'the device was unplugged');
      await raceAbort(new Promise<void>(() => undefined), honoured);
    }
    await raceAbort(this.options.readGate?.(item, chunk) ?? Promise.resolve(), honoured);
  }

  private async write(stream: Writable, data: Buffer, signal: AbortSignal): Promise<void> {
    if (stream.write(data)) return;
    const honoured = this.behaviour === 'ignore-signal' ? undefined : signal;
    await raceAbort(new Promise<void>((resolve) => stream.once('drain', resolve)), honoured);
  }

  private async record<T>(method: 'GetNextStream' | 'SendMessage', call: () => Promise<{ hr: HResult; value: T }>): Promise<T> {
    const calledSeq = this.nextSeq();
    const { hr, value } = await call();
    this.log.callbacks.push({ method, calledSeq, answeredSeq: this.nextSeq(), hr });
    return value;
  }

  async drvNotifyPnPEvent(event: WiaEventGuid): Promise<void> {
    if (event === WIA_EVENT_CANCEL_IO) this.log.cancelIo.push(this.nextSeq());
  }

  async drvLockWiaDevice(): Promise<void> {
    this.log.locks++;
  }

  async drvUnLockWiaDevice(): Promise<void> {
    this.log.unlocks++;
  }

  async drvUnInitializeWia(): Promise<void> {}
  async drvReadItemProperties(): Promise<void> {}
  async drvValidateItemProperties(): Promise<void> {}
  async drvWriteItemProperties(): Promise<void> {}
  async drvGetCapabilities(): Promise<WiaDeviceCapability[]> {
    return [];
  }
  async drvDeviceCommand(): Promise<WiaDrvItem | undefined> {
    return undefined;
  }
  async drvDeleteItem(): Promise<void> {}
  async drvFreeDrvItemContext(): Promise<void> {}
  async drvGetWiaFormatInfo(): Promise<WiaFormatInfo[]> {
    return [];
  }
  async drvAnalyzeItem(): Promise<void> {}
  async drvGetDeviceErrorStr(): Promise<string> {
    return '';
  }
}
