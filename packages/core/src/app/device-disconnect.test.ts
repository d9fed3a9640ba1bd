import { expect } from 'chai';
import { S_FALSE, S_OK, WIA_ERROR_OFFLINE, WiaError, type HResult } from '../hresult/index.js';
import {
  WIA_CATEGORY_FINISHED_FILE,
  WIA_EVENT_CANCEL_IO,
  WIA_EVENT_DEVICE_DISCONNECTED,
  WiaItemType,
  type IWiaTransferCallback,
  type WiaDrvItem,
} from '../minidriver/index.js';
import { AbortableMiniDriver, type ItemReader } from '../plugin/index.js';
import { ManualClock, PlainDriver, SlowAppStream, flush, type PlainDriverScript } from '../transfer/plain-driver.test.fixture.js';
import type { ContractViolation } from '../transfer/index.js';
import { rejectionOf } from '../test-support/rejection.js';
import { WiaDevice } from './wia-device.js';

const GRACE = 100;

function quietApp(): IWiaTransferCallback {
  return { GetNextStream: () => ({ hr: S_OK, stream: new SlowAppStream([]) }), TransferCallback: (): HResult => S_OK };
}

async function plainDevice(script: PlainDriverScript = {}) {
  const clock = new ManualClock();
  const driver = new PlainDriver({ blockAfterFirstChunk: true, ...script });
  const device = await WiaDevice.open(driver, { deviceId: 'plain', graceMs: GRACE, timers: clock });
  const violations: ContractViolation[] = [];
  device.on('nonConforming', (v) => violations.push(v));
  const offline: WiaError[] = [];
  device.on('offline', (error) => offline.push(error));
  return { clock, driver, device, violations, offline, transfer: device.createTransfer('Root\\Item') };
}

/** A plugin on the base whose one item sends 4 bytes, then reads until its signal aborts; it counts `cancelDevice` calls. */
class StalledReadPlugin extends AbortableMiniDriver {
  cancelDeviceCalls = 0;
  readSignal: AbortSignal | undefined;
  protected async buildItemTree(root: WiaDrvItem): Promise<void> {
    root.addChild({ name: 'Item', flags: WiaItemType.File | WiaItemType.Transfer, category: WIA_CATEGORY_FINISHED_FILE });
  }
  protected async openItem(): Promise<ItemReader> {
    let first = true;
    return {
      read: async () => 0,
      readChunk: (_size, signal) => {
        this.readSignal = signal;
        if (first) {
          first = false;
          return Promise.resolve(new Uint8Array(4).fill(1));
        }
        return new Promise<Uint8Array>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
      },
      close: async () => undefined,
    };
  }
  protected override async cancelDevice(): Promise<void> {
    this.cancelDeviceCalls++;
  }
}

/** A transfer on the plugin base, its read stalled after the first 4 bytes. */
async function stalledBaseTransfer() {
  const plugin = new StalledReadPlugin();
  const device = await WiaDevice.open(plugin, { deviceId: 'base', graceMs: GRACE });
  const transfer = device.createTransfer('Root\\Item');
  const download = transfer.Download(0, quietApp());
  await flush();
  return { plugin, device, transfer, download };
}

