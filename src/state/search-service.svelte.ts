import type { Manifest } from '../corpus/types.ts';
import type { SearchOptions, SearchResult } from '../search/engine.ts';
import { ENGINE_VERSION, indexCacheKey } from '../search/version.ts';
import { SearchClient, type BootedWorker, type ClientEvents } from '../search/client.ts';
import type { ArticleReader } from '../storage/reader.ts';
import type { SearchBackend } from './search.svelte.ts';

/** Whether the corpus ships an index this engine can load (no article needed from IndexedDB). */
export function hasPrebuiltIndex(manifest: Manifest): boolean {
  return manifest.indexVersion === ENGINE_VERSION && (manifest.index?.length ?? 0) > 0;
}

/** Articles read and posted to the worker at a time. */
const BUILD_BATCH = 500;

/**
 * The search worker for one corpus. The worker finds the index itself (its IndexedDB cache, else
 * the pre-built parts it fetches and then caches), so no index data crosses the main thread; only
 * when there is none does the page send it the articles to build one (searches are answered
 * meanwhile), which the worker then caches.
 */
export class SearchService implements SearchBackend {
  ready = $state(false);
  progress = $state<{ done: number; total: number } | null>(null);
  error = $state<string | null>(null);
  #client: SearchClient | null = null;
  #corpusHash = '';
  /** The corpus `start` was given (null before it, when only `open` ran). */
  #manifest: Manifest | null = null;
  /** The corpus whose index the worker said is ready. */
  #readyHash = '';
  /** The worker reported a failure: `start` does not reuse it. */
  #failed = false;
  /** Searches asked for before the corpus is ready wait for the worker instead of failing. */
  #started: Promise<SearchClient>;
  #resolveStarted: (client: SearchClient) => void = () => {};
  /** The corpus whose articles are all in IndexedDB (a build may read them). */
  #storedHash = '';
  /** Where those articles are read (IndexedDB, or memory when storage is full). */
  #storedIn: ArticleReader | null = null;
  /** The worker found no index before the articles were all stored: it builds once they are. */
  #pendingBuild: ((articles: ArticleReader) => void) | null = null;

  constructor() {
    this.#started = new Promise((resolve) => (this.#resolveStarted = resolve));
  }

  /** Where the index came from this time: for the bench and the storage panel. */
  source = $state<'cache' | 'prebuilt' | 'build' | null>(null);

  /**
   * `dbName`: where the worker caches the index (a write that fails, storage full, is only a
   * warning). Building one from the articles waits for `articlesStored`, which says where they are.
   */
  start(manifest: Manifest, manifestUrl: string, dbName: string): void {
    if (this.#corpusHash === manifest.hash) return;
    // The worker opened at boot goes on: it is restoring (or has restored) the stored corpus's index.
    let client = this.#client;
    if (!client || this.#corpusHash !== '' || this.#failed) {
      client?.terminate();
      client = this.#spawn();
    }
    this.#pendingBuild = null;
    this.#corpusHash = manifest.hash;
    this.#manifest = manifest;
    this.error = null;
    if (this.#readyHash !== manifest.hash) {
      this.ready = false;
      this.progress = { done: 0, total: manifest.count };
    }
    const index = manifest.indexVersion === ENGINE_VERSION ? (manifest.index ?? []) : [];
    client.load({
      corpusHash: manifest.hash,
      dbName,
      cacheKey: indexCacheKey(manifest.hash),
      manifestUrl,
      index: index.map(({ file, hash }) => ({ file, hash })),
    });
  }

  /**
   * At boot, before the page has opened its database or fetched the manifest: starts the worker,
   * which restores the index cached for the complete corpus stored in `dbName` by itself, so a
   * warm start's searches need not wait for the page. `start` then confirms the corpus (the worker
   * answers at once when it is the one opened) or loads the new one.
   */
  open(manifestUrl: string, dbName: string, booted?: BootedWorker | null): void {
    // Started and sent `open` by the app's first module (src/app/boot.ts), for this very corpus.
    if (!this.#client && booted?.dbName === dbName && booted.manifestUrl === manifestUrl) {
      this.#spawn(booted);
      return;
    }
    booted?.worker.terminate();
    if (!this.#client) this.#spawn().open(dbName, manifestUrl);
  }

  #spawn(booted?: BootedWorker): SearchClient {
    this.#readyHash = '';
    this.#failed = false;
    const events: ClientEvents = {
      onProgress: (done, total) => (this.progress = { done, total }),
      onReady: (source, count, corpusHash) => {
        // A corpus replaced meanwhile (the one opened at boot, before an update) is not this one.
        if (this.#corpusHash !== '' && corpusHash !== this.#corpusHash) return;
        this.#readyHash = corpusHash;
        this.ready = true;
        this.source = source === 'build' ? 'build' : source === 'prebuilt' ? 'prebuilt' : 'cache';
        // The worker says ready again when `start` confirms the corpus it opened: same figures, same object.
        if (this.progress?.done !== count || this.progress.total !== count)
          this.progress = { done: count, total: count };
      },
      onUnbuilt: () => {
        const manifest = this.#manifest;
        if (!manifest) return;
        const build = (from: ArticleReader) => void this.#build(from, client, manifest);
        if (this.#storedHash === manifest.hash && this.#storedIn) build(this.#storedIn);
        else this.#pendingBuild = build;
      },
      onError: (message) => {
        this.#failed = true;
        this.error = message;
      },
    };
    const client = booted ? SearchClient.adopt(booted, events) : SearchClient.start(events);
    this.#client = client;
    this.#resolveStarted(client);
    return client;
  }

  /** Every article of the corpus `hash` is readable through `articles` now: a build that waited for them starts. */
  articlesStored(hash: string, articles: ArticleReader): void {
    this.#storedHash = hash;
    this.#storedIn = articles;
    if (hash !== this.#corpusHash || !this.#pendingBuild) return;
    const build = this.#pendingBuild;
    this.#pendingBuild = null;
    build(articles);
  }

  /** Stops the worker: the widget calls it when its element leaves the page. */
  stop(): void {
    const client = this.#client;
    this.#client = null;
    this.#corpusHash = '';
    this.#manifest = null;
    this.#readyHash = '';
    this.#pendingBuild = null;
    this.ready = false;
    client?.terminate();
  }

  async search(query: string, options: SearchOptions): Promise<SearchResult & { partial: boolean }> {
    const client = this.#client ?? (await this.#started);
    return client.search(query, options);
  }

  /** No index to load: the articles go to the worker from the reader (IndexedDB or memory), a batch at a time. */
  async #build(articles: ArticleReader, client: SearchClient, manifest: Manifest): Promise<void> {
    this.source = 'build';
    client.init(manifest.hash, manifest.count);
    let sent = 0;
    for await (const batch of articles.articlesInOrder(manifest.count, BUILD_BATCH)) {
      sent += BUILD_BATCH;
      client.build(batch, sent >= manifest.count);
    }
    if (manifest.count === 0) client.build([], true);
  }
}
