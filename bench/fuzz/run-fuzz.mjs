// Runs every fuzz target within a time budget and sums up the reliability
// figures: cases tried, and contract violations, crashes, hangs, leaks and
// properties fast-check itself reports failed.
import { fuzzContractSchedules } from './contract-target.mjs';
import { fuzzEsclReplies, fuzzEsclXml } from './escl-targets.mjs';
import { fuzzPtpSessions } from './ptp-session-target.mjs';
import { fuzzPtpContainers } from './ptp-target.mjs';
import { fuzzUnplugPoints } from './unplug-target.mjs';
import { settleGuardedCases, stopLeakWatch } from './case-guard.mjs';

/** Share of the time budget per target. */
const TARGETS = [
  { weight: 0.25, run: fuzzContractSchedules },
  { weight: 0.1, run: fuzzPtpContainers },
  { weight: 0.15, run: fuzzPtpSessions },
  { weight: 0.1, run: fuzzEsclXml },
  { weight: 0.2, run: fuzzEsclReplies },
  { weight: 0.2, run: fuzzUnplugPoints },
];

/** A seed of fast-check's range, chosen here so that it can be printed (fast-check names its own only when a property fails). */
function randomSeed() {
  return Math.floor(Math.random() * 2 ** 31);
}

/**
 * @param {{ seconds: number, seed?: number, log?: (line: string) => void }} options
 */
export async function runFuzz({ seconds, seed = randomSeed(), log = () => undefined }) {
  const t0 = performance.now();
  const targets = [];
  log(`  seed ${seed} (--seed ${seed} draws the same cases again)`);
  try {
    for (const { weight, run } of TARGETS) {
      const tally = await run(Math.round(seconds * 1000 * weight), seed);
      // The case the time limit cut off is still running: judge it here, not during the next target.
      await settleGuardedCases();
      const json = tally.toJSON();
      log(`  ${json.target}: ${json.cases} cases, ${json.violations} violations, ${json.crashes} crashes, ${json.hangs} hangs, ${json.leaks} leaks, ${json.failures} failed properties`);
      targets.push(json);
    }
  } finally {
    // The suites that run after the fuzz in the same process (npm run bench) must not pay for its async hook.
    stopLeakWatch();
  }
  const measured = targets.filter((t) => !t.skipped);
  const sum = (key) => measured.reduce((n, t) => n + t[key], 0);
  return {
    seconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
    seed,
    cases: sum('cases'),
    violations: sum('violations'),
    crashes: sum('crashes'),
    hangs: sum('hangs'),
    leaks: sum('leaks'),
    failures: sum('failures'),
    targets,
  };
}
