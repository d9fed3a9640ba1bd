import { expect } from 'chai';
import fc from 'fast-check';
import { S_FALSE, S_OK, type HResult } from '../hresult/index.js';
import type { IWiaTransferCallback, MiniDrvTransferContext, WiaDrvItem } from '../minidriver/index.js';
import { onAbort } from '../abort/abort-subscriptions.js';
import { PlainDriver, SlowAppStream, flush } from '../transfer/plain-driver.test.fixture.js';
import { WiaDevice } from './wia-device.js';

function quietApp(): IWiaTransferCallback {
  return { GetNextStream: () => ({ hr: S_OK, stream: new SlowAppStream([]) }), TransferCallback: (): HResult => S_OK };
}

/** A plain driver that records each transfer's signal and can leave something waiting on it when it returns. */
class SignalDriver extends PlainDriver {
  readonly signals: AbortSignal[] = [];
  /** What the next acquisition leaves on its signal. */
  leave: 'nothing' | 'listener' | 'subscription' = 'nothing';
  /** Aborts that reached what a transfer left behind after it had ended. */
  readonly staleAborts: string[] = [];
  /** Transfers (1-based) whose signal was already aborted when the driver got it. */
  readonly abortedAtStart: number[] = [];
  /** Set by the test once a transfer has settled. */
  readonly ended: boolean[] = [];

  override async drvAcquireItemData(item: WiaDrvItem, lFlags: number, context: MiniDrvTransferContext): Promise<HResult> {
    const transfer = this.signals.push(context.signal);
    if (context.signal.aborted) this.abortedAtStart.push(transfer);
    const stale = (what: string) => (): void => {
      if (this.ended[transfer - 1]) this.staleAborts.push(`${what} of transfer ${transfer}`);
    };
    if (this.leave === 'listener') context.signal.addEventListener('abort', stale('listener'));
    if (this.leave === 'subscription') onAbort(context.signal, stale('read'));
    this.leave = 'nothing';
    return super.drvAcquireItemData(item, lFlags, context);
  }
}

async function signalDevice() {
  const driver = new SignalDriver({ chunks: [Buffer.from('abcd')] });
  const device = await WiaDevice.open(driver, { deviceId: 'signals', graceMs: 100 });
  return { driver, device, download: () => device.createTransfer('Root\\Item').Download(0, quietApp()) };
}

describe("a transfer's AbortSignal, handed on to the device's next transfer", () => {
  it('transfers that end without a cancel share one signal, never aborted; after a cancel the next transfer gets a new one', async () => {
    const { driver, device, download } = await signalDevice();
    expect(await download()).to.equal(S_OK);
    expect(await download()).to.equal(S_OK);
    const transfer = device.createTransfer('Root\\Item');
    const cancelled = transfer.Download(0, { ...quietApp(), TransferCallback: () => S_FALSE });
    expect(await cancelled).to.equal(S_FALSE);
    expect(await download()).to.equal(S_OK);
    const [first, second, third, fourth] = driver.signals;
    expect(second, 'handed on').to.equal(first);
    expect(third, 'still the same until a cancel').to.equal(first);
    expect(third!.aborted, 'the cancelled transfer aborted it').to.equal(true);
    expect(fourth).to.not.equal(third);
    expect(fourth!.aborted).to.equal(false);
  });

  for (const [leave, what] of [
    ['listener', 'a plugin left a listener on'],
    ['subscription', 'something still waits on (a read in flight)'],
  ] as const) {
    it(`a signal ${what} is not handed on: a later cancel never reaches the old transfer`, async () => {
      const { driver, device, download } = await signalDevice();
      driver.leave = leave;
      expect(await download()).to.equal(S_OK);
      const transfer = device.createTransfer('Root\\Item');
      expect(await transfer.Download(0, { ...quietApp(), TransferCallback: () => S_FALSE })).to.equal(S_FALSE);
      await flush();
      expect(driver.signals[1]).to.not.equal(driver.signals[0]);
      expect(driver.staleAborts).to.deep.equal([]);
    });
  }

  it('a transfer that failed on the app side does not hand its aborted signal on', async () => {
    const { driver, device, download } = await signalDevice();
    const transfer = device.createTransfer('Root\\Item');
    const failing = transfer.Download(0, {
      ...quietApp(),
      TransferCallback: () => {
        throw new Error('app bug');
      },
    });
    await failing.catch(() => undefined);
    expect(await download()).to.equal(S_OK);
    expect(driver.signals[0]!.aborted).to.equal(true);
    expect(driver.signals[1]!.aborted).to.equal(false);
  });

  it('over random runs of transfers — completed, cancelled, failed on the app side, leaving a listener or a read behind — every transfer starts with an unaborted signal and no abort reaches a transfer that has ended', async () => {
    const step = fc.record({
      end: fc.constantFrom('complete', 'cancel', 'app-error'),
      leave: fc.constantFrom('nothing', 'nothing', 'listener', 'subscription'),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        const { driver, device } = await signalDevice();
        for (const [i, { end, leave }] of steps.entries()) {
          driver.leave = leave;
          const answer = (): HResult => {
            if (end === 'app-error') throw new Error('app bug');
            return end === 'cancel' ? S_FALSE : S_OK;
          };
          await device.createTransfer('Root\\Item').Download(0, { ...quietApp(), TransferCallback: answer }).catch(() => undefined);
          driver.ended[i] = true;
        }
        await flush();
        expect(driver.abortedAtStart).to.deep.equal([]);
        expect(driver.staleAborts).to.deep.equal([]);
        await device.close();
      }),
      { numRuns: 300, seed: 15 },
    );
  });
});
