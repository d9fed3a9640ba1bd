// Fuzz target: malformed PTP containers and datasets straight into the PTP
// plugin's decoders (PtpContainerCodec, parseDeviceInfo/StorageInfo/
// ObjectInfo/U32 arrays): valid containers with lying length fields, wrong
// types, the 0xFFFFFFFF "over 4 GiB" marker where it is not allowed, cut and
// bit-flipped, and arbitrary bytes. A decode gives a value or a
// PtpProtocolError, quickly. (Malformed containers from a virtual camera
// through a whole session are not wired yet: see bench/README.md.)
import fc from 'fast-check';
import { PtpContainerCodec, PtpProtocolError, parseDeviceInfo, parseObjectInfo, parseStorageInfo, parseU32ArrayDataset } from '@openwia/device-plugins/ptp/codec';
import { FuzzTally, activeResources, leakedSince } from './case-guard.mjs';

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

const DECODERS = [
  (b) => PtpContainerCodec.decodeHeader(b),
  (b) => PtpContainerCodec.decodeResponse(b),
  (b) => PtpContainerCodec.decodeEvent(b),
  (b) => parseDeviceInfo(b),
  (b) => parseStorageInfo(b),
  (b) => parseObjectInfo(b),
  (b) => parseU32ArrayDataset(b, 'fuzz'),
];

/** Malformed containers and datasets for `ms` milliseconds. */
export async function fuzzPtpContainers(ms, seed) {
  const tally = new FuzzTally('ptp-containers', 'malformed PTP containers and datasets (each through 7 decoders)');
  const property = fc.property(malformed, (bytes) => {
    const before = activeResources();
    tally.cases++;
    let typedErrors = 0;
    for (const decode of DECODERS) {
      const t0 = performance.now();
      try {
        decode(bytes);
      } catch (err) {
        if (!(err instanceof PtpProtocolError)) return void tally.problem('crashes', err?.stack ?? err);
        typedErrors++;
      }
      if (performance.now() - t0 > 1000) return void tally.problem('hangs', `a decode of ${bytes.length} bytes took over 1 s`);
    }
    tally.outcome(typedErrors === DECODERS.length ? 'refused-by-all' : 'decoded-by-some');
    const leaks = leakedSince(before);
    if (leaks.length) tally.problem('leaks', leaks.join(', '));
  });
  fc.check(property, { numRuns: 1e9, interruptAfterTimeLimit: ms, markInterruptAsFailure: false, ...(seed !== undefined ? { seed } : {}) });
  return tally;
}
