import { expect } from 'chai';
import fc from 'fast-check';
import { BusPacer } from './speed.js';

/** A 1 MB/s wire with 1 ms per transfer: 1000 bytes cost 1 ms. */
const profile = { name: 'test', latencyMs: 1, bytesPerSecond: 1_000_000 };

describe('BusPacer (the wire clock)', () => {
  it('starts a reservation when the wire is free and the transfer was ready, whichever is later', () => {
    const pacer = new BusPacer(profile);
    expect(pacer.reserve(1000, true, 100)).to.equal(102); // ready at 100: latency 1 + 1000 bytes 1
    expect(pacer.reserve(1000, false, 50)).to.equal(103); // ready long ago: starts when the wire is free
    expect(pacer.reserve(0, true, 200)).to.equal(201); // the wire idled from 103 to 200: that time is gone
  });

  it('carries the credit of a late caller: queued reservations keep the configured rate however late they are made', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 64 * 1024 }), { minLength: 1, maxLength: 50 }), (sizes) => {
        const pacer = new BusPacer(profile);
        // Every transfer was queued at time 0; the caller asks for each one arbitrarily late — the due times do not move.
        let due = 0;
        for (const bytes of sizes) due = pacer.reserve(bytes, true, 0);
        const ideal = sizes.reduce((ms, bytes) => ms + profile.latencyMs + bytes / 1000, 0);
        expect(due).to.be.closeTo(ideal, 1e-6);
      }),
    );
  });

  it('never paces an unlimited wire', () => {
    const pacer = new BusPacer({ name: 'unlimited', latencyMs: 0, bytesPerSecond: Infinity });
    expect(pacer.unlimited).to.equal(true);
    expect(pacer.reserve(1 << 20, true, 42)).to.equal(42);
  });
});
