import { expect } from 'chai';
import { Writable } from 'node:stream';
import { WIA_ERROR_DESTINATION, type WiaError } from '../hresult/index.js';
import { GuardedItemStream, type ItemStreamOwner } from './item-stream.js';
import type { TransferItemResult } from './report.js';

/** An owner that never latches and records the app-side failures it is told of. */
function openOwner(): ItemStreamOwner & { failures: WiaError[] } {
  const failures: WiaError[] = [];
  return { closed: false, onClose: () => () => undefined, noteWriteAfterCancel: () => undefined, failAppSide: (error) => failures.push(error), failures };
}

const newItem = (): TransferItemResult => ({ itemName: 'Page1', fullItemName: 'Root\\Page1', status: 'cancelled', bytes: 0 });

/**
 * An app stream that records each write (its length, and whether it came with a completion callback) and
 * processes it at once — write number `holdAt` only when the test calls `release()`; write number `failAt`
 * fails.
 */
class AppSink extends Writable {
  readonly writes: Array<{ bytes: number; withCallback: boolean }> = [];
  accepted = 0;
  private held: Array<() => void> = [];
  private count = 0;

  constructor(private readonly options: { holdAt?: number; failAt?: number; objectMode?: boolean } = {}) {
    super({ objectMode: options.objectMode ?? false });
    this.on('error', () => undefined);
  }

  override write(chunk: unknown, encodingOrCb?: BufferEncoding | ((error?: Error | null) => void), cb?: (error?: Error | null) => void): boolean {
    this.writes.push({ bytes: (chunk as Uint8Array).length, withCallback: typeof encodingOrCb === 'function' || typeof cb === 'function' });
    return super.write(chunk, encodingOrCb as BufferEncoding, cb);
  }

  override _write(chunk: Uint8Array, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const n = this.count++;
    if (n === this.options.failAt) return done(new Error('disk full'));
    const finish = (): void => {
      this.accepted += chunk.length;
      done();
    };
    if (n === this.options.holdAt) this.held.push(finish);
    else finish();
  }

  release(): void {
    const held = this.held;
    this.held = [];
    held.forEach((finish) => finish());
  }
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** An item stream over a fresh app sink (with `options`), with an owner that records failures. */
function guarded(options: ConstructorParameters<typeof AppSink>[0] = {}): { app: AppSink; item: TransferItemResult; owner: ReturnType<typeof openOwner>; stream: GuardedItemStream } {
  const app = new AppSink(options);
  const item = newItem();
  const owner = openOwner();
  return { app, item, owner, stream: new GuardedItemStream(app, item, owner) };
}

/** Writes `count` chunks of 1000 bytes, one event-loop turn apart, as a driver reading a device does. */
async function writeChunks(stream: GuardedItemStream, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    stream.write(new Uint8Array(1000));
    await turn();
  }
}

describe('GuardedItemStream: how it learns what the app stream accepted', () => {
  it('a stream that processes each chunk within write() gets a completion callback on the first chunk only, and the count is exact', async () => {
    const { app, item, stream } = guarded();
    await writeChunks(stream, 4);
    expect(app.writes.map((w) => w.withCallback)).to.deep.equal([true, false, false, false]);
    expect(item.bytes).to.equal(4000);
    expect(stream.idle).to.equal(true);
  });

  it('the same when the driver writes back to back, before the first chunk\'s callback could come (reads of bytes already queued resolve without a tick)', async () => {
    const { app, item, stream } = guarded();
    for (let i = 0; i < 4; i++) stream.write(new Uint8Array(1000));
    expect(app.writes.map((w) => w.withCallback), 'the first chunk\'s callback still pending does not put the others on the callback path').to.deep.equal([true, false, false, false]);
    expect(item.bytes, 'the chunks after the first are counted as they are processed').to.equal(3000);
    expect(stream.idle, "not idle before the first chunk's callback").to.equal(false);
    await turn();
    expect(item.bytes).to.equal(4000);
    expect(stream.idle).to.equal(true);
  });

  it('when such a stream leaves a chunk pending, the outcome waits for it and counts it once processed (an empty write marks it)', async () => {
    const { app, item, stream } = guarded({ holdAt: 2 });
    await writeChunks(stream, 3);
    expect(item.bytes, 'the held chunk is not counted yet').to.equal(2000);
    expect(stream.idle).to.equal(false);
    let idle = false;
    void stream.whenIdle().then(() => (idle = true));
    await turn();
    expect(idle).to.equal(false);
    app.release();
    await turn();
    expect(idle).to.equal(true);
    expect(item.bytes).to.equal(3000);
    expect(app.accepted).to.equal(3000);
    expect(app.writes.map((w) => w.bytes)).to.deep.equal([1000, 1000, 1000, 0]);
    // From then on every chunk carries its own callback.
    stream.write(new Uint8Array(1000));
    expect(app.writes.at(-1)).to.deep.equal({ bytes: 1000, withCallback: true });
  });

  it('a chunk the stream fails within write() is not counted, and the failure reaches the transfer', async () => {
    const { app, item, owner, stream } = guarded({ failAt: 2 });
    await writeChunks(stream, 3);
    expect(item.bytes).to.equal(2000);
    expect(app.accepted).to.equal(2000);
    expect(owner.failures).to.have.length(1);
    expect(owner.failures[0]!.message).to.include('Root\\Page1');
  });

  it('an object-mode stream gets a completion callback on every chunk', async () => {
    const { app, item, stream } = guarded({ objectMode: true });
    await writeChunks(stream, 3);
    expect(app.writes.map((w) => w.withCallback)).to.deep.equal([true, true, true]);
    expect(item.bytes).to.equal(3000);
  });
});

describe('GuardedItemStream: an app stream closed by the app before the item ends', () => {
  for (const how of ['destroyed', 'ended'] as const) {
    it(`${how} while bytes are still coming: the transfer fails with WIA_ERROR_DESTINATION, and the count stays what the app received`, async () => {
      const { app, item, owner, stream } = guarded();
      stream.write(new Uint8Array(100));
      await turn();
      if (how === 'destroyed') app.destroy();
      else app.end();
      stream.write(new Uint8Array(50));
      await turn();
      expect(owner.failures.map((e) => [e.hresult, e.message])).to.deep.equal([
        [WIA_ERROR_DESTINATION, `the destination stream of Root\\Page1 was ${how} by the app while the item's bytes were still coming (100 bytes delivered, 50 more could not be)`],
      ]);
      expect(item.bytes).to.equal(100);
      expect(app.writes.map((w) => w.bytes), 'nothing handed over after the close').to.deep.equal([100]);
    });
  }

  it('closed after its last byte, with nothing more written: no failure', async () => {
    const { app, item, owner, stream } = guarded();
    stream.write(new Uint8Array(100));
    await turn();
    app.destroy();
    stream.end();
    await turn();
    expect(owner.failures).to.deep.equal([]);
    expect(item.bytes).to.equal(100);
  });

  it('destroyed with an error: the error is the one reported, not the close', async () => {
    const { app, owner, stream } = guarded();
    app.destroy(new Error('disk on fire'));
    stream.write(new Uint8Array(10));
    await turn();
    expect(owner.failures[0]?.hresult).to.equal(WIA_ERROR_DESTINATION);
    expect(owner.failures[0]?.message).to.contain('failed');
    expect(String(owner.failures[0]?.cause)).to.contain('disk on fire');
  });
});
