import type { Article, Manifest } from '../corpus/types.ts';
import {
  articleHealth,
  getArticle,
  getArticles,
  ListSource,
  monthCounts,
  type ArticleSummary,
  type ListQuery,
  type RecordHealth,
} from './articles.ts';
import type { FolioDatabase } from './db.ts';
import { articlesInOrder } from './search-index.ts';

/** One list (latest, a category, an archive period), read a page at a time; ListSource's shape. */
export interface ArticleListSource {
  /** Rows counted by the last `refresh()`. */
  readonly total: number;
  /** Counts again (the corpus may have grown); the count. */
  refresh(): Promise<number>;
  /**
   * The last refresh left every position that was there on the same record (rows were only added
   * after them): rows read before need not be read again. False when unsure.
   */
  readonly kept?: boolean;
  /** Up to `limit` summaries from list position `offset`; null stands for a corrupt record. */
  read(offset: number, limit: number, signal?: AbortSignal): Promise<(ArticleSummary | null)[]>;
}

/**
 * Where the views read articles from: IndexedDB normally, or memory when the device has no room
 * to store them (storage full): the views do not need to know which.
 */
export interface ArticleReader {
  /** 'memory': nothing is kept for offline reading; this session reads what it fetched. */
  readonly kind: 'indexeddb' | 'memory';
  getArticle(id: string): Promise<Article | undefined>;
  /** The articles of `ids`, in that order, read together (undefined where one is missing). */
  getArticles(ids: readonly string[]): Promise<(Article | undefined)[]>;
  health(id: string): Promise<RecordHealth>;
  listSource(manifest: Manifest, query: ListQuery): ArticleListSource;
  /** Article counts per month (January first) of one year, for the archive's month list. */
  monthCounts(year: number): Promise<number[]>;
  /** Every article in corpus order, a batch at a time, for building the search index. */
  articlesInOrder(count: number, batchSize: number): AsyncIterable<Article[]>;
}

/** The articles stored in IndexedDB: the storage functions as they are. */
export class IndexedDbReader implements ArticleReader {
  readonly kind = 'indexeddb';
  readonly db: FolioDatabase;
  readonly #stored: (manifest: Manifest) => boolean;

  /** `stored(manifest)`: every article of that manifest is in `db` now (the corpus is complete). */
  constructor(db: FolioDatabase, stored: (manifest: Manifest) => boolean = () => false) {
    this.db = db;
    this.#stored = stored;
  }

  getArticle(id: string): Promise<Article | undefined> {
    return getArticle(this.db, id);
  }

  getArticles(ids: readonly string[]): Promise<(Article | undefined)[]> {
    return getArticles(this.db, ids);
  }

  health(id: string): Promise<RecordHealth> {
    return articleHealth(this.db, id);
  }

  listSource(manifest: Manifest, query: ListQuery): ArticleListSource {
    return new ListSource(this.db, manifest, query, this.#stored(manifest));
  }

  monthCounts(year: number): Promise<number[]> {
    return monthCounts(this.db, year);
  }

  articlesInOrder(count: number, batchSize: number): AsyncIterable<Article[]> {
    return articlesInOrder(this.db, count, batchSize);
  }
}

/**
 * One page of a list, newest first, corrupt records left out (the kiosk's attract loop). In
 * "latest", undated articles come after every dated one rather than on top.
 */
export async function readList(
  reader: ArticleReader,
  manifest: Manifest,
  query: ListQuery,
  offset: number,
  limit: number,
): Promise<{ items: ArticleSummary[]; total: number }> {
  const source = reader.listSource(manifest, query);
  const total = await source.refresh();
  const items = (await source.read(offset, limit)).filter((a) => a !== null);
  return { items, total };
}
