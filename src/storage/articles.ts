import type { Article, Manifest } from '../corpus/types.ts';
import { isManifest } from '../corpus/validate.ts';
import type { IDBPIndex } from 'idb';
import { CORPUS_STATE_KEY, type CorpusState, type FolioDatabase, type FolioDB, type StoredArticle } from './db.ts';

/** What a list shows of an article: no body, so lists stay light. */
export interface ArticleSummary {
  id: string;
  title: string;
  date: string | null;
  category: string | null;
  lang: string;
  summary?: string;
}

export type ListQuery =
  { kind: 'latest' } | { kind: 'category'; category: string } | { kind: 'archive'; year: number; month?: number };

/** `YYYY` or `YYYY-MM`: the prefix of the `ym` keys an archive period covers. */
export function archivePrefix(year: number, month?: number): string {
  const y = String(year).padStart(4, '0');
  return month === undefined ? y : `${y}-${String(month).padStart(2, '0')}`;
}

/** A list row: the record without its body. */
export function summarize(a: StoredArticle): ArticleSummary {
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

/**
 * Several articles in one read-only transaction (a page of search results): one transaction for
 * twenty records instead of twenty, which the bench's profile of the queries put at a fifth of
 * the page's IndexedDB time. Undefined where a record is missing or not an article.
 */
export async function getArticles(db: FolioDatabase, ids: readonly string[]): Promise<(Article | undefined)[]> {
  if (ids.length === 0) return [];
  const store = db.transaction('articles').store;
  const values: unknown[] = await Promise.all(ids.map((id) => store.get(id)));
  return values.map((value) => (isStoredArticle(value) ? value : undefined));
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
      const prefix = archivePrefix(query.year, query.month);
      // Every `ym` of that year or month sorts between the prefix and the prefix + U+FFFF.
      return { index: 'by-ym', range: IDBKeyRange.bound([prefix, -Infinity], [`${prefix}\uffff`, Infinity]) };
    }
  }
}

type ListIndex = 'by-ord' | 'by-cat' | 'by-ym';
type IndexKey = number | [string, number];
type ListIndexHandle = IDBPIndex<FolioDB, ['articles'], 'articles', ListIndex>;

/**
 * One run of a list over one index. A list is newest first: one 'prev' segment, or for "latest"
 * the dated ords newest first ('prev') then the undated ones in corpus order ('next').
 */
export interface ListSegment {
  index: ListIndex;
  range: IDBKeyRange;
  direction: 'prev' | 'next';
  /** by-ord segments: the ords the segment may hold, for the dense shortcut. */
  ords?: { lo: number; hi: number };
}

export function segmentsFor(manifest: Manifest, query: ListQuery): ListSegment[] {
  const target = rangeFor(query);
  if (target) return [{ ...target, direction: 'prev' }];
  const { dated, count } = manifest;
  const segments: ListSegment[] = [];
  // Bounded by the manifest, so records a previous corpus left (swept at the end of an update) stay out.
  if (dated > 0) {
    segments.push({
      index: 'by-ord',
      range: IDBKeyRange.bound(0, dated - 1),
      direction: 'prev',
      ords: { lo: 0, hi: dated - 1 },
    });
  }
  if (count > dated) {
    segments.push({
      index: 'by-ord',
      range: IDBKeyRange.bound(dated, count - 1),
      direction: 'next',
      ords: { lo: dated, hi: count - 1 },
    });
  }
  return segments;
}

/** Where a run of list positions falls: per segment, the offset inside it and how many. */
export function splitAcross(
  counts: readonly number[],
  offset: number,
  limit: number,
): { segment: number; offset: number; count: number }[] {
  const parts: { segment: number; offset: number; count: number }[] = [];
  let start = 0;
  let from = Math.max(0, offset);
  const to = offset + limit;
  for (let s = 0; s < counts.length && from < to; s += 1) {
    const count = counts[s] ?? 0;
    const end = start + count;
    if (from < end) {
      const take = Math.min(to, end) - from;
      parts.push({ segment: s, offset: from - start, count: take });
      from += take;
    }
    start = end;
  }
  return parts;
}

/**
 * The cheapest walk to ascending position `target` of a segment holding `count` records: from one
 * of its ends, or from a cached anchor (a position whose key is known) forwards or backwards.
 * `from` is the anchor position, or -1 / `count` for the low / high end.
 */
