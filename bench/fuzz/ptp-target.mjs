// Fuzz target: malformed PTP containers and datasets straight into the PTP
// plugin's decoders (PtpContainerCodec, parseDeviceInfo/StorageInfo/
// ObjectInfo/U32 arrays): valid containers with lying length fields, wrong
// types, the 0xFFFFFFFF "over 4 GiB" marker where it is not allowed, cut and
// bit-flipped, and arbitrary bytes. A decode gives a value or a
// PtpProtocolError, quickly — the decoders run in a worker thread with a
// deadline, so a synchronous hang is caught too. (Whole sessions against a
// hostile or silent virtual camera: ptp-session-target.mjs.)
import fc from 'fast-check';
import { FuzzTally, MEMORY_BUDGET_BYTES } from './case-guard.mjs';
import { DecoderWorker } from './decoder-pool.mjs';

const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(0, 11, 12, 13, 0xffffffff, 0x7fffffff));

/** A container header and body whose fields need not agree. */
const container = fc
  .record({ length: u32, type: fc.oneof(fc.integer({ min: 1, max: 4 }), u16), code: u16, tid: u32, body: fc.uint8Array({ maxLength: 48 }), honest: fc.boolean() })
  .map(({ length, type, code, tid, body, honest }) => {
    const bytes = new Uint8Array(12 + body.length);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, honest ? bytes.length : length, true);
    view.setUint16(4, type, true);
    view.setUint16(6, code, true);
    view.setUint32(8, tid, true);
    bytes.set(body, 12);
    return bytes;
  });

/** Cuts and bit flips. */
const mutated = fc.tuple(container, fc.nat(), fc.array(fc.tuple(fc.nat(), fc.nat(7)), { maxLength: 3 })).map(([bytes, cut, flips]) => {
  const out = bytes.slice(0, bytes.length - (cut % (bytes.length + 1)));
  for (const [at, bit] of flips) if (out.length) out[at % out.length] ^= 1 << bit;
  return out;
});

const malformed = fc.oneof(container, mutated, fc.uint8Array({ maxLength: 300 }));

/** A decode that takes longer than this is a hang (it runs in a worker, so even a synchronous one is caught). */
const DECODE_DEADLINE_MS = 1000;

/** Malformed containers and datasets for `ms` milliseconds; `plant` injects a known fault (bench/fuzz/planted.mjs). */
export async function fuzzPtpContainers(ms, seed, plant) {
  const tally = new FuzzTally('ptp-containers', 'malformed PTP containers and datasets (each through 7 decoders, in a worker with a deadline)');
  const worker = new DecoderWorker(plant);
  const property = fc.asyncProperty(malformed, async (bytes) => {
    tally.cases++;
    const result = await worker.decode(bytes, DECODE_DEADLINE_MS);
    if (result.hang) {
      await worker.stop();
      return void tally.problem('hangs', `a decode of ${bytes.length} bytes did not return within ${DECODE_DEADLINE_MS} ms (synchronous hang)`);
    }
    if (result.crash) return void tally.problem('crashes', result.crash);
    if (result.heldBytes > MEMORY_BUDGET_BYTES) return void tally.problem('leaks', `decoding ${bytes.length} bytes held ${Math.round(result.heldBytes / 2 ** 20)} MiB`);
    tally.outcome(result.typedErrors === result.decoders ? 'refused-by-all' : 'decoded-by-some');
  });
  try {
    await worker.ready();
    tally.checkResult(await fc.check(property, { numRuns: 1e9, interruptAfterTimeLimit: ms, markInterruptAsFailure: false, ...(seed !== undefined ? { seed } : {}) }));
  } finally {
    await worker.stop();
  }
  return tally;
}