describe('WiaDevice.notifyDisconnected: the device went away', () => {
  it('mid-read, the transfer fails with WIA_ERROR_OFFLINE: the read signal aborts with that error, the driver hears DEVICE_DISCONNECTED and never CANCEL_IO', async () => {
    const { driver, device, transfer, offline } = await plainDevice();
    const download = transfer.Download(0, quietApp());
    await flush();
    expect(driver.lastSignal?.aborted, 'reading before the unplug').to.equal(false);
    await device.notifyDisconnected();
    const err = await rejectionOf(download);
    expect(err).to.be.instanceOf(WiaError);
    expect((err as WiaError).hresult).to.equal(WIA_ERROR_OFFLINE);
    expect((driver.lastSignal?.reason as WiaError).hresult, "the read's abort reason").to.equal(WIA_ERROR_OFFLINE);
    const report = transfer.lastReport!;
    expect(report).to.include({ outcome: 'failed', hresult: WIA_ERROR_OFFLINE, cancelIoNotified: false, bytes: 4 });
    expect(driver.log.events).to.deep.equal([WIA_EVENT_DEVICE_DISCONNECTED]);
    expect(offline.map((e) => e.hresult)).to.deep.equal([WIA_ERROR_OFFLINE]);
  });

  it('a plugin that ignores the abort is abandoned after one grace period, and the transfer still fails WIA_ERROR_OFFLINE', async () => {
    const { clock, device, transfer } = await plainDevice({ hangFirstAcquire: true });
    const download = transfer.Download(0, quietApp());
    await flush();
    await device.notifyDisconnected();
    await flush();
    expect(transfer.lastReport, 'not settled before the grace period').to.equal(undefined);
    clock.advance(GRACE);
    expect(((await rejectionOf(download)) as WiaError).hresult).to.equal(WIA_ERROR_OFFLINE);
    expect(transfer.lastReport!.violations.map((v) => v.kind)).to.deep.equal(['ignored-cancel']);
  });

  it('from then on every transfer is refused with WIA_ERROR_OFFLINE (never BUSY); a second notice changes nothing', async () => {
    const { driver, device, transfer, offline } = await plainDevice();
    await device.notifyDisconnected();
    await device.notifyDisconnected();
    expect(device.offline).to.equal(true);
    expect(((await rejectionOf(transfer.Download(0, quietApp()))) as WiaError).hresult).to.equal(WIA_ERROR_OFFLINE);
    expect(((await rejectionOf(transfer.Download(0, quietApp()))) as WiaError).hresult).to.equal(WIA_ERROR_OFFLINE);
    expect(driver.log.acquire, 'the driver is not asked to acquire').to.equal(0);
    expect(driver.log.events).to.deep.equal([WIA_EVENT_DEVICE_DISCONNECTED]);
    expect(offline).to.have.length(1);
    await device.close();
    expect(driver.log.unInitialize, 'close still ends the session').to.equal(1);
  });

  it('after close() it is a no-op: the ended session is not called', async () => {
    const { driver, device, offline } = await plainDevice();
    await device.close();
    await device.notifyDisconnected();
    expect(driver.log.events).to.deep.equal([]);
    expect(offline).to.have.length(0);
  });

  it('a transfer that completed before the unplug keeps its outcome', async () => {
    const { device, transfer } = await plainDevice({ blockAfterFirstChunk: false });
    expect(await transfer.Download(0, quietApp())).to.equal(S_OK);
    await device.notifyDisconnected();
    expect(transfer.lastReport!.outcome).to.equal('completed');
  });

  it('a cancel before the unplug wins: the transfer is cancelled, the driver heard CANCEL_IO once and then DEVICE_DISCONNECTED', async () => {
    const { driver, device, transfer } = await plainDevice();
    const download = transfer.Download(0, quietApp());
    await flush();
    transfer.Cancel();
    await device.notifyDisconnected();
    expect(await download).to.equal(S_FALSE);
    expect(transfer.lastReport!.outcome).to.equal('cancelled');
    expect(driver.log.events).to.deep.equal([WIA_EVENT_CANCEL_IO, WIA_EVENT_DEVICE_DISCONNECTED]);
  });

  it('a driver that hangs in drvNotifyPnPEvent holds nothing: the transfer fails at once, the notice resolves after one grace period, reported', async () => {
    const { clock, device, transfer, violations } = await plainDevice({ onEvent: () => new Promise<void>(() => undefined) });
    const download = transfer.Download(0, quietApp());
    await flush();
    let answered = false;
    const notice = device.notifyDisconnected().then(() => (answered = true));
    expect(((await rejectionOf(download)) as WiaError).hresult).to.equal(WIA_ERROR_OFFLINE);
    await flush();
    expect(answered, 'still waiting for the driver').to.equal(false);
    clock.advance(GRACE);
    await notice;
    expect(violations.map((v) => `${v.kind} ${v.phase}`)).to.deep.equal(['ignored-cancel drvNotifyPnPEvent']);
  });

  it('a driver whose drvNotifyPnPEvent throws synchronously: the transfer still fails WIA_ERROR_OFFLINE, the throw is reported', async () => {
    const { device, transfer, violations } = await plainDevice({
      onEvent: () => {
        throw new Error('driver bug');
      },
    });
    const download = transfer.Download(0, quietApp());
    await flush();
    await device.notifyDisconnected();
    expect(((await rejectionOf(download)) as WiaError).hresult).to.equal(WIA_ERROR_OFFLINE);
    expect(violations.map((v) => v.kind)).to.deep.equal(['threw']);
    expect(violations[0]!.detail).to.contain('driver bug');
  });

  it('on the plugin base: the stalled read aborts with WIA_ERROR_OFFLINE, and a gone device is not sent a cancel', async () => {
    const { plugin, device, transfer, download } = await stalledBaseTransfer();
    expect(plugin.readSignal?.aborted).to.equal(false);
    await device.notifyDisconnected();
    expect(((await rejectionOf(download)) as WiaError).hresult).to.equal(WIA_ERROR_OFFLINE);
    expect((plugin.readSignal?.reason as WiaError).hresult).to.equal(WIA_ERROR_OFFLINE);
    expect(plugin.cancelDeviceCalls).to.equal(0);
    expect(transfer.lastReport).to.include({ bytes: 4, cancelIoNotified: false });
  });

  it('on the plugin base, a cancel still tells the device to stop (cancelDevice), once', async () => {
    const { plugin, transfer, download } = await stalledBaseTransfer();
    transfer.Cancel();
    expect(await download).to.equal(S_FALSE);
    expect(plugin.cancelDeviceCalls).to.equal(1);
  });
});