export function planWalk(
  anchors: Iterable<number>,
  target: number,
  count: number,
): { from: number; direction: 'next' | 'prev'; steps: number } {
  let best: { from: number; direction: 'next' | 'prev'; steps: number } = {
    from: -1,
    direction: 'next',
    steps: target,
  };
  if (count - 1 - target < best.steps) best = { from: count, direction: 'prev', steps: count - 1 - target };
  for (const a of anchors) {
    const steps = Math.abs(a - target);
    if (steps < best.steps) {
      best = { from: a, direction: a <= target ? 'next' : 'prev', steps };
    }
  }
  return best;
}

/** Beyond this many cached anchors a segment forgets them all: a cheap bound on memory. */
const MAX_ANCHORS = 4096;

/** One segment's count, dense ord base (when its ords have no gap) and key anchors. */
class SegmentReader {
  count = 0;
  /**
   * Every record of the segment's ords is stored (a complete corpus): the first refresh takes the
   * count from the ord range instead of counting the index, which a warm start waited 170 ms for
   * (issue #7). Later refreshes count: they follow a repair or an import.
   */
  #stored: boolean;
  /** When the segment's records hold ords base..base+count-1, position p has ord base + p. */
  #denseBase: number | null = null;
  #epoch = 0;
  /** Ascending position -> index key, valid for one `#epoch` (one count). */
  #anchors = new Map<number, IndexKey>();
  readonly #db: FolioDatabase;
  readonly segment: ListSegment;

  constructor(db: FolioDatabase, segment: ListSegment, stored: boolean) {
    this.#db = db;
    this.segment = segment;
    this.#stored = stored;
  }

  /**
   * The last refresh left every position on the record it had (a dense segment whose positions
   * map to the same ords: an import that added older articles below a newest-first list).
   */
  kept = false;

