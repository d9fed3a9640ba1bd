// Hostile eSCL documents: valid ones written by the virtual scanner's own XML
// writer (testkit, independent of the plugin's codec) with random — and
// absurd — values, then cut, spliced and salted with hostile fragments.
import fc from 'fast-check';
import { capabilitiesXml, statusXml } from '@openwia/testkit';

const number = fc.oneof(fc.integer({ min: 1, max: 10_000 }), fc.constantFrom(0, -1, 2 ** 31, 2 ** 53, 99999999999));
const word = fc.oneof(fc.constantFrom('Idle', 'Processing', 'Stopped', 'Down', 'ScannerAdfLoaded', 'ScannerAdfJam', 'RGB24', 'Grayscale8', 'image/jpeg', '__proto__', 'constructor'), fc.string({ maxLength: 30 }));

const capabilities = fc
  .record({
    maxWidth: number,
    maxHeight: number,
    resolutions: fc.array(number, { maxLength: 6 }),
    colorModes: fc.array(word, { maxLength: 4 }),
    formats: fc.array(word, { maxLength: 3 }),
    feeder: fc.option(fc.record({ duplex: fc.boolean(), capacity: number }), { nil: undefined }),
  })
  .map((c) => capabilitiesXml('Fuzz & Co <model>', 'SN', c, c.feeder));

const job = fc.record({ uri: fc.oneof(fc.constant('/eSCL/ScanJobs/1'), fc.string({ maxLength: 40 })), uuid: fc.uuid(), state: word, reason: word, imagesCompleted: number });
const status = fc
  .record({ state: word, adfState: fc.option(word, { nil: undefined }), jobs: fc.array(job, { maxLength: 4 }), manyJobs: fc.nat(400) })
  .map((s) => statusXml(s.state, s.adfState, s.manyJobs > 380 ? Array(s.manyJobs).fill(s.jobs[0] ?? { uri: '/j', uuid: 'u', state: 'Completed', reason: 'x', imagesCompleted: 1 }) : s.jobs));

const fragment = fc.oneof(
  fc.constantFrom('<', '>', '&', '&lol;', '&#0;', '&#x110000;', '<!DOCTYPE x>', '<!DOCTYPE x [<!ENTITY a "aaaa">]>', '<![CDATA[', ']]>', '</scan:Jobs>', '<pwg:State>', '\u0000', '\uFEFF', '<?xml?>', '<__proto__>', '"', "'", '<a xmlns:scan="x">', '99999999999', '-0', '1e400', ' 300 ', '\uD800'),
  fc.constantFrom(3, 30, 300).map((depth) => '<a>'.repeat(depth)),
  fc.constantFrom(1000, 300_000).map((n) => 'x'.repeat(n)),
  fc.string({ maxLength: 20 }),
);

/** A hostile eSCL body: a mutated valid document, or arbitrary text. */
export const hostileEsclBody = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.oneof(capabilities, status), fc.nat(), fc.nat(), fc.array(fragment, { maxLength: 4 })).map(([doc, a, b, inserts]) => {
    const start = a % (doc.length + 1);
    const end = start + (b % (doc.length - start + 1));
    return doc.slice(0, start) + inserts.join('') + doc.slice(end);
  }) },
  { weight: 2, arbitrary: fc.oneof(capabilities, status) },
  { weight: 1, arbitrary: fc.string({ maxLength: 400 }) },
);
