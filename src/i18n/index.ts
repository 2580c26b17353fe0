import { en, type MessageKey, type Messages } from './en.ts';
import { zhCN } from './zh-CN.ts';

export type Locale = 'en' | 'zh-CN';
export const LOCALES: readonly Locale[] = ['en', 'zh-CN'];

const catalogs: Record<Locale, Messages> = { en, 'zh-CN': zhCN };

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** Chinese for any zh-* browser language, English otherwise. */
export function localeFromLanguages(languages: readonly string[]): Locale {
  for (const lang of languages) {
    const l = lang.toLowerCase();
    if (l.startsWith('zh')) return 'zh-CN';
    if (l.startsWith('en')) return 'en';
  }
  return 'en';
}

export function translate(locale: Locale, key: MessageKey, params: Record<string, string | number> = {}): string {
  return catalogs[locale][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/**
 * Dates and counts are formatted here, not with Intl, for the two interface languages: the first
 * Intl formatter a page makes loads ICU's locale data, which the bench's CPU profile of a warm start
 * put at 364 ms (a count) and 58 ms (a date) of main-thread time before the first list paint, 4×
 * throttled. The output is Intl's own (`dateStyle: 'long'` in UTC, grouped integers); the unit test
 * checks them against Intl, and anything outside these shapes (years before 1000, fractions) still
 * goes to Intl.
 */
const MONTHS_EN = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

/** Dates as readers expect them in each interface language: "March 5, 2024", "2024年3月5日". */
export function formatDate(locale: Locale, date: string): string {
  const d = new Date(date.length === 10 ? `${date}T00:00:00Z` : date);
  if (Number.isNaN(d.getTime())) return date;
  const year = d.getUTCFullYear();
  if (year < 1000 || year > 9999) return dateFormat(locale).format(d);
  const month = d.getUTCMonth();
  const day = d.getUTCDate();
  return locale === 'zh-CN' ? `${year}年${month + 1}月${day}日` : `${MONTHS_EN[month]} ${day}, ${year}`;
}

const dateFormats = new Map<Locale, Intl.DateTimeFormat>();

function dateFormat(locale: Locale): Intl.DateTimeFormat {
  let format = dateFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' });
    dateFormats.set(locale, format);
  }
  return format;
}

/** "March 2024", "2024年3月" (month 1–12). */
export function formatMonth(locale: Locale, year: number, month: number): string {
  if (Number.isInteger(year) && year >= 1000 && year <= 9999 && Number.isInteger(month) && month >= 1 && month <= 12) {
    return locale === 'zh-CN' ? `${year}年${month}月` : `${MONTHS_EN[month - 1]} ${year}`;
  }
  const d = new Date(Date.UTC(year, month - 1, 1));
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(d);
}

/** A count with its thousands grouped, as both languages write it: "14,992". */
export function formatCount(locale: Locale, n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) return n.toLocaleString(locale);
  return String(n).replace(/\B(?=(\d{3})+$)/g, ',');
}

export type { MessageKey, Messages };
