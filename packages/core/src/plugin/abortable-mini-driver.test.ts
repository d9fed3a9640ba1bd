import { expect } from 'chai';
import { S_OK, type HResult } from '../hresult/index.js';
import { WIA_CATEGORY_FINISHED_FILE, WIA_TRANSFER_MSG_STATUS, WiaItemType, type WiaDrvItem, type WiaTransferParams } from '../minidriver/index.js';
import { TransferRun } from '../transfer/index.js';
import { SlowAppStream } from '../transfer/plain-driver.test.fixture.js';
import { AbortableMiniDriver } from './abortable-mini-driver.js';
import type { ItemReader } from './item-reader.js';
import { ProgressThrottle } from './progress-throttle.js';

/** A plugin on the base whose one item is `chunks` chunks of `chunkSize` bytes, read from memory. */
class MemoryPlugin extends AbortableMiniDriver {
  constructor(
    private readonly chunks: number,
    private readonly chunkSize: number,
    private readonly sizeKnown: boolean,
  ) {
    super();
  }
  protected async buildItemTree(root: WiaDrvItem): Promise<void> {
    root.addChild({ name: 'Item', flags: WiaItemType.File | WiaItemType.Transfer, category: WIA_CATEGORY_FINISHED_FILE });
  }
  protected async openItem(): Promise<ItemReader> {
    let left = this.chunks;
    const chunkSize = this.chunkSize;
    return {
      ...(this.sizeKnown ? { size: this.chunks * chunkSize } : {}),
      read: async () => 0,
      readChunk: async () => (left-- > 0 ? new Uint8Array(chunkSize).fill(7) : new Uint8Array(0)),
      close: async () => undefined,
    };
  }
}

async function progressOf(plugin: MemoryPlugin): Promise<{ messages: WiaTransferParams[]; bytes: number }> {
  const root = await plugin.drvInitializeWia({ deviceId: 'memory', queueEvent: () => undefined });
  for (const item of root.walk()) await plugin.drvInitItemProperties(item);
  const messages: WiaTransferParams[] = [];
  const run = new TransferRun({
    driver: plugin,
    item: root.children[0]!,
    deviceId: 'memory',
    direction: 'download',
    lFlags: 0,
    callback: {
      GetNextStream: () => ({ hr: S_OK, stream: new SlowAppStream([]) }),
      TransferCallback: (_flags: number, params: WiaTransferParams): HResult => {
        if (params.lMessage === WIA_TRANSFER_MSG_STATUS) messages.push({ ...params });
        return S_OK;
      },
    },
  });
  const report = await run.run();
  expect(report.outcome).to.equal('completed');
  return { messages, bytes: report.bytes };
}

describe('AbortableMiniDriver progress (issue 12)', () => {
  it('a known size: never a message per chunk, and always the last byte at 100 %', async () => {
    const { messages, bytes } = await progressOf(new MemoryPlugin(1000, 16, true));
    expect(bytes).to.equal(16_000);
    // At most one per percent (at most one a millisecond, at least every 16 ms: ProgressThrottle's tests), never one per chunk.
    expect(messages.length).to.be.at.most(101);
    expect(messages.length).to.be.at.least(2);
    const last = messages[messages.length - 1]!;
    expect(last.ulTransferredBytes).to.equal(16_000);
    expect(last.lPercentComplete).to.equal(100);
    const percents = messages.map((m) => m.lPercentComplete);
    expect(percents).to.deep.equal([...percents].sort((a, b) => a - b));
  });

  it('an unknown size: the first bytes and the last byte are reported', async () => {
    const { messages } = await progressOf(new MemoryPlugin(50, 10, false));
    expect(messages[0]!.ulTransferredBytes).to.equal(10);
    expect(messages[messages.length - 1]!.ulTransferredBytes).to.equal(500);
  });
});

describe('ProgressThrottle', () => {
  it('for a known size: due every 1 % once a millisecond passed, every 16 ms whatever the percentage, and for the last byte at once', () => {
    let now = 0;
    const throttle = new ProgressThrottle(1000, () => now);
    throttle.add(1);
    expect(throttle.due(), 'the first bytes').to.equal(true);
    expect(throttle.report()).to.deep.equal({ percent: 0, bytes: 1 });
    throttle.add(50);
    now = 0.5;
    expect(throttle.due(), '5 % within the same millisecond').to.equal(false);
    now = 1;
    expect(throttle.due(), '5 % a millisecond later').to.equal(true);
    expect(throttle.report()).to.deep.equal({ percent: 5, bytes: 51 });
    throttle.add(5);
    now = 10;
    expect(throttle.due(), 'under 1 % more, 9 ms later').to.equal(false);
    now = 17;
    expect(throttle.due(), '16 ms later').to.equal(true);
    throttle.report();
    throttle.add(944);
    expect(throttle.due(), 'the last byte, in the same instant').to.equal(true);
    expect(throttle.report()).to.deep.equal({ percent: 100, bytes: 1000 });
  });

  it('is due every 16 ms for an unknown size, and not in between', () => {
    let now = 0;
    const throttle = new ProgressThrottle(undefined, () => now);
    throttle.add(1);
    expect(throttle.due(), 'the first bytes').to.equal(true);
    throttle.report();
    throttle.add(1);
    now = 15;
    expect(throttle.due()).to.equal(false);
    now = 16;
    expect(throttle.due()).to.equal(true);
    expect(throttle.report()).to.deep.equal({ percent: 0, bytes: 2 });
    expect(throttle.due(), 'nothing new').to.equal(false);
  });
});
