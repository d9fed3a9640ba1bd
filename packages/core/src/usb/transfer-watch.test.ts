import { expect } from 'chai';
import { getEventListeners } from 'node:events';
import { TransferWatch, type TransferInterruption } from './abort.js';
import { UsbTransferAbortedError } from './errors.js';

describe('TransferWatch', () => {
  it('one abort listener per signal, however many transfers watch it; an abort cancels exactly the transfers still watching', () => {
    const controller = new AbortController();
    const cancelled: string[] = [];
    const watch = (name: string): TransferWatch => TransferWatch.start(0x81, { signal: controller.signal }, (why: TransferInterruption) => cancelled.push(`${name}:${why}`));
    const first = watch('first');
    const done = watch('done');
    const last = watch('last');
    expect(getEventListeners(controller.signal, 'abort')).to.have.length(1);
    done.dispose();
    for (let i = 0; i < 100; i++) watch(`read${i}`).dispose();
    expect(getEventListeners(controller.signal, 'abort'), 'reads that came and went added none').to.have.length(1);
    controller.abort(new Error('stop'));
    expect(cancelled).to.deep.equal(['first:aborted', 'last:aborted']);
    expect(first.interruption).to.equal('aborted');
    expect(done.interruption).to.equal(undefined);
    expect(last.error()).to.be.instanceOf(UsbTransferAbortedError);
    expect(getEventListeners(controller.signal, 'abort'), 'the listener went with the abort').to.have.length(0);
  });

  it('refuses an already aborted signal before anything is submitted, and a timeout still fires once', async () => {
    const aborted = AbortSignal.abort();
    expect(() => TransferWatch.start(0x81, { signal: aborted }, () => undefined)).to.throw(UsbTransferAbortedError);
    const controller = new AbortController();
    const seen: TransferInterruption[] = [];
    const timed = TransferWatch.start(0x81, { signal: controller.signal, timeoutMs: 5 }, (why) => seen.push(why));
    await new Promise((resolve) => setTimeout(resolve, 30));
    controller.abort();
    expect(seen).to.deep.equal(['timeout']);
    expect(timed.interruption).to.equal('timeout');
  });
});
