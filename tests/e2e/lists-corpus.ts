/**
 * The lists-at-scale corpus (lists.spec.ts): LIST_SIZE generated articles with short synthetic
 * text, so it builds and imports fast. prepare.ts builds it into LISTS_DIR.
 */
import { join } from 'node:path';
import { CORPORA } from './paths.ts';

export const LIST_SIZE = 20_000;
export const UNDATED = 2;
/** Four large categories (every fifth article aside), then sixteen small ones of growing size. */
export const CATEGORIES = [
  'Alpha',
  'Beta',
  'Gamma',
  'Delta',
  ...'Epsilon Zeta Eta Theta Iota Kappa Lambda Mu Nu Xi Omicron Pi Rho Sigma Tau Upsilon'.split(' '),
];
const LARGE = 4;
const SMALL_CYCLE = 256;
export const LISTS_DIR = join(CORPORA, `lists-${LIST_SIZE}`);
export const LISTS_SOURCE = join(CORPORA, `lists-${LIST_SIZE}.json`);
const DAY_MS = 86_400_000;
const WORDS = 'harbour council river school library market garden bridge station museum festival orchard'.split(' ');

export interface Synthetic {
  id: string;
  title: string;
  date: string | null;
  category: string;
}

/** Article i (0 = oldest): one a day from 1970, the last UNDATED without a date; some long titles. */
export function synthetic(i: number): Synthetic & { lang: string; body: string[]; summary?: string } {
  const words = Array.from({ length: 3 + (i % 4) * 6 }, (_, k) => WORDS[(i * 7 + k) % WORDS.length]).join(' ');
  const dated = i < LIST_SIZE - UNDATED;
  return {
    id: `list-${String(i).padStart(5, '0')}`,
    title: `Article ${i}: ${words}`,
    date: dated ? new Date(i * DAY_MS).toISOString().slice(0, 10) : null,
    category: CATEGORIES[i % 5 === 0 ? LARGE + Math.floor(Math.sqrt((i / 5) % SMALL_CYCLE)) : i % LARGE]!,
    lang: 'en',
    body: [`Body of article ${i}. ${words}.`],
    ...(i % 2 === 0 ? { summary: `Summary of article ${i}: ${words} ${words}.` } : {}),
  };
}

/** The corpus input as the CLI reads it. */
export function listsSource(): string {
  return JSON.stringify({
    title: 'Lists at scale',
    articles: Array.from({ length: LIST_SIZE }, (_, i) => synthetic(i)),
  });
}
