import type { Article, Chunk, ChunkRef, Manifest } from '../corpus/types.ts';
import { archivePrefix, summarize, type ArticleSummary, type ListQuery, type RecordHealth } from './articles.ts';
import { toStored, type StoredArticle } from './db.ts';
import type { ArticleListSource, ArticleReader } from './reader.ts';

/**
 * A list's articles in list order, newest first, exactly as segmentsFor reads IndexedDB: "latest"
 * is the dated ords of the manifest newest first, then the undated ones in corpus order; a
 * category is its records by ord, newest first; an archive period by [ym, ord], newest first.
 */
export function listOrder(
  byOrd: readonly (StoredArticle | undefined)[],
  manifest: Manifest,
  query: ListQuery,
): StoredArticle[] {
  const out: StoredArticle[] = [];
  switch (query.kind) {
    case 'latest': {
      const dated = Math.min(manifest.dated, manifest.count);
      for (let ord = dated - 1; ord >= 0; ord -= 1) {
        const a = byOrd[ord];
        if (a) out.push(a);
      }
      for (let ord = dated; ord < manifest.count; ord += 1) {
        const a = byOrd[ord];
        if (a) out.push(a);
      }
      return out;
    }
    case 'category':
      for (let ord = byOrd.length - 1; ord >= 0; ord -= 1) {
        const a = byOrd[ord];
        if (a?.cat === query.category) out.push(a);
      }
      return out;
    case 'archive': {
      const lo = archivePrefix(query.year, query.month);
      const hi = `${lo}\uffff`;
      for (let ord = byOrd.length - 1; ord >= 0; ord -= 1) {
        const a = byOrd[ord];
        if (a && a.ym >= lo && a.ym <= hi) out.push(a);
      }
      // By [ym, ord] descending: a stable sort keeps ord descending inside one month.
      return out.sort((a, b) => (a.ym === b.ym ? 0 : a.ym < b.ym ? 1 : -1));
    }
  }
}

/** A list over the articles held so far: counted (and ordered) again on each refresh. */
class MemoryListSource implements ArticleListSource {
  #rows: StoredArticle[] = [];
  readonly #reader: MemoryReader;
  readonly #manifest: Manifest;
  readonly #query: ListQuery;

  constructor(reader: MemoryReader, manifest: Manifest, query: ListQuery) {
    this.#reader = reader;
    this.#manifest = manifest;
    this.#query = query;
  }

  get total(): number {
    return this.#rows.length;
  }

  refresh(): Promise<number> {
    this.#rows = listOrder(this.#reader.byOrd, this.#manifest, this.#query);
    return Promise.resolve(this.#rows.length);
  }

  read(offset: number, limit: number): Promise<(ArticleSummary | null)[]> {
    const from = Math.max(0, offset);
    return Promise.resolve(this.#rows.slice(from, from + Math.max(0, limit)).map(summarize));
  }
}

/**
 * The corpus held in memory, for a session whose device has no room to store it: verified chunks
 * go in as they arrive (newest first), and the views read them through the same interface as
 * IndexedDB. Nothing is kept once the page closes.
 */
export class MemoryReader implements ArticleReader {
  readonly kind = 'memory';
  /** The corpus hash whose chunks this holds ('' until the first one). */
  hash = '';
  readonly #byId = new Map<string, StoredArticle>();
  /** By ord; holes where a chunk has not arrived yet. */
  readonly byOrd: (StoredArticle | undefined)[] = [];
  /** Hashes of the chunks held: a chunk added twice is not counted twice. */
  readonly #chunks = new Set<string>();

  /** Chunks held so far. */
  get chunkCount(): number {
    return this.#chunks.size;
  }

  /** Adds a verified chunk (see fetchChunk). */
  add(chunk: Chunk, ref: ChunkRef): void {
    if (this.#chunks.has(ref.hash)) return;
    this.#chunks.add(ref.hash);
    for (const article of chunk.articles) {
      const stored = toStored(article, ref.hash);
      this.#byId.set(stored.id, stored);
      this.byOrd[stored.ord] = stored;
    }
  }

  has(ref: ChunkRef): boolean {
    return this.#chunks.has(ref.hash);
  }

  getArticle(id: string): Promise<Article | undefined> {
    return Promise.resolve(this.#byId.get(id));
  }

  getArticles(ids: readonly string[]): Promise<(Article | undefined)[]> {
    return Promise.resolve(ids.map((id) => this.#byId.get(id)));
  }

  /** Chunks are verified before they come in: a record here is never corrupt. */
  health(id: string): Promise<RecordHealth> {
    return Promise.resolve(this.#byId.has(id) ? 'ok' : 'missing');
  }

  listSource(manifest: Manifest, query: ListQuery): ArticleListSource {
    return new MemoryListSource(this, manifest, query);
  }

  monthCounts(year: number): Promise<number[]> {
    const counts = Array.from({ length: 12 }, () => 0);
    const y = archivePrefix(year);
    for (const a of this.#byId.values()) {
      if (a.ym.length !== 7 || !a.ym.startsWith(`${y}-`)) continue;
      const month = Number(a.ym.slice(5));
      if (month >= 1 && month <= 12) counts[month - 1]! += 1;
    }
    return Promise.resolve(counts);
  }

  async *articlesInOrder(count: number, batchSize: number): AsyncGenerator<Article[]> {
    for (let from = 0; from < count; from += batchSize) {
      const batch: Article[] = [];
      for (let ord = from; ord < Math.min(count, from + batchSize); ord += 1) {
        const a = this.byOrd[ord];
        if (a) batch.push(a);
      }
      yield await Promise.resolve(batch);
    }
  }
}
