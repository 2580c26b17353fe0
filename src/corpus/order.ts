/**
 * Corpus order (DESIGN.md "Built corpus"): date ascending, then id compared as plain strings
 * by UTF-16 code units; undated articles after all dated ones, by id. Pure: shared by the
 * CLI and the browser.
 */
import type { Article, NeighbourRef } from './types.ts';

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
// `T` (or a space, as RFC 3339 allows), hh:mm, optional :ss and fraction, optional Z / ±hh:mm / ±hhmm.
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;

const MONTHS_PER_YEAR = 12;
const HOURS_PER_DAY = 24;
const MINUTES_PER_HOUR = 60;
const SECONDS_PER_MINUTE = 60;
const MS_PER_MINUTE = 60_000;
const MS_DIGITS = 3;
const MAX_YEAR = 9999;
const FEBRUARY = 2;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === FEBRUARY && isLeapYear(year)) return 29;
  return DAYS_IN_MONTH[month - 1] ?? 0;
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= MONTHS_PER_YEAR && day >= 1 && day <= daysInMonth(year, month);
}

/**
 * Reads a `YYYY-MM-DD` date or an ISO 8601 date-time and returns it normalized:
 * `YYYY-MM-DD` for a date, a UTC `YYYY-MM-DDTHH:MM:SS.sssZ` string for a date-time (a time
 * without an offset is taken as UTC). Returns null for anything unreadable, such as
 * `2023-02-30`, `24:00`, `yesterday` or a year outside 0000..9999.
 */
export function normalizeDate(value: string): string | null {
  const dateOnly = DATE_ONLY.exec(value);
  if (dateOnly) {
    const [, y, m, d] = dateOnly;
    return isCalendarDate(Number(y), Number(m), Number(d)) ? value : null;
  }
  const match = DATE_TIME.exec(value);
  if (!match) return null;
  const [, y, mo, d, h, mi, s, fraction, zulu, sign, offH, offM] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (!isCalendarDate(year, month, day)) return null;
  if (hour >= HOURS_PER_DAY || minute >= MINUTES_PER_HOUR || second >= SECONDS_PER_MINUTE) return null;
  let offsetMinutes = 0;
  if (zulu === undefined && sign !== undefined) {
    const oh = Number(offH);
    const om = Number(offM);
    if (oh >= HOURS_PER_DAY || om >= MINUTES_PER_HOUR) return null;
    offsetMinutes = (sign === '-' ? -1 : 1) * (oh * MINUTES_PER_HOUR + om);
  }
  const ms = fraction === undefined ? 0 : Number(fraction.slice(0, MS_DIGITS).padEnd(MS_DIGITS, '0'));
  const at = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0..99 to 1900..1999.
  at.setUTCFullYear(year, month - 1, day);
  at.setUTCHours(hour, minute, second, ms);
  const utc = new Date(at.getTime() - offsetMinutes * MS_PER_MINUTE);
  const utcYear = utc.getUTCFullYear();
  if (utcYear < 0 || utcYear > MAX_YEAR) return null;
  return utc.toISOString();
}

/** The year of a normalized date (`YYYY-…`). */
export function yearOf(date: string): number {
  return Number(date.slice(0, 4));
}

/** Plain string order by UTF-16 code units, independent of locale (unlike localeCompare). */
export function compareCodeUnits(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

/** What ordering needs of an article: its id and normalized date. */
export interface Orderable {
  id: string;
  date: string | null;
}

/**
 * Corpus order. Normalized dates compare as strings: `YYYY-MM-DD` sorts before any
 * date-time of the same day, as if it meant the start of that day.
 */
export function compareArticles(a: Orderable, b: Orderable): number {
  if (a.date !== b.date) {
    if (a.date === null) return 1;
    if (b.date === null) return -1;
    const byDate = compareCodeUnits(a.date, b.date);
    if (byDate !== 0) return byDate;
  }
  return compareCodeUnits(a.id, b.id);
}

/** A built article before it has its place in the corpus. */
export type UnorderedArticle = Omit<Article, 'ord' | 'prev' | 'next'>;

/**
 * Sorts articles into corpus order and assigns `ord` and `prev`/`next`: the older/newer
 * neighbour in the same `lang`. Undated articles continue each language's chain after its
 * newest dated article, so a reader can page through the whole corpus.
 */
export function orderArticles(articles: readonly UnorderedArticle[]): Article[] {
  const sorted = [...articles].sort(compareArticles);
  const ordered: Article[] = sorted.map((article, ord) => ({ ...article, ord, prev: null, next: null }));
  const lastByLang = new Map<string, Article>();
  for (const article of ordered) {
    const older = lastByLang.get(article.lang);
    if (older) {
      article.prev = neighbour(older);
      older.next = neighbour(article);
    }
    lastByLang.set(article.lang, article);
  }
  return ordered;
}

function neighbour(article: Article): NeighbourRef {
  return { id: article.id, title: article.title };
}
