import {
  AbortableMiniDriver,
  delay,
  raceAbort,
  WIA_CATEGORY_FEEDER,
  WIA_CATEGORY_FINISHED_FILE,
  WIA_STATUS_END_OF_MEDIA,
  WiaItemType,
  type HResult,
  type ItemReader,
  type TransferSource,
  type WiaDrvItem,
} from '@openwia/core';

/** One item of a {@link MemoryMiniDriver}. */
export interface MemoryItemSpec {
  name: string;
  /** The item's bytes, or a size to generate (bytes are a deterministic pattern). */
  data: Uint8Array | number;
}

/** How a {@link MemoryMiniDriver} behaves; the misbehaviours are for contract tests. */
export interface MemoryDeviceOptions {
  /** Items of the device's single folder. */
  items: MemoryItemSpec[];
  /** Folder name (default `Folder`). Category feeder makes the folder a feeder of pages. */
  folderName?: string;
  feeder?: boolean;
  /** Bytes per read at most (default: the core's buffer size). */
  chunkSize?: number;
  /**
   * Wait before each read resolves. A number is milliseconds of a real timer;
   * a function lets a test decide when each read completes.
   */
  readDelay?: number | ((item: string, offset: number, signal: AbortSignal) => Promise<void>);
  /** Ignore the abort signal: reads complete on their own schedule (or never). */
  ignoreSignal?: boolean;
  /** Throw from the nth read (0-based, over the whole transfer). */
  throwOnRead?: number;
  /** Reads of this item never complete unless aborted (or at all with ignoreSignal). */
  hangOnItem?: string;
  /** For a feeder: stop after this many pages and report end of media. */
  pagesAvailable?: number;
  /** Offer the zero-copy `readChunk` path as well as `read`. */
  zeroCopy?: boolean;
  /** With `zeroCopy`: hand over chunks this much larger than asked for (a plugin bug). */
  oversizeChunks?: number;
}

/** Records what the driver observed, for tests. */
export interface MemoryDeviceLog {
  reads: number;
  cancelDeviceCalls: number;
  opened: string[];
  closed: string[];
}

function patternBytes(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed * 17) & 0xff;
  return bytes;
}

/**
 * An in-memory device on the plugin base: a folder of items (or a feeder of
 * pages) served from memory, with configurable timing and misbehaviour. It is
 * the smallest complete plugin, used by the contract tests and the demo.
 */
export class MemoryMiniDriver extends AbortableMiniDriver {
  readonly log: MemoryDeviceLog = { reads: 0, cancelDeviceCalls: 0, opened: [], closed: [] };
  private readonly contents = new Map<string, Uint8Array>();

  constructor(private readonly options: MemoryDeviceOptions) {
    super();
    options.items.forEach((spec, index) => {
      this.contents.set(spec.name, typeof spec.data === 'number' ? patternBytes(spec.data, index + 1) : spec.data);
    });
  }

  /** The bytes of an item, to compare with what an app received. */
  contentOf(name: string): Uint8Array {
    const data = this.contents.get(name);
    if (!data) throw new Error(`no item ${name}`);
    return data;
  }

  protected async buildItemTree(root: WiaDrvItem): Promise<void> {
    const folder = root.addChild({
      name: this.options.folderName ?? 'Folder',
      flags: WiaItemType.Folder,
      category: this.options.feeder ? WIA_CATEGORY_FEEDER : WIA_CATEGORY_FINISHED_FILE,
    });
    for (const spec of this.options.items) {
      folder.addChild({ name: spec.name, flags: WiaItemType.Image | WiaItemType.File | WiaItemType.Transfer, category: WIA_CATEGORY_FINISHED_FILE });
    }
  }

  protected async openItem(item: WiaDrvItem): Promise<ItemReader> {
    return this.reader(item.name);
  }

  protected override async *transferSources(item: WiaDrvItem, lFlags: number, signal: AbortSignal): AsyncGenerator<TransferSource, HResult | void> {
    if (!this.options.feeder) return yield* super.transferSources(item, lFlags, signal);
    const pages = item.children;
    const available = this.options.pagesAvailable ?? pages.length;
    for (const [index, page] of pages.entries()) {
      if (index >= available) return WIA_STATUS_END_OF_MEDIA;
      yield { item: page, open: async () => this.reader(page.name), drainOnSkip: true };
    }
  }

  protected override async cancelDevice(): Promise<void> {
    this.log.cancelDeviceCalls++;
  }

  private reader(name: string): ItemReader {
    const data = this.contentOf(name);
    this.log.opened.push(name);
    let offset = 0;
    const options = this.options;
    const log = this.log;
    const reader: ItemReader = {
      size: data.length,
      read: async (buffer, signal) => {
        const readIndex = log.reads++;
        const effective = options.ignoreSignal ? undefined : signal;
        if (options.throwOnRead === readIndex) throw new Error(`simulated driver bug on read ${readIndex}`);
        if (options.hangOnItem === name) await raceAbort(new Promise<never>(() => undefined), effective);
        if (typeof options.readDelay === 'number') await delay(options.readDelay, effective);
        else if (options.readDelay) await options.readDelay(name, offset, effective ?? new AbortController().signal);
        if (!options.ignoreSignal) signal.throwIfAborted();
        const n = Math.min(buffer.length, options.chunkSize ?? buffer.length, data.length - offset);
        buffer.set(data.subarray(offset, offset + n));
        offset += n;
        return n;
      },
      close: async () => {
        log.closed.push(name);
      },
    };
    if (!options.zeroCopy) return reader;
    return {
      ...reader,
      readChunk: async (maxBytes, signal) => {
        const buffer = new Uint8Array(maxBytes + (options.oversizeChunks ?? 0));
        return buffer.subarray(0, await reader.read(buffer, signal));
      },
    };
  }
}
