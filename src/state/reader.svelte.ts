import type { Article } from '../corpus/types.ts';
import { getArticle } from '../storage/articles.ts';
import type { FolioDatabase } from '../storage/db.ts';

export type ReaderStatus = 'loading' | 'found' | 'missing' | 'error';

/** The article being read, by id. */
export class Reader {
  status = $state<ReaderStatus>('loading');
  article = $state.raw<Article | null>(null);
  error = $state.raw<unknown>(null);
  readonly #db: FolioDatabase;
  #requested = '';

  constructor(db: FolioDatabase) {
    this.#db = db;
  }

  async open(id: string): Promise<void> {
    this.#requested = id;
    this.status = 'loading';
    try {
      const article = await getArticle(this.#db, id);
      // A later navigation wins over a slow read.
      if (this.#requested !== id) return;
      this.article = article ?? null;
      this.status = article ? 'found' : 'missing';
    } catch (err) {
      if (this.#requested !== id) return;
      this.error = err;
      this.status = 'error';
    }
  }
}
