import { isQuotaError } from '../corpus/load.ts';
import type { Article } from '../corpus/types.ts';
import type { FolioDatabase, HistoryEntry, SavedArticle } from '../storage/db.ts';
import { clearHistory, deleteSaved, listHistory, listSaved, putHistory, putSaved } from '../storage/user.ts';

/** Below this share read, an article is offered under "Continue reading". */
export const FINISHED_PROGRESS = 0.95;

/** Saved articles and reading history, mirrored in memory for instant rendering. */
export class UserData {
  saved = $state.raw<SavedArticle[]>([]);
  history = $state.raw<HistoryEntry[]>([]);
  loaded = $state(false);
  /** The last write's failure, shown to the reader; cleared by the next success. */
  error = $state.raw<unknown>(null);
  // A fresh Set per change of `saved`: derived, never mutated, so it needs no SvelteSet.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly savedIds = $derived(new Set(this.saved.map((s) => s.id)));
  /** The most recent article left unfinished. */
  readonly resume = $derived(this.history.find((h) => h.progress < FINISHED_PROGRESS) ?? null);
  /**
   * The reader is already told the device is full (the library's memory mode): reading history
   * that finds no room stays in memory for the session without a second warning.
   */
  storageFull = $state(false);
  #db: FolioDatabase | null = null;

  /** Binds to the database once it is open, and reads what it holds. */
  async attach(db: FolioDatabase): Promise<void> {
    if (this.#db === db) return;
    this.#db = db;
    try {
      [this.saved, this.history] = await Promise.all([listSaved(db), listHistory(db)]);
    } catch (err) {
      this.error = err;
    } finally {
      this.loaded = true;
    }
  }

  isSaved(id: string): boolean {
    return this.savedIds.has(id);
  }

  async toggleSaved(article: Pick<Article, 'id' | 'title' | 'lang' | 'date' | 'category'>): Promise<void> {
    const wasSaved = this.isSaved(article.id);
    const before = this.saved;
    const item: SavedArticle = {
      id: article.id,
      title: article.title,
      lang: article.lang,
      date: article.date,
      category: article.category,
      savedAt: Date.now(),
    };
    // Optimistic: the button reacts at once, and rolls back if the write fails.
    this.saved = wasSaved ? before.filter((s) => s.id !== article.id) : [item, ...before];
    try {
      const db = this.#requireDb();
      if (wasSaved) await deleteSaved(db, article.id);
      else await putSaved(db, item);
      this.error = null;
    } catch (err) {
      this.saved = before;
      this.error = err;
    }
  }

  positionOf(id: string): HistoryEntry | undefined {
    return this.history.find((h) => h.id === id);
  }

  async recordReading(article: Pick<Article, 'id' | 'title' | 'lang'>, y: number, progress: number): Promise<void> {
    const entry: HistoryEntry = {
      id: article.id,
      title: article.title,
      lang: article.lang,
      readAt: Date.now(),
      y: Math.max(0, Math.round(y)),
      progress: Math.min(1, Math.max(0, progress)),
    };
    this.history = [entry, ...this.history.filter((h) => h.id !== article.id)];
    try {
      await putHistory(this.#requireDb(), entry);
    } catch (err) {
      if (this.storageFull && isQuotaError(err)) console.warn('Folio: no room to keep the reading history', err);
      else this.error = err;
    }
  }

  async clearHistory(): Promise<void> {
    const before = this.history;
    this.history = [];
    try {
      await clearHistory(this.#requireDb());
    } catch (err) {
      this.history = before;
      this.error = err;
    }
  }

  #requireDb(): FolioDatabase {
    if (!this.#db) throw new Error('the library is not open yet');
    return this.#db;
  }
}
