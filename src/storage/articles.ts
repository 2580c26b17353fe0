import type { Article, Manifest } from '../corpus/types.ts';
import { isManifest } from '../corpus/validate.ts';
import { CORPUS_STATE_KEY, type CorpusState, type FolioDatabase, type StoredArticle } from './db.ts';

/** What a list shows of an article: no body, so lists stay light. */
export interface ArticleSummary {
  id: string;
  title: string;
  date: string | null;
  category: string | null;
  lang: string;
  summary?: string;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export type ListQuery =
  { kind: 'latest' } | { kind: 'category'; category: string } | { kind: 'archive'; year: number; month?: number };

function summarize(a: StoredArticle): ArticleSummary {
  const s: ArticleSummary = { id: a.id, title: a.title, date: a.date, category: a.category, lang: a.lang };
  if (a.summary) s.summary = a.summary;
  return s;
}

/** A record read back is checked before use: a corrupt one is skipped, never rendered. */
export function isStoredArticle(value: unknown): value is StoredArticle {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.id === 'string' &&
    typeof v.title === 'string' &&
    typeof v.html === 'string' &&
    typeof v.lang === 'string' &&
    typeof v.ord === 'number' &&
    typeof v.corpus === 'string' &&
    (v.date === null || typeof v.date === 'string') &&
    (v.category === null || typeof v.category === 'string') &&
    // What the reader page iterates or follows: a wrong type here would break the page.
    Array.isArray(v.tags) &&
    Array.isArray(v.images) &&
    typeof v.translations === 'object' &&
    v.translations !== null &&
    isNeighbour(v.prev) &&
    isNeighbour(v.next)
  );
}

function isNeighbour(value: unknown): boolean {
  if (value === null) return true;
  if (typeof value !== 'object' || value === undefined) return false;
  const v = value as Record<string, unknown>;
  return typeof v.id === 'string' && typeof v.title === 'string';
}

export function isCorpusState(value: unknown): value is CorpusState {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.manifestUrl === 'string' &&
    typeof v.hash === 'string' &&
    typeof v.complete === 'boolean' &&
    Array.isArray(v.doneChunks) &&
    v.doneChunks.every((c) => typeof c === 'string') &&
    (v.stamps === undefined || v.stamps === 'chunk') &&
    isManifest(v.manifest)
  );
}

export async function readCorpusState(db: FolioDatabase): Promise<CorpusState | undefined> {
  const value: unknown = await db.get('meta', CORPUS_STATE_KEY);
  return isCorpusState(value) ? value : undefined;
}

export async function getArticle(db: FolioDatabase, id: string): Promise<Article | undefined> {
  const value: unknown = await db.get('articles', id);
  return isStoredArticle(value) ? value : undefined;
}

/** Whether an article's record is there, and sound: a corrupt one calls for a repair, not a crash. */
export type RecordHealth = 'ok' | 'missing' | 'corrupt';

export async function articleHealth(db: FolioDatabase, id: string): Promise<RecordHealth> {
  const value: unknown = await db.get('articles', id);
  if (value === undefined) return 'missing';
  return isStoredArticle(value) ? 'ok' : 'corrupt';
}

function rangeFor(query: ListQuery): { index: 'by-cat' | 'by-ym'; range: IDBKeyRange } | undefined {
  switch (query.kind) {
    case 'latest':
      return undefined;
    case 'category':
      return {
        index: 'by-cat',
        range: IDBKeyRange.bound([query.category, -Infinity], [query.category, Infinity]),
      };
    case 'archive': {
      const prefix =
        query.month === undefined
          ? String(query.year).padStart(4, '0')
          : `${String(query.year).padStart(4, '0')}-${String(query.month).padStart(2, '0')}`;
      // Every `ym` of that year or month sorts between the prefix and the prefix + U+FFFF.
      return { index: 'by-ym', range: IDBKeyRange.bound([prefix, -Infinity], [`${prefix}\uffff`, Infinity]) };
    }
  }
}

/** Walks an index newest first, skipping `offset` records, collecting up to `limit`. */
async function collect(
  db: FolioDatabase,
  index: 'by-ord' | 'by-cat' | 'by-ym',
  range: IDBKeyRange | null,
  direction: IDBCursorDirection,
  offset: number,
  limit: number,
): Promise<ArticleSummary[]> {
  const items: ArticleSummary[] = [];
  if (limit <= 0) return items;
  let cursor = await db.transaction('articles').store.index(index).openCursor(range, direction);
  if (cursor && offset > 0) cursor = await cursor.advance(offset);
  while (cursor && items.length < limit) {
    const value: unknown = cursor.value;
    if (isStoredArticle(value)) items.push(summarize(value));
    cursor = await cursor.continue();
  }
  return items;
}

/**
 * One page of a list, newest first. In "latest", undated articles (which hold the
 * highest ords) come after every dated one rather than on top.
 */
export async function listArticles(
  db: FolioDatabase,
  manifest: Manifest,
  query: ListQuery,
  offset: number,
  limit: number,
): Promise<Page<ArticleSummary>> {
  const target = rangeFor(query);
  if (target) {
    const total = await db.countFromIndex('articles', target.index, target.range);
    const items = await collect(db, target.index, target.range, 'prev', offset, limit);
    return { items, total };
  }
  const dated = manifest.dated;
  const total = await db.count('articles');
  const items: ArticleSummary[] = [];
  if (offset < dated) {
    const datedRange = dated > 0 ? IDBKeyRange.upperBound(dated - 1) : null;
    if (datedRange) items.push(...(await collect(db, 'by-ord', datedRange, 'prev', offset, limit)));
  }
  const remaining = limit - items.length;
  if (remaining > 0) {
    const undatedOffset = Math.max(0, offset - dated);
    items.push(...(await collect(db, 'by-ord', IDBKeyRange.lowerBound(dated), 'next', undatedOffset, remaining)));
  }
  return { items, total };
}

/** Article counts per month of one year, for the archive's month list. */
export async function monthCounts(db: FolioDatabase, year: number): Promise<number[]> {
  const y = String(year).padStart(4, '0');
  const months = Array.from({ length: 12 }, (_, i) => `${y}-${String(i + 1).padStart(2, '0')}`);
  return Promise.all(
    months.map((m) => db.countFromIndex('articles', 'by-ym', IDBKeyRange.bound([m, -Infinity], [m, Infinity]))),
  );
}
