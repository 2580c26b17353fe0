/** Formatting for the storage panel. Pure. */

const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;
const STEP = 1024;
/** Characters of the corpus hash shown to readers: enough to tell versions apart. */
export const SHORT_HASH_LENGTH = 12;

/** "1.5 MB" / "1.5兆字节": binary steps, at most one decimal, in the interface language. */
export function formatBytes(locale: string, bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= STEP && unit < UNITS.length - 1) {
    value /= STEP;
    unit += 1;
  }
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: UNITS[unit],
    unitDisplay: 'short',
    maximumFractionDigits: unit === 0 ? 0 : 1,
  }).format(value);
}

export function shortHash(hash: string): string {
  return hash.slice(0, SHORT_HASH_LENGTH);
}

/** Share of the quota in use, as a whole percentage (at least 1 when anything is used). */
export function usagePercent(usage: number, quota: number): number {
  if (quota <= 0 || usage <= 0) return 0;
  return Math.min(100, Math.max(1, Math.round((usage / quota) * 100)));
}
