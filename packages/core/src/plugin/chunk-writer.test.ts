import { expect } from 'chai';
import { getEventListeners } from 'node:events';
import { Writable } from 'node:stream';
import { WIA_ERROR_OFFLINE, WiaError } from '../hresult/index.js';
import { endStream, waitForDrain } from './chunk-writer.js';
import { abortSubscriberCount } from '../abort/abort-subscriptions.js';
import { rejectionOf } from '../test-support/rejection.js';

/** A stream whose writes complete only when the test says so. */
function heldStream(): { stream: Writable; processed: number[]; release: () => void } {
  const processed: number[] = [];
  let pending: (() => void) | undefined;
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      pending = () => {
        processed.push(chunk.length);
        done();
      };
    },
  });
  return { stream, processed, release: () => pending?.() };
}

describe('endStream', () => {
  it('resolves only once the stream has processed every byte written to it', async () => {
    const { stream, processed, release } = heldStream();
    stream.write(Buffer.alloc(5));
    let ended = false;
    const ending = endStream(stream, new AbortController().signal).then(() => (ended = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(ended).to.equal(false);
    release();
    await ending;
    expect(processed).to.deep.equal([5]);
    expect(stream.writableFinished).to.equal(true);
  });

  it('rejects with the abort error when the signal aborts first (an unplug stays WIA_ERROR_OFFLINE), leaving no listener', async () => {
    const { stream } = heldStream();
    stream.write(Buffer.alloc(5));
    const controller = new AbortController();
    const ending = endStream(stream, controller.signal);
    controller.abort(new WiaError(WIA_ERROR_OFFLINE, 'unplugged'));
    expect(((await rejectionOf(ending)) as WiaError).hresult).to.equal(WIA_ERROR_OFFLINE);
    expect(getEventListeners(controller.signal, 'abort')).to.have.length(0);
  });

  it("rejects with the stream's error when it fails before finishing", async () => {
    const failure = new Error('disk full');
    const stream = new Writable({ write: (_chunk, _encoding, done) => done(failure) });
    stream.on('error', () => undefined);
    stream.write(Buffer.alloc(1));
    expect(await rejectionOf(endStream(stream, new AbortController().signal))).to.equal(failure);
  });
});

describe('waitForDrain', () => {
  /** A stream that asked to wait: its one write is held until the test releases it. */
  function fullStream(): { stream: Writable; release: () => void } {
    const { stream, release } = heldStream();
    expect(stream.write(Buffer.alloc(32 * 1024)), 'the stream asks to wait').to.equal(false);
    return { stream, release };
  }

  it("resolves on the stream's 'drain', and lets go of the stream and the signal", async () => {
    const { stream, release } = fullStream();
    const signal = new AbortController().signal;
    let drained = false;
    const waiting = waitForDrain(stream, signal).then(() => (drained = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(drained).to.equal(false);
    release();
    await waiting;
    expect(stream.listenerCount('drain')).to.equal(0);
    expect(stream.listenerCount('error')).to.equal(0);
    expect(abortSubscriberCount(signal)).to.equal(0);
    expect(getEventListeners(signal, 'abort').length, 'at most the shared listener, never one per wait').to.be.at.most(1);
  });

  it('rejects with the abort error when the signal aborts first (an unplug stays WIA_ERROR_OFFLINE), and at once for an aborted signal', async () => {
    const { stream } = fullStream();
    const controller = new AbortController();
    const waiting = waitForDrain(stream, controller.signal);
    controller.abort(new WiaError(WIA_ERROR_OFFLINE, 'unplugged'));
    expect(((await rejectionOf(waiting)) as WiaError).hresult).to.equal(WIA_ERROR_OFFLINE);
    expect(stream.listenerCount('drain')).to.equal(0);
    expect(((await rejectionOf(waitForDrain(stream, controller.signal))) as WiaError).hresult).to.equal(WIA_ERROR_OFFLINE);
  });

  it("rejects with the stream's error when it emits one before draining", async () => {
    const { stream } = fullStream();
    stream.on('error', () => undefined);
    const failure = new Error('disk full');
    const waiting = waitForDrain(stream, new AbortController().signal);
    stream.destroy(failure);
    expect(await rejectionOf(waiting)).to.equal(failure);
    expect(stream.listenerCount('drain')).to.equal(0);
  });
});
