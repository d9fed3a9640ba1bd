import { expect } from 'chai';
import { getEventListeners } from 'node:events';
import { abortSubscriberCount, offAbort, onAbort, shareAbortListener } from './abort-subscriptions.js';

describe('onAbort (one shared abort listener per signal)', () => {
  it('adds one listener to the signal however many subscribe and leave; the ones still there run once, in order', () => {
    const controller = new AbortController();
    const heard: string[] = [];
    const listener = (name: string) => (): void => void heard.push(name);
    const first = listener('first');
    const gone = listener('gone');
    const last = listener('last');
    onAbort(controller.signal, first);
    onAbort(controller.signal, gone);
    for (let i = 0; i < 100; i++) {
      const passing = listener(`passing${i}`);
      onAbort(controller.signal, passing);
      offAbort(controller.signal, passing);
    }
    onAbort(controller.signal, last);
    offAbort(controller.signal, gone);
    expect(getEventListeners(controller.signal, 'abort')).to.have.length(1);
    expect(abortSubscriberCount(controller.signal)).to.equal(2);
    controller.abort();
    controller.abort();
    expect(heard).to.deep.equal(['first', 'last']);
    expect(abortSubscriberCount(controller.signal)).to.equal(0);
    expect(getEventListeners(controller.signal, 'abort'), 'the listener went with the abort').to.have.length(0);
  });

  it('never calls a listener subscribed after the abort, as addEventListener would not', () => {
    const signal = AbortSignal.abort();
    let called = false;
    onAbort(signal, () => (called = true));
    expect(called).to.equal(false);
    expect(getEventListeners(signal, 'abort')).to.have.length(0);
    offAbort(signal, () => undefined);
  });

  it('runs the other listeners when one throws, and throws its error again on the next tick', async () => {
    const controller = new AbortController();
    const heard: string[] = [];
    const failure = new Error('listener failed');
    onAbort(controller.signal, () => heard.push('before'));
    onAbort(controller.signal, () => {
      throw failure;
    });
    onAbort(controller.signal, () => heard.push('after'));
    // The error is meant to be uncaught, as an EventTarget's would be: take it here instead of mocha.
    const mochaHandlers = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    try {
      const uncaught = new Promise<unknown>((resolve) => process.once('uncaughtException', resolve));
      controller.abort();
      expect(heard).to.deep.equal(['before', 'after']);
      expect(await uncaught).to.equal(failure);
    } finally {
      process.removeAllListeners('uncaughtException');
      for (const handler of mochaHandlers) process.on('uncaughtException', handler);
    }
  });

  it('a signal that does not share its listener loses it when its last wait lets go: Node holds AbortSignal.any() and .timeout() signals only while they have one', () => {
    const source = new AbortController();
    const signals = [new AbortController().signal, AbortSignal.any([source.signal]), AbortSignal.timeout(60_000)];
    for (const signal of signals) {
      const wait = (): void => undefined;
      onAbort(signal, wait);
      expect(getEventListeners(signal, 'abort')).to.have.length(1);
      offAbort(signal, wait);
      expect(getEventListeners(signal, 'abort'), 'no listener left to keep the signal alive').to.have.length(0);
      expect(abortSubscriberCount(signal)).to.equal(0);
    }
  });

  it('a shared signal keeps its one listener between waits, and still hears the abort', () => {
    const controller = new AbortController();
    shareAbortListener(controller.signal);
    let heard = 0;
    for (let i = 0; i < 10; i++) {
      const wait = (): void => undefined;
      onAbort(controller.signal, wait);
      offAbort(controller.signal, wait);
      expect(getEventListeners(controller.signal, 'abort')).to.have.length(1);
    }
    onAbort(controller.signal, () => heard++);
    controller.abort();
    expect(heard).to.equal(1);
    expect(getEventListeners(controller.signal, 'abort')).to.have.length(0);
  });

  it('taking back a listener that is not subscribed changes nothing', () => {
    const controller = new AbortController();
    const wait = (): void => undefined;
    onAbort(controller.signal, wait);
    offAbort(controller.signal, () => undefined);
    expect(abortSubscriberCount(controller.signal)).to.equal(1);
    expect(getEventListeners(controller.signal, 'abort')).to.have.length(1);
  });
});
