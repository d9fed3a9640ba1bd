import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import { getEventListeners } from 'node:events';
import { abortSubscriberCount } from './abort-subscriptions.js';
import { CancelledError, E_ABORT, WIA_ERROR_OFFLINE, WiaError } from '../hresult/index.js';
import { abortError, delay, linkSignals, onceAbortable, raceAbort, throwIfAborted } from './abort.js';
import { rejectionOf } from '../test-support/rejection.js';

describe('abort toolkit: every aborted wait rejects the same way', () => {
  it('keeps a WiaError reason (an unplug stays WIA_ERROR_OFFLINE)', () => {
    const offline = new WiaError(WIA_ERROR_OFFLINE, 'unplugged');
    expect(abortError(AbortSignal.abort(offline))).to.equal(offline);
  });

  it('turns any other reason into a CancelledError carrying it as cause', () => {
    const err = abortError(AbortSignal.abort('because'));
    expect(err).to.be.instanceOf(CancelledError);
    expect(err.hresult).to.equal(E_ABORT);
    expect(err.cause).to.equal('because');
  });

  it('throwIfAborted throws only for an aborted signal', () => {
    expect(() => throwIfAborted(undefined)).not.to.throw();
    expect(() => throwIfAborted(new AbortController().signal)).not.to.throw();
    expect(() => throwIfAborted(AbortSignal.abort())).to.throw(CancelledError);
  });

  describe('delay', () => {
    it('resolves after the time when nothing aborts, leaving no listener', async () => {
      const controller = new AbortController();
      await delay(1, controller.signal);
      expect(getEventListeners(controller.signal, 'abort')).to.have.length(0);
    });

    it('rejects at once with the abort error and leaves no listener', async () => {
      const controller = new AbortController();
      const offline = new WiaError(WIA_ERROR_OFFLINE, 'gone');
      const waiting = delay(60_000, controller.signal);
      controller.abort(offline);
      expect(await rejectionOf(waiting)).to.equal(offline);
      expect(getEventListeners(controller.signal, 'abort')).to.have.length(0);
    });

    it('never starts for a signal already aborted', async () => {
      expect(await rejectionOf(delay(60_000, AbortSignal.abort()))).to.be.instanceOf(CancelledError);
    });
  });

  describe('raceAbort', () => {
    it('settles like the work when nothing aborts, and removes its listener', async () => {
      const controller = new AbortController();
      expect(await raceAbort(Promise.resolve(7), controller.signal)).to.equal(7);
      const failure = new Error('work failed');
      expect(await rejectionOf(raceAbort(Promise.reject(failure), controller.signal))).to.equal(failure);
      expect(abortSubscriberCount(controller.signal)).to.equal(0);
      expect(getEventListeners(controller.signal, 'abort'), 'one shared listener at most').to.have.length.at.most(1);
    });

    it('rejects when the signal aborts first; the work failing later is handled', async () => {
      const controller = new AbortController();
      let fail!: (err: Error) => void;
      const work = new Promise<number>((_, reject) => (fail = reject));
      const racing = raceAbort(work, controller.signal);
      controller.abort();
      expect(await rejectionOf(racing)).to.be.instanceOf(CancelledError);
      fail(new Error('late failure'));
      await new Promise((resolve) => setImmediate(resolve));
    });
  });

  describe('onceAbortable', () => {
    it('resolves to the event arguments', async () => {
      const emitter = new EventEmitter();
      const waiting = onceAbortable(emitter, 'data', new AbortController().signal);
      emitter.emit('data', 1, 2);
      expect(await waiting).to.deep.equal([1, 2]);
    });

    it('rejects with the abort error and removes its listeners', async () => {
      const emitter = new EventEmitter();
      const controller = new AbortController();
      const waiting = onceAbortable(emitter, 'data', controller.signal);
      controller.abort(new WiaError(WIA_ERROR_OFFLINE));
      expect(((await rejectionOf(waiting)) as WiaError).hresult).to.equal(WIA_ERROR_OFFLINE);
      expect(emitter.listenerCount('data')).to.equal(0);
    });
  });

  describe('linkSignals', () => {
    it('aborts with the reason of the first source that aborts, and lets go of every source', () => {
      const transfer = new AbortController();
      const device = new AbortController();
      const linked = linkSignals([transfer.signal, device.signal]);
      const offline = new WiaError(WIA_ERROR_OFFLINE, 'gone');
      device.abort(offline);
      expect(linked.signal.aborted).to.equal(true);
      expect(linked.signal.reason).to.equal(offline);
      expect(abortSubscriberCount(transfer.signal)).to.equal(0);
      expect(abortSubscriberCount(device.signal)).to.equal(0);
    });

    it('is aborted at once when a source already is', () => {
      const linked = linkSignals([new AbortController().signal, AbortSignal.abort('before')]);
      expect(linked.signal.aborted).to.equal(true);
      expect(linked.signal.reason).to.equal('before');
    });

    it('unlink removes its listeners, and the signal no longer follows the sources', () => {
      const source = new AbortController();
      const linked = linkSignals([source.signal]);
      linked.unlink();
      expect(abortSubscriberCount(source.signal)).to.equal(0);
      source.abort();
      expect(linked.signal.aborted).to.equal(false);
    });
  });
});
