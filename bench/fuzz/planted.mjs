// Planted faults: one known fault per check of the fuzzer, run through the
// same guard and workers as the real targets, to prove that each check fires
// (`npm run fuzz -- --prove-checks`). A check that stays silent on its planted
// fault is broken and fails the run.
import fc from 'fast-check';
import { FuzzTally, guardedCase } from './case-guard.mjs';
import { fuzzPtpContainers } from './ptp-target.mjs';

/** Runs one case that leaves `resource` behind, then cleans it up with `release` (the check must have seen it first). */
async function leaveBehind(tally, create, release) {
  let resource;
  await guardedCase(tally, async () => {
    resource = create();
    return 'planted';
  });
  release(resource);
}

const PLANTS = {
  'async-hang': { check: 'hangs', run: (t) => guardedCase(t, () => new Promise(() => undefined), 200) },
  crash: { check: 'crashes', run: (t) => guardedCase(t, async () => Promise.reject(new TypeError('planted crash'))) },
  "ref'd-timer": { check: 'leaks', run: (t) => leaveBehind(t, () => setTimeout(() => undefined, 60_000), clearTimeout) },
  "unref'd-timer": { check: 'leaks', run: (t) => leaveBehind(t, () => setTimeout(() => undefined, 60_000).unref(), clearTimeout) },
  'abort-listener-leak': {
    check: 'leaks',
    run: (t) =>
      leaveBehind(
        t,
        () => {
          const signal = new AbortController().signal;
          const listeners = Array.from({ length: 20 }, () => () => undefined);
          for (const listener of listeners) signal.addEventListener('abort', listener);
          return { signal, listeners };
        },
        ({ signal, listeners }) => listeners.forEach((l) => signal.removeEventListener('abort', l)),
      ),
  },
  'memory-512MiB': { check: 'leaks', run: (t) => leaveBehind(t, () => Buffer.alloc(512 * 2 ** 20), () => undefined) },
  'property-failure': { check: 'failures', run: async (t) => t.checkResult(await fc.check(fc.asyncProperty(fc.nat(), async () => false), { numRuns: 5 })) },
  'sync-hang-in-decoder': { check: 'hangs', target: () => fuzzPtpContainers(1500, 1, 'sync-hang') },
  'memory-in-decoder': { check: 'leaks', target: () => fuzzPtpContainers(3000, 1, 'decoder-memory') },
};

/** Runs every planted fault; says for each whether its check fired. */
export async function provePlantedFaults(log = () => undefined) {
  const results = [];
  for (const [plant, { check, run, target }] of Object.entries(PLANTS)) {
    let tally = new FuzzTally(`planted:${plant}`, 'one planted fault');
    if (target) tally = await target();
    else await run(tally);
    const fired = tally[check] > 0;
    log(`  ${fired ? 'fires' : 'SILENT'}  ${plant} → ${check} ${tally[check]}${tally.firstProblems[0] ? ` (${tally.firstProblems[0].slice(0, 120)})` : ''}`);
    results.push({ plant, check, fired, count: tally[check] });
  }
  return results;
}
