/** Small statistics for the bench: medians of runs, nearest-rank quantiles of latencies. */

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median of the values that are there; null when no run produced one. */
export function medianOf(values: readonly (number | null)[]): number | null {
  return median(values.filter((v): v is number => v !== null && Number.isFinite(v)));
}

/** Nearest-rank quantile (the same rule as bench/search-quality.ts). */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? null;
}
