import { expect } from 'chai';
import {
  E_INVALIDARG,
  S_OK,
  WIA_ERROR_BUSY,
  WIA_ERROR_INVALID_DRIVER_RESPONSE,
  WIA_ERROR_ITEM_DELETED,
  WIA_STATUS_END_OF_MEDIA,
  WIA_TRANSFER_ACQUIRE_CHILDREN,
  WIA_TRANSFER_MSG_END_OF_STREAM,
  WIA_TRANSFER_MSG_STATUS,
  WiaDevice,
  WiaError,
} from '@openwia/core';
import { RecordingTransferCallback } from '../recording/index.js';
import { Deferred, ManualTimers, flushAsync } from '../timing/index.js';
import { MemoryMiniDriver } from './memory-device.js';

const items = [
  { name: 'one', data: 200_000 },
  { name: 'two', data: 70_000 },
  { name: 'three', data: 1 },
];

describe('a device session (WiaDevice) on the plugin base (AbortableMiniDriver)', () => {
  it('downloads a folder in one call, every byte intact, with progress per item', async () => {
    const driver = new MemoryMiniDriver({ items });
    const device = await WiaDevice.open(driver, { deviceId: 'mem' });
    const app = new RecordingTransferCallback();
    const hr = await device.createTransfer('Root\\Folder').Download(WIA_TRANSFER_ACQUIRE_CHILDREN, app);
    expect(hr).to.equal(S_OK);
    for (const { name } of items) expect(app.sinks.get(`Root\\Folder\\${name}`)!.data.equals(Buffer.from(driver.contentOf(name)))).to.equal(true);
    const percents = app.messages.filter((m) => m.lMessage === WIA_TRANSFER_MSG_STATUS).map((m) => m.lPercentComplete);
    // Item one (200 000 bytes in 64 KiB reads): its first chunk, then at most one message a millisecond, ending at 100 %.
    const itemOne = percents.slice(0, percents.indexOf(100) + 1);
    expect(itemOne[0]).to.equal(32);
    expect(itemOne).to.deep.equal([...new Set(itemOne)].sort((x, y) => x - y));
    expect(percents.filter((p) => p === 100), 'each item ends at 100 %').to.have.length(items.length);
    expect(driver.log.closed).to.deep.equal(['one', 'two', 'three']);
  });

  it('the zero-copy readChunk path delivers the same bytes, and an oversized chunk is a typed error', async () => {
    const driver = new MemoryMiniDriver({ items, zeroCopy: true });
    const device = await WiaDevice.open(driver, { deviceId: 'mem' });
    const app = new RecordingTransferCallback();
    expect(await device.createTransfer('Root\\Folder').Download(WIA_TRANSFER_ACQUIRE_CHILDREN, app)).to.equal(S_OK);
    for (const { name } of items) expect(app.sinks.get(`Root\\Folder\\${name}`)!.data.equals(Buffer.from(driver.contentOf(name)))).to.equal(true);
    const liar = await WiaDevice.open(new MemoryMiniDriver({ items, zeroCopy: true, oversizeChunks: 1 }), { deviceId: 'mem' });
    const report = await liar.createTransfer('Root\\Folder').transfer('download', WIA_TRANSFER_ACQUIRE_CHILDREN, new RecordingTransferCallback());
    expect(report.error?.hresult).to.equal(WIA_ERROR_INVALID_DRIVER_RESPONSE);
  });

  it('a second transfer while one runs is refused at once with WIA_ERROR_BUSY', async () => {
    const gate = new Deferred();
    const driver = new MemoryMiniDriver({ items, readDelay: () => gate.promise });
    const device = await WiaDevice.open(driver, { deviceId: 'mem' });
    const first = device.createTransfer('Root\\Folder\\one').Download(0, new RecordingTransferCallback());
    await flushAsync();
    expect(device.busy).to.equal(true);
    let refused: unknown;
    try {
      await device.createTransfer('Root\\Folder\\two').Download(0, new RecordingTransferCallback());
    } catch (err) {
      refused = err;
    }
    expect((refused as WiaError).hresult).to.equal(WIA_ERROR_BUSY);
    gate.resolve();
    expect(await first).to.equal(S_OK);
    expect(device.busy).to.equal(false);
  });

  it('a skipped feeder page is still read through (drained) and its bytes discarded', async () => {
    const driver = new MemoryMiniDriver({ items, feeder: true, folderName: 'Feeder' });
    const device = await WiaDevice.open(driver, { deviceId: 'mem' });
    const app = new RecordingTransferCallback({ stream: (name) => (name === 'two' ? 'skip' : 'stream') });
    await device.createTransfer('Root\\Feeder').Download(WIA_TRANSFER_ACQUIRE_CHILDREN, app);
    expect(driver.log.opened).to.deep.equal(['one', 'two', 'three']);
    expect(app.sinks.has('Root\\Feeder\\two')).to.equal(false);
  });

  it('a feeder that runs out of pages early reports WIA_STATUS_END_OF_MEDIA (completed-partial)', async () => {
    const driver = new MemoryMiniDriver({ items, feeder: true, folderName: 'Feeder', pagesAvailable: 2 });
    const device = await WiaDevice.open(driver, { deviceId: 'mem' });
    const transfer = device.createTransfer('Root\\Feeder');
    expect(await transfer.Download(WIA_TRANSFER_ACQUIRE_CHILDREN, new RecordingTransferCallback())).to.equal(WIA_STATUS_END_OF_MEDIA);
    expect(transfer.lastReport?.outcome).to.equal('completed-partial');
    expect(transfer.lastReport?.items).to.have.length(2);
  });

  it('an item read whole stays transferred when the device fails before the next one', async () => {
    const driver = new MemoryMiniDriver({ items, throwOnRead: 5 });
    const device = await WiaDevice.open(driver, { deviceId: 'mem' });
    const app = new RecordingTransferCallback();
    const report = await device.createTransfer('Root\\Folder').transfer('download', WIA_TRANSFER_ACQUIRE_CHILDREN, app);
    expect(report.outcome).to.equal('failed');
    expect(report.items.map((i) => i.status)).to.deep.equal(['transferred', 'failed']);
    expect(app.messages.filter((m) => m.lMessage === WIA_TRANSFER_MSG_END_OF_STREAM)).to.have.length(1);
  });

  it('cancel tells the device to stop its job (cancelDevice) and closes the item', async () => {
    const driver = new MemoryMiniDriver({ items, hangOnItem: 'two' });
    const device = await WiaDevice.open(driver, { deviceId: 'mem' });
    const transfer = device.createTransfer('Root\\Folder');
    const done = transfer.Download(WIA_TRANSFER_ACQUIRE_CHILDREN, new RecordingTransferCallback());
    await flushAsync(6);
    transfer.Cancel();
    await done;
    expect(transfer.lastReport?.outcome).to.equal('cancelled');
    expect(driver.log.cancelDeviceCalls).to.equal(1);
    expect(driver.log.closed).to.deep.equal(['one', 'two']);
  });

  it('after the watchdog abandoned a plugin, the device is reset before its next transfer', async () => {
    const timers = new ManualTimers();
    const driver = new MemoryMiniDriver({ items, hangOnItem: 'one', ignoreSignal: true });
    const device = await WiaDevice.open(driver, { deviceId: 'mem', timers, graceMs: 100 });
    const events: string[] = [];
    device.on('nonConforming', (v) => events.push(v.kind));
    device.on('reset', () => events.push('reset'));
    const transfer = device.createTransfer('Root\\Folder\\one');
    const hung = transfer.transfer('download', 0, new RecordingTransferCallback());
    await flushAsync();
    transfer.Cancel();
    await flushAsync();
    expect(device.busy, 'the plugin ignores its signal').to.equal(true);
    timers.advance(100);
    const report = await hung;
    expect(report.outcome).to.equal('cancelled');
    expect(report.deviceNeedsReset).to.equal(true);
    expect(device.busy).to.equal(false);
    const next = await device.createTransfer('Root\\Folder\\two').transfer('download', 0, new RecordingTransferCallback());
    expect(next.outcome).to.equal('completed');
    expect(events).to.deep.equal(['ignored-cancel', 'reset']);
  });

  it('refuses items that are gone and folders without ACQUIRE_CHILDREN', async () => {
    const device = await WiaDevice.open(new MemoryMiniDriver({ items }), { deviceId: 'mem' });
    expect(() => device.createTransfer('Root\\Folder\\nope')).to.throw(WiaError).with.property('hresult', WIA_ERROR_ITEM_DELETED);
    let err: unknown;
    try {
      await device.createTransfer('Root\\Folder').Download(0, new RecordingTransferCallback());
    } catch (e) {
      err = e;
    }
    expect((err as WiaError).hresult).to.equal(E_INVALIDARG);
  });
});
