import type { Manifest } from '../corpus/types.ts';
import type { ArticleSummary } from '../storage/articles.ts';
import { readList, type ArticleReader } from '../storage/reader.ts';

/** How long each article stays on the attract view. */
export const ATTRACT_STEP_MS = 8000;
/** How many of the latest articles the loop goes through. */
export const ATTRACT_ITEMS = 8;

/** The attract loop: the latest articles, one after another, while nobody uses the screen. */
export class AttractLoop {
  items = $state.raw<ArticleSummary[]>([]);
  index = $state(0);
  readonly current = $derived<ArticleSummary | null>(this.items[this.index] ?? null);

  async load(articles: ArticleReader, manifest: Manifest): Promise<void> {
    try {
      this.items = (await readList(articles, manifest, { kind: 'latest' }, 0, ATTRACT_ITEMS)).items;
    } catch {
      // Without articles the view still invites a touch.
      this.items = [];
    }
    this.index = 0;
  }

  step(): void {
    if (this.items.length > 0) this.index = (this.index + 1) % this.items.length;
  }

  /** Steps every ATTRACT_STEP_MS; returns the function that stops. */
  start(): () => void {
    const timer = setInterval(() => this.step(), ATTRACT_STEP_MS);
    return () => clearInterval(timer);
  }
}
