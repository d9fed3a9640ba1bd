// Which allocations outlive the young generation: the bytes per transfer that
// were promoted to the old space (and later freed by a mark-compact), by the
// function that allocated them, for the whole stack or for the fair raw loop
// on the same bench device. Promoted garbage is what turns the scavenges that
// chunk memory forces (external memory pressure, about one per 32 MiB of
// chunks) into mark-compacts: the stack's remaining gap at 1 MiB reads in the
// steady process (bench/README.md).
//
//   node --max-semi-space-size=1 bench/promotion-profile.mjs [stack|fair] [--chunk-kib 1024] [--transfers 200]
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { countingApp } from './lib/counting-app.mjs';
import { FAIR_READS, openRig, rawReadAll } from './lib/rig.mjs';

const MiB = 1024 * 1024;
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'chunk-kib': { type: 'string', default: '1024' }, transfers: { type: 'string', default: '200' }, top: { type: 'string', default: '20' } },
});
const reader = positionals[0] ?? 'stack';
if (reader !== 'stack' && reader !== 'fair') throw new Error(`reader must be stack or fair, not ${reader}`);
const chunkSize = Number(values['chunk-kib']) * 1024;
const transfers = Number(values.transfers);
const itemSizes = Array(8).fill(4 * MiB);

const rig = await openRig({ itemSizes, readSize: chunkSize });
const transfer =
  reader === 'fair'
    ? () => rawReadAll(rig.transport, itemSizes, chunkSize, FAIR_READS)
    : () => rig.transferAll(countingApp({ keepSinks: false }));
// Optimised code first: the interpreter allocates differently.
for (let i = 0; i < 300; i++) await transfer();

// Made before sampling starts, so that the context it takes is not in the profile.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

const session = new Session();
session.connect();
await session.post('HeapProfiler.enable');
// Only objects that survived the young generation: those a minor GC freed are left out.
await session.post('HeapProfiler.startSampling', { samplingInterval: 512, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: false });
for (let i = 0; i < transfers; i++) await transfer();
// Whatever died since the last scavenge is still in the young generation, and so still in the profile: collect
// it first (two scavenges also promote what is still alive, the rig's own objects, which is nothing per transfer).
for (let i = 0; i < 2; i++) gc({ type: 'minor' });
const { profile } = await session.post('HeapProfiler.stopSampling');
session.disconnect();
await rig.close();

const bySite = new Map();
const visit = (node) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const site = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
  bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
  node.children.forEach(visit);
};
visit(profile.head);
const perTransfer = (bytes) => Math.round(bytes / transfers);
const total = [...bySite.values()].reduce((a, b) => a + b, 0);
console.log(`${reader}, ${chunkSize / 1024} KiB reads: ${perTransfer(total)} bytes promoted per transfer of ${itemSizes.length} × ${itemSizes[0] / MiB} MiB (sampled every 512 bytes)`);
for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) console.log(`${String(perTransfer(bytes)).padStart(8)}  ${site}`);
