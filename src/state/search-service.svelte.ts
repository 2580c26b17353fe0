import type { Manifest } from '../corpus/types.ts';
import { ENGINE_VERSION, indexCacheKey, type SearchOptions, type SearchResult } from '../search/engine.ts';
import { SearchClient } from '../search/client.ts';
import type { FolioDatabase } from '../storage/db.ts';
import { articlesInOrder, readSearchIndex, writeSearchIndex } from '../storage/search-index.ts';
import type { SearchBackend } from './search.svelte.ts';

/** Articles read from IndexedDB and posted to the worker at a time. */
const BUILD_BATCH = 500;

/**
 * The search worker for one corpus: imports the cached index when there is one, else builds
 * it from IndexedDB (searches are answered meanwhile) and caches the export.
 */
export class SearchService implements SearchBackend {
  ready = $state(false);
  progress = $state<{ done: number; total: number } | null>(null);
  error = $state<string | null>(null);
  #client: SearchClient | null = null;
  #corpusHash = '';
  /** Searches asked for before the corpus is ready wait for the worker instead of failing. */
  #started: Promise<SearchClient>;
  #resolveStarted: (client: SearchClient) => void = () => {};

  constructor() {
    this.#started = new Promise((resolve) => (this.#resolveStarted = resolve));
  }

  start(db: FolioDatabase, manifest: Manifest): void {
    if (this.#corpusHash === manifest.hash) return;
    this.#client?.terminate();
    this.#corpusHash = manifest.hash;
    this.ready = false;
    this.error = null;
    this.progress = { done: 0, total: manifest.count };
    const client = SearchClient.start({
      onProgress: (done, total) => (this.progress = { done, total }),
      onReady: (source) => {
        this.ready = true;
        this.progress = { done: manifest.count, total: manifest.count };
        if (source === 'build') void this.#cache(db, client, manifest.hash);
      },
      onError: (message) => (this.error = message),
    });
    this.#client = client;
    this.#resolveStarted(client);
    void this.#load(db, client, manifest);
  }

  async search(query: string, options: SearchOptions): Promise<SearchResult & { partial: boolean }> {
    const client = this.#client ?? (await this.#started);
    return client.search(query, options);
  }

  async #load(db: FolioDatabase, client: SearchClient, manifest: Manifest): Promise<void> {
    const key = indexCacheKey(manifest.hash);
    try {
      const cached = await readSearchIndex(db, key);
      if (cached && cached.engineVersion === ENGINE_VERSION) {
        client.import(manifest.hash, cached.data);
        return;
      }
    } catch {
      // An unreadable cache is rebuilt below.
    }
    client.init(manifest.hash, manifest.count);
    let sent = 0;
    for await (const batch of articlesInOrder(db, manifest.count, BUILD_BATCH)) {
      sent += BUILD_BATCH;
      client.build(batch, sent >= manifest.count);
    }
    if (manifest.count === 0) client.build([], true);
  }

  async #cache(db: FolioDatabase, client: SearchClient, corpusHash: string): Promise<void> {
    try {
      const data = await client.export();
      await writeSearchIndex(db, { key: indexCacheKey(corpusHash), corpusHash, engineVersion: ENGINE_VERSION, data });
    } catch (err) {
      // The index still works; the next visit builds it again.
      console.warn('Folio: the search index could not be cached', err);
    }
  }
}
