import { expect } from 'chai';
import { TransferMeter, count, formatBytes, formatEta, formatRate } from './measure.js';

describe('progress measures', () => {
  it('formats bytes, rates and times left in one unit system', () => {
    expect([999, 1500, 25_165_824, 3e9].map(formatBytes)).to.deep.equal(['999 B', '1.5 kB', '25.2 MB', '3.00 GB']);
    expect(formatRate(16_200_000)).to.equal('16.2 MB/s');
    expect([undefined, Number.NaN, 0.2, 42, 185].map(formatEta)).to.deep.equal(['', '', 'ETA 1s', 'ETA 42s', 'ETA 3m05s']);
    expect([count(1, 'item'), count(9, 'item'), count(0, 'page')]).to.deep.equal(['1 item', '9 items', '0 pages']);
  });

  it('derives the rate from bytes and elapsed time, and the time left from the total', () => {
    const meter = new TransferMeter(1000);
    expect(meter.rate(1000)).to.equal(0);
    meter.update(4_000_000);
    expect(meter.rate(3000)).to.equal(2_000_000);
    expect(meter.secondsLeft(10_000_000, 3000)).to.equal(3);
    expect(meter.secondsLeft(undefined, 3000)).to.equal(undefined);
  });
});
