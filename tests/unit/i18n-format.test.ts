import { describe, expect, it } from 'vitest';
import { formatCount, formatDate, formatMonth, LOCALES } from '../../src/i18n/index.ts';

// The hand-written formats must read exactly as Intl writes them (Node carries full ICU).
describe('dates and counts without Intl', () => {
  const intlDate = (locale: string, d: Date): string =>
    new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(d);

  it.each(LOCALES)('formatDate equals Intl for every day of two years, and for times (%s)', (locale) => {
    for (let t = Date.UTC(2023, 0, 1); t < Date.UTC(2025, 0, 1); t += 86_400_000) {
      const iso = new Date(t).toISOString().slice(0, 10);
      expect(formatDate(locale, iso)).toBe(intlDate(locale, new Date(t)));
    }
    for (const iso of [
      '1999-12-31T23:59:59Z',
      '2024-02-29T12:00:00+05:00',
      '2024-03-01T01:30:00-04:00',
      '1000-01-01',
      '9999-12-31',
    ]) {
      expect(formatDate(locale, iso)).toBe(intlDate(locale, new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso)));
    }
  });

  it.each(LOCALES)(
    'formatDate falls back to Intl outside four-digit years, and leaves a bad date as it is (%s)',
    (locale) => {
      expect(formatDate(locale, '0900-06-15')).toBe(intlDate(locale, new Date('0900-06-15T00:00:00Z')));
      expect(formatDate(locale, 'not a date')).toBe('not a date');
    },
  );

  it.each(LOCALES)('formatMonth equals Intl for every month (%s)', (locale) => {
    for (const year of [1000, 1999, 2024, 9999]) {
      for (let month = 1; month <= 12; month++) {
        const intl = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(
          new Date(Date.UTC(year, month - 1, 1)),
        );
        expect(formatMonth(locale, year, month)).toBe(intl);
      }
    }
  });

  it.each(LOCALES)('formatCount equals toLocaleString (%s)', (locale) => {
    const samples = [0, 1, 9, 10, 999, 1000, 1001, 14_992, 99_999, 100_000, 1_234_567, Number.MAX_SAFE_INTEGER];
    for (const n of [...samples, 1.5, -1200]) expect(formatCount(locale, n)).toBe(n.toLocaleString(locale));
  });
});
