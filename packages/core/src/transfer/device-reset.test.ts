import { expect } from 'chai';
import { S_FALSE, S_OK, WIA_ERROR_OFFLINE, WiaError, type HResult } from '../hresult/index.js';
import { WiaDevice } from '../app/wia-device.js';
import type { IWiaTransferCallback } from '../minidriver/index.js';
import { Gate, ManualClock, PlainDriver, SlowAppStream, flush, type PlainDriverScript } from './plain-driver.test.fixture.js';
import { rejectionOf } from '../test-support/rejection.js';

const GRACE = 100;

function quietApp(): IWiaTransferCallback {
  return { GetNextStream: () => ({ hr: S_OK, stream: new SlowAppStream([]) }), TransferCallback: (): HResult => S_OK };
}

/** Opens a device on a plain driver whose first acquisition hangs, and has the watchdog abandon it. */
async function abandonedDevice(script: PlainDriverScript, resetHardware?: () => Promise<void>) {
  const clock = new ManualClock();
  const driver = new PlainDriver({ hangFirstAcquire: true, ...script });
  const device = await WiaDevice.open(driver, { deviceId: 'plain', graceMs: GRACE, timers: clock, ...(resetHardware ? { resetHardware } : {}) });
  const transfer = device.createTransfer('Root\\Item');
  const first = transfer.Download(0, quietApp());
  await flush();
  transfer.Cancel();
  clock.advance(GRACE);
  expect(await first).to.equal(S_FALSE);
  expect(transfer.lastReport!.deviceNeedsReset).to.equal(true);
  return { clock, driver, device, transfer };
}

describe('the reset after a watchdog abandon (issue 12)', () => {
  it('a hung resetHardware is bounded: the next Download rejects WIA_ERROR_OFFLINE, and so does every later one (not BUSY)', async () => {
    const { clock, device, transfer } = await abandonedDevice({}, () => new Promise<void>(() => undefined));
    const second = transfer.Download(0, quietApp());
    await flush();
    clock.advance(GRACE * 50);
    const err = await rejectionOf(second);
    expect(err).to.be.instanceOf(WiaError);
    expect((err as WiaError).hresult).to.equal(WIA_ERROR_OFFLINE);
    expect(device.offline, 'the device says it is offline').to.equal(true);
    const third = await rejectionOf(transfer.Download(0, quietApp()));
    expect((third as WiaError).hresult).to.equal(WIA_ERROR_OFFLINE);
  });

  it('a hung drvInitializeWia during the reset is bounded too: offline, typed', async () => {
    const { clock, device, transfer } = await abandonedDevice({ reInitialize: () => new Promise<void>(() => undefined) });
    const second = transfer.Download(0, quietApp());
    await flush();
    clock.advance(GRACE * 50);
    const err = await rejectionOf(second);
    expect((err as WiaError).hresult).to.equal(WIA_ERROR_OFFLINE);
    expect(device.offline).to.equal(true);
  });

  it('Cancel() on a Download waiting for a hung reset is answered at once, without the clock moving', async () => {
    const { transfer } = await abandonedDevice({}, () => new Promise<void>(() => undefined));
    const second = transfer.Download(0, quietApp());
    await flush();
    transfer.Cancel();
    expect(await second).to.equal(S_FALSE);
    expect(transfer.lastReport!.outcome).to.equal('cancelled');
  });

  it('a synchronous throw from drvUnInitializeWia during the reset does not leak a plain Error: the reset goes on', async () => {
    let calls = 0;
    const unInitialize = (): Promise<void> => {
      if (calls++ === 0) throw new Error('uninit exploded');
      return Promise.resolve();
    };
    const { transfer, driver } = await abandonedDevice({ unInitialize });
    expect(await transfer.Download(0, quietApp())).to.equal(S_OK);
    expect(driver.log.initialize, 'a new session was started').to.equal(2);
  });
});

describe('closing a device while its reset is pending', () => {
  it('waits for the (bounded) reset, then ends the session: no session is started after the close', async () => {
    const hardware = new Gate();
    const { device, driver, transfer } = await abandonedDevice({}, () => hardware.promise);
    const second = transfer.Download(0, quietApp());
    await flush();
    transfer.Cancel();
    expect(await second).to.equal(S_FALSE);
    let closed = false;
    const closing = device.close().then(() => (closed = true));
    await flush();
    expect(closed, 'close waits for the reset').to.equal(false);
    hardware.resolve();
    await closing;
    expect(driver.log.initialize, 'the reset started its session before the close').to.equal(2);
    expect(driver.log.unInitialize, 'and the close ended it').to.equal(2);
  });
});

describe('when the driver hears WIA_EVENT_CANCEL_IO (issue 12)', () => {
  it('not for a Cancel() before the transfer starts', async () => {
    const driver = new PlainDriver();
    const device = await WiaDevice.open(driver, { deviceId: 'plain', graceMs: GRACE, timers: new ManualClock() });
    const transfer = device.createTransfer('Root\\Item');
    const download = transfer.Download(0, quietApp());
    transfer.Cancel();
    expect(await download).to.equal(S_FALSE);
    expect(driver.log.acquire).to.equal(0);
    expect(driver.log.cancelIo).to.equal(0);
  });

  it('not for a Cancel() while a reset is pending (the driver is not acquiring)', async () => {
    const hardware = new Gate();
    const { driver, transfer } = await abandonedDevice({}, () => hardware.promise);
    const cancelIoBefore = driver.log.cancelIo;
    const second = transfer.Download(0, quietApp());
    await flush();
    transfer.Cancel();
    expect(await second).to.equal(S_FALSE);
    expect(driver.log.cancelIo).to.equal(cancelIoBefore);
    hardware.resolve();
  });

  it('exactly once for a Cancel() while drvAcquireItemData runs, however often Cancel() is called', async () => {
    const { driver } = await abandonedDevice({});
    expect(driver.log.cancelIo).to.equal(1);
  });

  it('not for a Cancel() after the transfer completed', async () => {
    const driver = new PlainDriver();
    const device = await WiaDevice.open(driver, { deviceId: 'plain', graceMs: GRACE, timers: new ManualClock() });
    const transfer = device.createTransfer('Root\\Item');
    expect(await transfer.Download(0, quietApp())).to.equal(S_OK);
    transfer.Cancel();
    await flush();
    expect(driver.log.cancelIo).to.equal(0);
    expect(transfer.lastReport!.cancelIoNotified).to.equal(false);
  });
});
