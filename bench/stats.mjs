// Small statistics over latency samples, the same for every driver so figures compare.

/** The value at quantile `q` (0..1) of ascending `sorted` (nearest rank), or null when empty. */
export function quantile(sorted, q) {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

/** p50, p95 and p99 of `values` in milliseconds, rounded to 0.1 ms. */
export function percentiles(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => {
    const value = quantile(sorted, q);
    return value === null ? null : round(value, 1);
  };
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

export function round(value, digits = 3) {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Counts of each distinct value, e.g. statuses. */
export function countBy(values) {
  const counts = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
