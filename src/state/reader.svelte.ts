import type { Article } from '../corpus/types.ts';
import type { ArticleReader } from '../storage/reader.ts';

export type ReaderStatus = 'loading' | 'found' | 'missing' | 'error';

/** The article being read, by id. */
export class Reader {
  status = $state<ReaderStatus>('loading');
  article = $state.raw<Article | null>(null);
  error = $state.raw<unknown>(null);
  readonly #articles: ArticleReader;
  #requested = '';

  constructor(articles: ArticleReader) {
    this.#articles = articles;
  }

  async open(id: string): Promise<void> {
    this.#requested = id;
    this.status = 'loading';
    try {
      const article = await this.#articles.getArticle(id);
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
