import { expect } from 'chai';
import fc from 'fast-check';
import { S_FALSE, S_OK, WIA_ERROR_OFFLINE, WiaError, type HResult } from '../hresult/index.js';
import { WiaDevice } from '../app/wia-device.js';
import type { IWiaTransferCallback } from '../minidriver/index.js';
import { DEFAULT_RESET_STEP_MS } from './device-reset.js';
import { ManualClock, PlainDriver, SlowAppStream, flush } from './plain-driver.test.fixture.js';

const GRACE = 100;
type Step = 'ok' | 'reject' | 'throw-sync' | 'hang';

const never = (): Promise<void> => new Promise<void>(() => undefined);
function behave(step: Step): () => Promise<void> {
  if (step === 'hang') return never;
  if (step === 'reject') return () => Promise.reject(new Error('step failed'));
  if (step === 'throw-sync') {
    return () => {
      throw new Error('step threw synchronously');
    };
  }
  return () => Promise.resolve();
}

const app = (): IWiaTransferCallback => ({ GetNextStream: () => ({ hr: S_OK, stream: new SlowAppStream([]) }), TransferCallback: (): HResult => S_OK });

/** Settles `promise` into a value or the error it rejected with. */
const outcomeOf = (promise: Promise<HResult>): Promise<HResult | unknown> => promise.then((hr) => hr, (err: unknown) => ({ rejected: err }));

/** Lets every bounded reset step run out: three steps, each at most one bound. */
async function letResetEnd(clock: ManualClock): Promise<void> {
  for (let i = 0; i < 4; i++) {
    await flush();
    clock.advance(DEFAULT_RESET_STEP_MS);
  }
  await flush();
}

function expectOffline(result: unknown): void {
  const err = (result as { rejected?: unknown }).rejected;
  expect(err, 'a typed rejection').to.be.instanceOf(WiaError);
  expect((err as WiaError).hresult).to.equal(WIA_ERROR_OFFLINE);
}

describe('the reset after an abandon, on random steps (fast-check)', function () {
  this.timeout(60_000);

  it('every step bounded: Cancel() is answered at once, and the device ends ready or offline (typed), never BUSY or a plain Error', async () => {
    const steps = fc.constantFrom<Step>('ok', 'reject', 'throw-sync', 'hang');
    await fc.assert(
      fc.asyncProperty(steps, steps, fc.constantFrom<Step>('ok', 'reject', 'hang'), fc.boolean(), async (hardware, unInit, init, cancelDuringReset) => {
        const clock = new ManualClock();
        const driver = new PlainDriver({ hangFirstAcquire: true, unInitialize: behave(unInit), reInitialize: behave(init) });
        const device = await WiaDevice.open(driver, { deviceId: 'plain', graceMs: GRACE, timers: clock, resetHardware: behave(hardware) });
        const transfer = device.createTransfer('Root\\Item');
        const first = transfer.Download(0, app());
        await flush();
        transfer.Cancel();
        clock.advance(GRACE);
        expect(await first).to.equal(S_FALSE);

        let secondSettled = false;
        const second = outcomeOf(transfer.Download(0, app())).finally(() => (secondSettled = true));
        await flush();
        // A reset whose steps all answer at once is over by now; the cancel then races nothing but the transfer.
        const resetPending = hardware === 'hang' || unInit === 'hang' || init === 'hang';
        if (cancelDuringReset && resetPending) {
          expect(secondSettled, 'the transfer waits for the reset').to.equal(false);
          transfer.Cancel();
          expect(await second, 'cancelled without the clock moving').to.equal(S_FALSE);
        }
        await letResetEnd(clock);
        const offline = hardware === 'hang' || init !== 'ok';
        if (!(cancelDuringReset && resetPending)) {
          const result = await second;
          if (offline) expectOffline(result);
          else expect(result).to.equal(S_OK);
        }
        expect(device.offline).to.equal(offline);
        const third = await outcomeOf(transfer.Download(0, app()));
        if (offline) expectOffline(third);
        else expect(third).to.equal(S_OK);
        expect(clock.pendingCount, 'no watchdog left running').to.equal(0);
      }),
      { numRuns: 200 },
    );
  });
});
