import { expect } from 'chai';
import { CancelLatch } from './cancel-latch.js';
import { guardDriverCall, type GuardedCall } from './driver-guard.js';
import { Gate, ManualClock, flush } from './plain-driver.test.fixture.js';

const GRACE = 100;

/** A manual clock that also counts the timers it was asked for. */
class CountingClock extends ManualClock {
  started = 0;
  override setTimeout(callback: () => void, ms: number): unknown {
    this.started++;
    return super.setTimeout(callback, ms);
  }
}

function track<T>(promise: Promise<GuardedCall<T>>): { outcome: GuardedCall<T> | undefined } {
  const seen: { outcome: GuardedCall<T> | undefined } = { outcome: undefined };
  void promise.then((outcome) => (seen.outcome = outcome));
  return seen;
}

describe('guardDriverCall: the watchdog around one driver call', () => {
  it('an always-bounded call that has already settled (an unlock with nothing to do) never starts a timer', async () => {
    const clock = new CountingClock();
    expect(await guardDriverCall(async () => 7, { timers: clock, graceMs: GRACE, alwaysBounded: true })).to.deep.equal({ kind: 'done', value: 7 });
    const threw = await guardDriverCall(() => Promise.reject(new Error('no')), { timers: clock, graceMs: GRACE, alwaysBounded: true });
    expect(threw.kind).to.equal('threw');
    await flush();
    expect(clock.started).to.equal(0);
  });

  it('an always-bounded call that hangs is abandoned after the grace period, not before', async () => {
    const clock = new CountingClock();
    const seen = track(guardDriverCall(() => new Promise<never>(() => undefined), { timers: clock, graceMs: GRACE, alwaysBounded: true }));
    await flush();
    expect(clock.started).to.equal(1);
    clock.advance(GRACE - 1);
    await flush();
    expect(seen.outcome).to.equal(undefined);
    clock.advance(1);
    await flush();
    expect(seen.outcome).to.deep.equal({ kind: 'abandoned' });
  });

  it('a slow always-bounded call that settles in time clears its timer and keeps its answer', async () => {
    const clock = new CountingClock();
    const gate = new Gate<string>();
    const seen = track(guardDriverCall(() => gate.promise, { timers: clock, graceMs: GRACE, alwaysBounded: true }));
    await flush();
    gate.resolve('late but in time');
    await flush();
    expect(seen.outcome).to.deep.equal({ kind: 'done', value: 'late but in time' });
    expect(clock.pendingCount).to.equal(0);
  });

  it('a call guarded by the latch is unbounded until the latch closes, then gets one grace period', async () => {
    const clock = new CountingClock();
    const latch = new CancelLatch();
    const seen = track(guardDriverCall(() => new Promise<never>(() => undefined), { latch, timers: clock, graceMs: GRACE }));
    await flush();
    clock.advance(GRACE * 10);
    expect(clock.started, 'no timer before the latch').to.equal(0);
    latch.latch('cancel');
    clock.advance(GRACE);
    await flush();
    expect(seen.outcome).to.deep.equal({ kind: 'abandoned' });
  });

  it('a synchronous throw is a settled call, not a crash', async () => {
    const clock = new CountingClock();
    const outcome = await guardDriverCall(
      () => {
        throw new Error('sync');
      },
      { timers: clock, graceMs: GRACE, alwaysBounded: true },
    );
    expect(outcome.kind).to.equal('threw');
    expect(clock.started).to.equal(0);
  });
});
