import { expect } from 'chai';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { raceAbort } from '../abort/index.js';
import { S_FALSE, S_OK, type HResult } from '../hresult/index.js';
import {
  WIA_CATEGORY_FINISHED_FILE,
  WIA_MINIDRV_TRANSFER_ACQUIRE_CHILDREN,
  WIA_TRANSFER_MSG_END_OF_STREAM,
  WIA_TRANSFER_MSG_END_OF_TRANSFER,
  WiaItemType,
  type WiaDrvItem,
  type WiaTransferParams,
} from '../minidriver/index.js';
import { AbortableMiniDriver, type ItemReader, type TransferSource } from '../plugin/index.js';
import { Gate, SlowAppStream, flush } from './plain-driver.test.fixture.js';
import { TransferRun } from './transfer-run.js';

/** A full garbage collection, as `--expose-gc` would give it, without starting mocha with that flag. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** Items of one 4-byte chunk each, read from memory; the last item's read waits for `lastRead`. */
class ItemsPlugin extends AbortableMiniDriver {
  readonly lastRead = new Gate();
  readonly lastReadStarted = new Gate();
  constructor(private readonly count: number) {
    super();
  }
  protected async buildItemTree(root: WiaDrvItem): Promise<void> {
    const folder = root.addChild({ name: 'Items', flags: WiaItemType.Folder, category: WIA_CATEGORY_FINISHED_FILE });
    for (let i = 0; i < this.count; i++) folder.addChild({ name: `Item${i}`, flags: WiaItemType.File | WiaItemType.Transfer, category: WIA_CATEGORY_FINISHED_FILE, context: i });
  }
  protected async openItem(item: WiaDrvItem): Promise<ItemReader> {
    let sent = false;
    const isLast = item.context === this.count - 1;
    return {
      size: 4,
      read: async () => 0,
      readChunk: async () => {
        if (sent) return new Uint8Array(0);
        sent = true;
        if (isLast) {
          this.lastReadStarted.resolve();
          await this.lastRead.promise;
        }
        return new Uint8Array(4).fill(1);
      },
      close: async () => undefined,
    };
  }
}

/** A feeder: pages of 4 bytes; before each page after the first it waits for `nextPage` (the device scanning it). */
class FeederPlugin extends ItemsPlugin {
  readonly nextPage = new Gate();
  readonly waitingForNextPage = new Gate();
  protected override async *transferSources(item: WiaDrvItem, _lFlags: number, signal: AbortSignal): AsyncGenerator<TransferSource, HResult | void> {
    for (const [index, page] of item.children.entries()) {
      if (index > 0) {
        this.waitingForNextPage.resolve();
        await raceAbort(this.nextPage.promise, signal);
      }
      yield { item: page, open: () => this.openItem(page) };
    }
  }
}

/** What the app heard, in order: `next:<item>` for GetNextStream, the message's name otherwise. */
function recordingApp(heard: string[], onMessage: (params: WiaTransferParams) => HResult = () => S_OK) {
  const names: Record<number, string> = { [WIA_TRANSFER_MSG_END_OF_STREAM]: 'end-of-stream', [WIA_TRANSFER_MSG_END_OF_TRANSFER]: 'end-of-transfer' };
  return {
    GetNextStream: (_flags: number, itemName: string) => {
      heard.push(`next:${itemName}`);
      return { hr: S_OK, stream: new SlowAppStream([]) };
    },
    TransferCallback: (_flags: number, params: WiaTransferParams): HResult => {
      if (names[params.lMessage]) heard.push(names[params.lMessage]!);
      return onMessage(params);
    },
  };
}

describe('DriverTransferCallback', () => {
  it('an item is whole once the driver ended its stream and the app consumed it: END_OF_STREAM goes out then, and a cancel while the next page is scanned keeps it', async () => {
    const plugin = new FeederPlugin(3);
    const root = await plugin.drvInitializeWia({ deviceId: 'feeder', queueEvent: () => undefined });
    for (const item of root.walk()) await plugin.drvInitItemProperties(item);
    const heard: string[] = [];
    const run = new TransferRun({ driver: plugin, item: root.children[0]!, deviceId: 'feeder', direction: 'download', lFlags: WIA_MINIDRV_TRANSFER_ACQUIRE_CHILDREN, callback: recordingApp(heard) });
    const report = run.run();
    await plugin.waitingForNextPage.promise;
    await flush();
    expect(heard, 'page 1 is complete while page 2 is being scanned').to.deep.equal(['next:Item0', 'end-of-stream']);
    run.cancel();
    const r = await report;
    expect(r.outcome).to.equal('cancelled');
    expect(r.items.map((i) => [i.itemName, i.status, i.bytes])).to.deep.equal([['Item0', 'transferred', 4]]);
    expect(heard).to.deep.equal(['next:Item0', 'end-of-stream', 'end-of-transfer']);
  });

  it('an app that answers a page\'s END_OF_STREAM with S_FALSE cancels the transfer before the next page, and keeps the page', async () => {
    const plugin = new FeederPlugin(3);
    const root = await plugin.drvInitializeWia({ deviceId: 'feeder', queueEvent: () => undefined });
    for (const item of root.walk()) await plugin.drvInitItemProperties(item);
    const heard: string[] = [];
    const app = recordingApp(heard, (params) => (params.lMessage === WIA_TRANSFER_MSG_END_OF_STREAM ? S_FALSE : S_OK));
    const run = new TransferRun({ driver: plugin, item: root.children[0]!, deviceId: 'feeder', direction: 'download', lFlags: WIA_MINIDRV_TRANSFER_ACQUIRE_CHILDREN, callback: app });
    const report = run.run();
    await plugin.waitingForNextPage.promise;
    plugin.nextPage.resolve();
    const r = await report;
    expect(r.outcome).to.equal('cancelled');
    expect(r.items.map((i) => [i.itemName, i.status])).to.deep.equal([['Item0', 'transferred']]);
    expect(heard).to.deep.equal(['next:Item0', 'end-of-stream', 'end-of-transfer']);
  });

  it('forgets a finished item\'s stream once the app consumed it: a long transfer does not keep every item\'s app stream alive', async () => {
    const plugin = new ItemsPlugin(3);
    const root = await plugin.drvInitializeWia({ deviceId: 'items', queueEvent: () => undefined });
    for (const item of root.walk()) await plugin.drvInitItemProperties(item);
    const appStreams: Array<WeakRef<SlowAppStream>> = [];
    const run = new TransferRun({
      driver: plugin,
      item: root.children[0]!,
      deviceId: 'items',
      direction: 'download',
      lFlags: WIA_MINIDRV_TRANSFER_ACQUIRE_CHILDREN,
      callback: {
        GetNextStream: () => {
          const stream = new SlowAppStream([]);
          appStreams.push(new WeakRef(stream));
          return { hr: S_OK, stream };
        },
        TransferCallback: (): HResult => S_OK,
      },
    });
    const report = run.run();
    await plugin.lastReadStarted.promise;
    // WeakRef targets stay alive until the current job ends.
    await flush();
    collectGarbage();
    expect(appStreams.map((ref) => ref.deref() === undefined), 'items 0 and 1 done, item 2 being read').to.deep.equal([true, true, false]);
    plugin.lastRead.resolve();
    const r = await report;
    expect(r.outcome).to.equal('completed');
    expect(r.items.map((i) => [i.status, i.bytes])).to.deep.equal([
      ['transferred', 4],
      ['transferred', 4],
      ['transferred', 4],
    ]);
  });
});
