import { expect } from 'chai';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { S_OK, type HResult } from '../hresult/index.js';
import { WIA_CATEGORY_FINISHED_FILE, WIA_MINIDRV_TRANSFER_ACQUIRE_CHILDREN, WiaItemType, type WiaDrvItem } from '../minidriver/index.js';
import { AbortableMiniDriver, type ItemReader } from '../plugin/index.js';
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

describe('DriverTransferCallback', () => {
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
