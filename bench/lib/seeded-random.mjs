/**
 * A small deterministic PRNG (mulberry32), so that a randomized bench run can
 * be replayed with its seed: `const random = seededRandom(seed)` gives floats
 * in [0, 1).
 */
export function seededRandom(seed) {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
