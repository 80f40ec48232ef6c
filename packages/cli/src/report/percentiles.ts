/** The value at quantile `q` (0..1) of sorted `values`, by the nearest-rank method. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

/** p50, p95 and p99 of `values` (which it sorts in place), rounded to 0.01. */
export function percentiles(values: Float64Array): { p50: number; p95: number; p99: number } {
  values.sort();
  const round = (value: number) => Math.round(value * 100) / 100;
  return { p50: round(quantile(values, 0.5)), p95: round(quantile(values, 0.95)), p99: round(quantile(values, 0.99)) };
}
