import type { Manifest } from '../corpus/types.ts';
import { listArticles, type ArticleSummary, type ListQuery } from '../storage/articles.ts';
import type { FolioDatabase } from '../storage/db.ts';

export const PAGE_SIZE = 30;

/** One list (latest, a category, an archive period), loaded a page at a time. */
export class ArticleList {
  items = $state.raw<ArticleSummary[]>([]);
  total = $state(0);
  loading = $state(true);
  error = $state.raw<unknown>(null);
  readonly #db: FolioDatabase;
  readonly #manifest: Manifest;
  readonly #query: ListQuery;

  constructor(db: FolioDatabase, manifest: Manifest, query: ListQuery) {
    this.#db = db;
    this.#manifest = manifest;
    this.#query = query;
  }

  get hasMore(): boolean {
    return this.items.length < this.total;
  }

  /** Loads the first `count` items (at least one page): a returning reader sees as many as before. */
  async load(count: number = PAGE_SIZE): Promise<void> {
    await this.#fetch(0, Math.max(count, PAGE_SIZE), false);
  }

  async more(): Promise<void> {
    await this.#fetch(this.items.length, PAGE_SIZE, true);
  }

  async #fetch(offset: number, limit: number, append: boolean): Promise<void> {
    this.loading = true;
    try {
      const page = await listArticles(this.#db, this.#manifest, this.#query, offset, limit);
      this.items = append ? [...this.items, ...page.items] : page.items;
      this.total = page.total;
      this.error = null;
    } catch (err) {
      this.error = err;
    } finally {
      this.loading = false;
    }
  }
}
