import { expect } from 'chai';
import { CancelledError } from '../hresult/index.js';
import { Gate, ManualClock, PlainDriver, flush } from '../transfer/plain-driver.test.fixture.js';
import { AcquireAbortedError } from './acquire.js';
import { WiaDevice } from './wia-device.js';
import { rejectionOf } from '../test-support/rejection.js';

describe('acquire(): one abort error class (issue 12)', () => {
  it('an abort before the start and an abort during the transfer reject with the same class, AcquireAbortedError', async () => {
    const driver = new PlainDriver();
    const device = await WiaDevice.open(driver, { deviceId: 'plain', timers: new ManualClock() });

    const before = await rejectionOf(device.acquire('Root\\Item', { signal: AbortSignal.abort() }));
    expect(driver.log.acquire, 'the device was not touched').to.equal(0);

    const controller = new AbortController();
    const arrived = new Gate();
    const during = rejectionOf(
      device.acquire('Root\\Item', {
        signal: controller.signal,
        onProgress: () => arrived.resolve(),
      }),
    );
    await arrived.promise;
    controller.abort();
    const duringError = await during;
    await flush();

    for (const err of [before, duringError]) {
      expect(err).to.be.instanceOf(AcquireAbortedError);
      expect(err).to.be.instanceOf(CancelledError);
      expect((err as Error).name).to.equal('AbortError');
      expect((err as AcquireAbortedError).result.outcome).to.equal('cancelled');
    }
    expect((before as AcquireAbortedError).result.items).to.deep.equal([]);
  });
});
