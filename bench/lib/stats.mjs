// Small statistics for benchmark samples: percentiles (nearest rank), medians,
// and Jain's fairness index. Written here rather than pulled in: a dozen lines.

/**
 * The q-quantile (0 ≤ q ≤ 1) of samples by the nearest-rank method: the
 * smallest sample with at least q of all samples at or below it.
 * @param {readonly number[]} sorted samples sorted ascending
 * @param {number} q
 */
export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

/** @param {readonly number[]} samples */
export function median(samples) {
  return quantile([...samples].sort((a, b) => a - b), 0.5);
}

/**
 * `{ p50, p99, max, n }` of samples, rounded to `digits` decimals.
 * @param {readonly number[]} samples
 * @param {number} [digits]
 */
export function summarize(samples, digits = 3) {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (x) => Number(x.toFixed(digits));
  return { p50: round(quantile(sorted, 0.5)), p99: round(quantile(sorted, 0.99)), max: round(sorted.at(-1) ?? NaN), n: sorted.length };
}

/**
 * Jain's fairness index of per-party throughputs: 1 when all are equal,
 * 1/n when one party gets everything.
 * @param {readonly number[]} values
 */
export function jainFairness(values) {
  const sum = values.reduce((a, b) => a + b, 0);
  const squares = values.reduce((a, b) => a + b * b, 0);
  return squares === 0 ? 1 : (sum * sum) / (values.length * squares);
}

/** Bytes per second → MB/s (10^6), rounded to one decimal. */
export function mbPerSecond(bytes, ms) {
  return Number((bytes / 1e3 / ms).toFixed(1));
}

/** Bytes → MiB with one decimal. */
export function mib(bytes) {
  return Number((bytes / 1024 / 1024).toFixed(1));
}

/** Rounds to three decimals (ratios). */
export function round3(x) {
  return Number(x.toFixed(3));
}

/**
 * `[q1, q3]` of samples (nearest rank), rounded to three decimals: the spread of a median ratio.
 * @param {readonly number[]} samples
 */
export function interquartile(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return [round3(quantile(sorted, 0.25)), round3(quantile(sorted, 0.75))];
}

/**
 * `[low, high]`: a distribution-free 90 % confidence interval of the median of
 * samples (the order statistics the binomial distribution puts around it,
 * normal approximation), rounded to three decimals. Unlike the interquartile
 * range, it narrows as samples are added: how precisely a median ratio is known.
 * @param {readonly number[]} samples
 */
export function medianConfidence90(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const half = 1.645 * Math.sqrt(n) / 2;
  const low = Math.max(0, Math.floor(n / 2 - half) - 1);
  const high = Math.min(n - 1, Math.ceil(n / 2 + half) - 1);
  return [round3(sorted[low]), round3(sorted[high])];
}
