import { expect } from 'chai';
import fc from 'fast-check';
import { InEndpointQueue } from './in-endpoint-queue.js';

const MPS = 64;

/** Host reads of `length` until all of `total` bytes arrived, like a plugin's read loop. */
function drain(queue: InEndpointQueue, lengths: number[], total: number): Uint8Array[] {
  const reads: Uint8Array[] = [];
  let got = 0;
  for (let i = 0; got < total; i++) {
    const length = lengths[i % lengths.length]!;
    const step = queue.take(length, 0, length);
    const bytes = new Uint8Array(step.taken);
    let offset = 0;
    for (const part of step.bytes) {
      bytes.set(part, offset);
      offset += part.length;
    }
    if (step.taken === 0 && !step.ended) throw new Error('a read would wait although the device ended its transfers');
    reads.push(bytes);
    got += step.taken;
  }
  return reads;
}

describe('InEndpointQueue (property)', () => {
  it('delivers every byte once, in order, and no host read spans two device-side transfers', () => {
    const transfer = fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(fc.array(transfer, { minLength: 1, maxLength: 6 }), fc.array(fc.integer({ min: 1, max: 8 }).map((n) => n * MPS), { minLength: 1, maxLength: 4 }), (transfers, lengths) => {
        const queue = new InEndpointQueue(0x81, MPS);
        let counter = 0;
        const boundaries = new Set<number>();
        let total = 0;
        for (const pieces of transfers) {
          pieces.forEach((size, i) => {
            const data = Uint8Array.from({ length: size }, () => counter++ & 0xff);
            total += size;
            void queue.write(data, i === pieces.length - 1);
          });
          boundaries.add(total);
        }
        const reads = drain(queue, lengths, total);
        const all = reads.flatMap((r) => [...r]);
        expect(all).to.deep.equal(Array.from({ length: total }, (_, i) => i & 0xff));
        let position = 0;
        for (const read of reads) {
          for (const boundary of boundaries) expect(boundary > position && boundary < position + read.length, `read spans the transfer end at ${boundary}`).to.equal(false);
          position += read.length;
        }
      }),
    );
  });
});
