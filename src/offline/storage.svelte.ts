import type { FolioDatabase } from '../storage/db.ts';

/** What the browser says about the app's storage; each field is null when it does not say. */
export class StorageStatus {
  persisted = $state<boolean | null>(null);
  usage = $state<number | null>(null);
  quota = $state<number | null>(null);
  /** Articles stored in IndexedDB right now. */
  articles = $state<number | null>(null);
  /** The browser refused the last request for persistent storage. */
  denied = $state(false);
  #asked = false;

  async refresh(db: FolioDatabase | null): Promise<void> {
    const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
    const [persisted, estimate, articles] = await Promise.all([
      storage?.persisted ? storage.persisted().catch(() => null) : null,
      storage?.estimate ? storage.estimate().catch(() => null) : null,
      db ? db.count('articles').catch(() => null) : null,
    ]);
    this.persisted = persisted;
    this.usage = estimate?.usage ?? null;
    this.quota = estimate?.quota ?? null;
    this.articles = articles;
  }

  /** Asks the browser not to evict Folio's data (Chrome decides silently; Firefox asks the reader). */
  async requestPersistence(): Promise<boolean> {
    this.#asked = true;
    const storage = navigator.storage;
    if (!storage?.persist) return false;
    try {
      const granted = await storage.persist();
      this.persisted = granted;
      this.denied = !granted;
      return granted;
    } catch {
      return false;
    }
  }

  /**
   * Once per session, after the reader first shows they want to keep something (a saved article):
   * asking on the first visit would be a prompt with no reason behind it.
   */
  async requestPersistenceOnce(): Promise<void> {
    if (this.#asked) return;
    this.#asked = true;
    const storage = navigator.storage;
    if (!storage?.persisted || (await storage.persisted().catch(() => false))) return;
    await this.requestPersistence();
  }
}