  /** Where position 0 of the list is, in ords, for a dense segment: what `kept` compares. */
  #origin(base: number | null, count: number): number | null {
    if (base === null) return null;
    return this.segment.direction === 'prev' ? base + count : base;
  }

  /** Counts again (the corpus may have grown) and forgets positions, which may have moved. */
  async refresh(): Promise<void> {
    const before = this.#origin(this.#denseBase, this.count);
    const { ords } = this.segment;
    const { count, base } =
      ords && this.#stored ? { count: ords.hi - ords.lo + 1, base: ords.lo } : await this.#tally();
    this.#stored = false;
    const after = this.#origin(base, count);
    this.kept = before !== null && after === before;
    this.count = count;
    this.#denseBase = base;
    this.#anchors.clear();
    this.#epoch += 1;
  }

  /** The segment's records counted, and for a by-ord one with no gap, the ord of its position 0. */
  async #tally(): Promise<{ count: number; base: number | null }> {
    const { index, range, ords } = this.segment;
    const store = this.#db.transaction('articles').store.index(index);
    const count = await store.count(range);
    let base: number | null = null;
    if (ords && count > 0) {
      if (count === ords.hi - ords.lo + 1) base = ords.lo;
      // An import writes the newest chunk first: the ords there are the top of the range, without gaps.
      else if ((await store.count(IDBKeyRange.bound(ords.hi - count + 1, ords.hi))) === count)
        base = ords.hi - count + 1;
      else if ((await store.count(IDBKeyRange.bound(ords.lo, ords.lo + count - 1))) === count) base = ords.lo;
    }
    return { count, base };
  }

  /** `limit` records from list offset `offset` (list order), null where a record is corrupt. */
  async read(offset: number, limit: number, signal?: AbortSignal): Promise<(ArticleSummary | null)[]> {
    const n = Math.min(limit, this.count - offset);
    if (n <= 0) return [];
    const { index, range, direction } = this.segment;
    // In ascending positions, the page is lo..lo+n-1 whichever way the list runs.
    const lo = direction === 'prev' ? this.count - offset - n : offset;
    const epoch = this.#epoch;
    const tx = this.#db.transaction('articles');
    const store = tx.store.index(index);
    let values: unknown[];
    if (this.#denseBase !== null) {
      values = await store.getAll(IDBKeyRange.bound(this.#denseBase + lo, this.#denseBase + lo + n - 1));
    } else {
      const key = await this.#keyAt(store, lo, signal);
      if (key === undefined || signal?.aborted) return [];
      values = await store.getAll(boundFrom(key, range), n);
      // A refresh while this read ran may have moved every position: then its keys are not kept.
      if (epoch === this.#epoch) {
        this.#remember(lo, values[0], index);
        this.#remember(lo + values.length - 1, values.at(-1), index);
      }
    }
    const items = values.map((v) => (isStoredArticle(v) ? summarize(v) : null));
    return direction === 'prev' ? items.reverse() : items;
  }

  async #keyAt(store: ListIndexHandle, target: number, signal?: AbortSignal): Promise<IndexKey | undefined> {
    const known = this.#anchors.get(target);
    if (known !== undefined) return known;
    const walk = planWalk(this.#anchors.keys(), target, this.count);
    const { range } = this.segment;
    let start: IDBKeyRange = range;
    if (walk.from >= 0 && walk.from < this.count) {
      const anchor = this.#anchors.get(walk.from)!;
      start = walk.direction === 'next' ? boundFrom(anchor, range) : boundTo(anchor, range);
    }
    let cursor = await store.openKeyCursor(start, walk.direction);
    if (cursor && walk.steps > 0 && !signal?.aborted) cursor = await cursor.advance(walk.steps);
    if (!cursor) return undefined;
    return cursor.key as IndexKey;
  }

  #remember(position: number, value: unknown, index: ListIndex): void {
    if (!isStoredArticle(value)) return;
    if (this.#anchors.size >= MAX_ANCHORS) this.#anchors.clear();
    this.#anchors.set(position, keyOf(value, index));
  }
}

function keyOf(a: StoredArticle, index: ListIndex): IndexKey {
  if (index === 'by-cat') return [a.cat, a.ord];
  if (index === 'by-ym') return [a.ym, a.ord];
  return a.ord;
}

/** From `key` (included) to the top of `range`. */
function boundFrom(key: IndexKey, range: IDBKeyRange): IDBKeyRange {
  return IDBKeyRange.bound(key, range.upper as IndexKey, false, range.upperOpen);
}

/** From the bottom of `range` to `key` (included). */
function boundTo(key: IndexKey, range: IDBKeyRange): IDBKeyRange {
  return IDBKeyRange.bound(range.lower as IndexKey, key, range.lowerOpen, false);
}

/**
 * Reads one list (latest, a category, an archive period) at any position without walking from
 * its top: dense ord ranges are read by key range, other indexes from the nearest known key.
 * Call `refresh()` first, and again whenever the corpus may have changed.
 */
export class ListSource {
  readonly #segments: SegmentReader[];

  /** `stored`: every article of `manifest` is in `db` (a complete corpus): the first refresh need not count. */
  constructor(db: FolioDatabase, manifest: Manifest, query: ListQuery, stored = false) {
    this.#segments = segmentsFor(manifest, query).map((s) => new SegmentReader(db, s, stored));
  }

  get total(): number {
    return this.#segments.reduce((sum, s) => sum + s.count, 0);
  }

  /** The last refresh kept every list position on the record it had: rows read before are still right. */
  kept = false;

  async refresh(): Promise<number> {
    const counts = this.#segments.map((s) => s.count);
    await Promise.all(this.#segments.map((s) => s.refresh()));
    // A segment that grew moves the positions of every segment after it.
    this.kept = this.#segments.every((s, i) => s.kept && (i === this.#segments.length - 1 || s.count === counts[i]));
    return this.total;
  }

  /** Up to `limit` summaries from list position `offset`; null stands for a corrupt record. */
  async read(offset: number, limit: number, signal?: AbortSignal): Promise<(ArticleSummary | null)[]> {
    const parts = splitAcross(
      this.#segments.map((s) => s.count),
      offset,
      limit,
    );
    const pages = await Promise.all(parts.map((p) => this.#segments[p.segment]!.read(p.offset, p.count, signal)));
    return pages.flat();
  }
}

/** Article counts per month of one year, for the archive's month list. */
export async function monthCounts(db: FolioDatabase, year: number): Promise<number[]> {
  const months = Array.from({ length: 12 }, (_, i) => archivePrefix(year, i + 1));
  return Promise.all(
    months.map((m) => db.countFromIndex('articles', 'by-ym', IDBKeyRange.bound([m, -Infinity], [m, Infinity]))),
  );
}
