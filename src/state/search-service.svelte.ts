import { fetchVerified } from '../corpus/load.ts';
import type { Manifest } from '../corpus/types.ts';
import { isExportedIndex } from '../search/protocol.ts';
import type { SearchOptions, SearchResult } from '../search/engine.ts';
import { ENGINE_VERSION, indexCacheKey } from '../search/version.ts';
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

  /** Where the index came from this time: for the bench and the storage panel. */
  source = $state<'cache' | 'prebuilt' | 'build' | null>(null);

  start(db: FolioDatabase, manifest: Manifest, manifestUrl: string): void {
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
    void this.#load(db, client, manifest, manifestUrl);
  }

  /** Stops the worker: the widget calls it when its element leaves the page. */
  stop(): void {
    const client = this.#client;
    this.#client = null;
    this.#corpusHash = '';
    this.ready = false;
    client?.terminate();
  }

  async search(query: string, options: SearchOptions): Promise<SearchResult & { partial: boolean }> {
    const client = this.#client ?? (await this.#started);
    return client.search(query, options);
  }

  async #load(db: FolioDatabase, client: SearchClient, manifest: Manifest, manifestUrl: string): Promise<void> {
    const key = indexCacheKey(manifest.hash);
    try {
      const cached = await readSearchIndex(db, key);
      if (cached && cached.engineVersion === ENGINE_VERSION) {
        this.source = 'cache';
        client.import(manifest.hash, cached.data);
        return;
      }
    } catch {
      // An unreadable cache is rebuilt below.
    }
    const prebuilt = await this.#fetchPrebuilt(manifest, manifestUrl);
    if (prebuilt) {
      this.source = 'prebuilt';
      client.import(manifest.hash, prebuilt);
      void writeSearchIndex(db, {
        key,
        corpusHash: manifest.hash,
        engineVersion: ENGINE_VERSION,
        data: prebuilt,
      }).catch((err: unknown) => console.warn('Folio: the search index could not be cached', err));
      return;
    }
    this.source = 'build';
    client.init(manifest.hash, manifest.count);
    let sent = 0;
    for await (const batch of articlesInOrder(db, manifest.count, BUILD_BATCH)) {
      sent += BUILD_BATCH;
      client.build(batch, sent >= manifest.count);
    }
    if (manifest.count === 0) client.build([], true);
  }

  /** The index shipped with the corpus, when it was made by this engine version and arrives intact. */
  async #fetchPrebuilt(manifest: Manifest, manifestUrl: string): Promise<[string, string][] | null> {
    if (!manifest.index || manifest.index.length === 0 || manifest.indexVersion !== ENGINE_VERSION) return null;
    try {
      const fetchFn = globalThis.fetch.bind(globalThis);
      const parts = await Promise.all(manifest.index.map((ref) => fetchVerified(manifestUrl, ref, fetchFn)));
      const decoder = new TextDecoder();
      const data: unknown = JSON.parse(parts.map((bytes) => decoder.decode(bytes)).join(''));
      return isExportedIndex(data) ? data : null;
    } catch (err) {
      // A damaged or missing index is no reason to fail: the worker builds one instead.
      console.warn('Folio: the pre-built search index could not be used', err);
      return null;
    }
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
