import { expect } from 'chai';
import { Writable } from 'node:stream';
import { S_OK, WIA_TRANSFER_ACQUIRE_CHILDREN, WIA_STATUS_SKIP_ITEM, WiaDevice, S_FALSE } from '@openwia/core';
import { MemoryMiniDriver } from './index.js';

class Sink extends Writable {
  chunks: Buffer[] = [];
  override _write(c: Buffer, _e: BufferEncoding, cb: () => void) { this.chunks.push(c); cb(); }
}

describe('smoke', () => {
  it('downloads a folder', async () => {
    const driver = new MemoryMiniDriver({ items: [{ name: 'a', data: 100000 }, { name: 'b', data: 5 }, { name: 'c', data: 7 }] });
    const device = await WiaDevice.open(driver, { deviceId: 'mem' });
    const transfer = device.createTransfer('Root\\Folder');
    const sinks: Record<string, Sink> = {};
    const messages: number[] = [];
    const hr = await transfer.Download(WIA_TRANSFER_ACQUIRE_CHILDREN, {
      TransferCallback: (_f, p) => { messages.push(p.lMessage); return S_OK; },
      GetNextStream: (_f, name) => name === 'b' ? { hr: WIA_STATUS_SKIP_ITEM } : { hr: S_OK, stream: (sinks[name] = new Sink()) },
    });
    expect(hr).to.equal(S_OK);
    expect(Buffer.concat(sinks.a!.chunks)).to.deep.equal(Buffer.from(driver.contentOf('a')));
    expect(transfer.lastReport!.items.map((i) => i.status)).to.deep.equal(['transferred', 'skipped', 'transferred']);
    console.log(messages.join(','));
  });
  it('cancels mid-read', async () => {
    const driver = new MemoryMiniDriver({ items: [{ name: 'a', data: 100000 }], readDelay: 5, chunkSize: 1000 });
    const device = await WiaDevice.open(driver, { deviceId: 'mem' });
    const transfer = device.createTransfer('Root\\Folder\\a');
    const p = transfer.Download(0, { TransferCallback: () => S_OK, GetNextStream: () => ({ hr: S_OK, stream: new Sink() }) });
    setTimeout(() => transfer.Cancel(), 20);
    expect(await p).to.equal(S_FALSE);
    expect(transfer.lastReport!.cancelIoNotified).to.equal(true);
    expect(driver.log.cancelDeviceCalls).to.equal(1);
  });
});
