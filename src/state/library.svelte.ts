import { untrack } from 'svelte';
import { chunkOf, CorpusError, isQuotaError, readsFromMemory, type LoadProgress } from '../corpus/load.ts';
// Off the main thread (issue #7), with loadCorpus's very shape: the calls below are unchanged.
import { loadCorpusInWorker as loadCorpus, UnstoredArticles } from '../corpus/import-client.ts';
import { connectionError } from '../corpus/import-protocol.ts';
import type { Article, Manifest } from '../corpus/types.ts';
import { readCorpusState } from '../storage/articles.ts';
import {
  isNewerSchemaError,
  openFolioDB,
  type ConnectionEvents,
  type EarlyConnection,
  type FolioDatabase,
} from '../storage/db.ts';
import type { MemoryReader } from '../storage/memory-reader.ts';
import { IndexedDbReader, type ArticleReader } from '../storage/reader.ts';

export type LibraryStatus = 'opening' | 'importing' | 'ready' | 'error';

/**
 * Opens the database and brings the corpus into it; the UI renders its status.
 *
 * Contract for the views: `manifest` is set as soon as its articles can be read (after the
 * newest chunk of a first import, or from the stored corpus), so routes render before the import
 * ends; `revision` goes up each time more articles were written, and lists query again then.
 * `status` is 'error' with `manifest` still set when an update failed over a readable corpus.
 * Views read through `reader`: IndexedDB, or memory when the device has no room to store the
 * corpus (`memoryOnly`): then the whole corpus is fetched for this session instead.
 */
export class Library {
  status = $state<LibraryStatus>('opening');
  progress = $state<LoadProgress | null>(null);
  manifest = $state.raw<Manifest | null>(null);
  error = $state.raw<CorpusError | null>(null);
  /** Goes up after each chunk written (and after a repair): lists re-query when it changes. */
  revision = $state(0);
  /** Another tab upgraded the database: this one closed its connection and must reload. */
  staleTab = $state(false);
  /** Our upgrade waits for another tab, still on an older version, to close the database. */
  blocked = $state(false);
  /** The device ran out of space and the cached search index was dropped to make room. */
  freedSpace = $state(false);
  /** Corrupt or missing records are being rewritten from the corpus. */
  repairing = $state(false);
  db = $state.raw<FolioDatabase | null>(null);
  /**
   * Every article of `manifest` is readable through `reader`: a complete stored corpus (shown at
   * once, before the manifest is revalidated), an import that ended, or a corpus whole in memory.
   * Search may build its index from the reader then.
   */
  complete = $state(false);
  /** Where the views read articles: set with `manifest`; a new one when the source changes. */
  reader = $state.raw<ArticleReader | null>(null);
  /**
   * Storage is full (or the database would not open): the articles of this session are read
   * from the network (or the precache) into memory and not kept for offline reading.
   */
  memoryOnly = $state(false);
  /** The corpus is being fetched into memory (not stored): the progress bar says so. */
  readingIntoMemory = $state(false);

  readonly manifestUrl: string;
  readonly dbName: string;
  #abort: AbortController | null = null;
  #repair: Promise<void> | null = null;
  /** A corrupt record starts one repair per open(): offline, a failing repair must not loop. */
  #repairTried = false;
  /** Articles not imported yet (search results during a first import), read off the main thread. */
  readonly #unstored: UnstoredArticles;

  /** The app's connection opened at boot (src/app/boot.ts), taken by the first open. */
  #early: EarlyConnection | null;

  constructor(manifestUrl: string, dbName: string, early: EarlyConnection | null = null) {
    this.manifestUrl = manifestUrl;
    this.dbName = dbName;
    this.#unstored = new UnstoredArticles(manifestUrl);
    this.#early = early?.name === dbName ? early : null;
    // One for another database is of no use here: not left open.
    if (early && !this.#early)
      early.db.then(
        (db) => db.close(),
        () => undefined,
      );
  }

  async open(): Promise<void> {
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    this.status = 'opening';
    this.error = null;
    this.progress = null;
    this.#repairTried = false;
    try {
      this.db ??= await this.#connect();
      const db = this.db;
      // In memory mode, a retry stores the corpus behind the memory reader, which stays until it is done.
      if (!this.memoryOnly) {
        this.#readFrom(db);
        // A complete stored corpus is readable now: routes and search need not wait for the network.
        const stored = await readCorpusState(db).catch(() => undefined);
        if (abort.signal.aborted) return;
        this.complete = stored?.complete === true && stored.manifestUrl === this.manifestUrl;
        if (this.complete && stored) this.#setManifest(stored.manifest);
      }
      const result = await loadCorpus(db, this.manifestUrl, {
        signal: abort.signal,
        onProgress: (p) => {
          if (abort.signal.aborted) return;
          if (p.done < p.total) this.status = 'importing';
          this.progress = p;
        },
        onReadable: (manifest) => {
          if (abort.signal.aborted) return;
          if (manifest.hash !== this.manifest?.hash) this.complete = false;
          this.#setManifest(manifest);
          this.revision += 1;
        },
        onFreed: () => {
          this.freedSpace = true;
        },
      });
      if (abort.signal.aborted) return;
      this.#readFrom(db);
      this.memoryOnly = false;
      this.#setManifest(result.manifest);
      if (result.source === 'imported') this.revision += 1;
      this.complete = true;
      this.status = 'ready';
      this.#unstored.close();
      // A record lost or added behind our back (cleared by hand, a crashed write): repair it.
      if (result.source === 'stored') void this.#checkCount(db, result.manifest);
    } catch (err) {
      if (abort.signal.aborted) return;
      if (await this.#fallBack()) {
        this.fail(err);
        return;
      }
      // A retry in memory mode that fails for any reason goes back to reading from memory.
      if (readsFromMemory(err, this.db !== null) || this.memoryOnly) await this.#readIntoMemory(abort, err);
      else this.fail(err);
    }
  }

  /**
   * Every chunk of an import says its manifest again, a new object each time (a message from the
   * worker): the same corpus keeps the object the views hold, so nothing that renders the manifest
   * (categories, filters, footer) runs again on each chunk (issue #7).
   */
  #setManifest(manifest: Manifest): void {
    const held = this.manifest;
    // The hash covers title and chunks; the pre-built index is listed beside it.
    const same =
      held !== null &&
      held.hash === manifest.hash &&
      held.indexVersion === manifest.indexVersion &&
      JSON.stringify(held.index) === JSON.stringify(manifest.index);
    if (!same) this.manifest = manifest;
  }

  /** Reads from this database, keeping the reader the views hold when it is the same one. */
  #readFrom(db: FolioDatabase): void {
    if (this.reader instanceof IndexedDbReader && this.reader.db === db) return;
    // A list of a complete corpus takes its size from the manifest (one count less on the way to the
    // first list); a record lost behind our back is found by #checkCount, and the repair counts again.
    const stored = (manifest: Manifest) => untrack(() => this.complete && this.manifest?.hash === manifest.hash);
    this.reader = new IndexedDbReader(db, stored);
  }

  /**
   * Memory mode: the corpus is fetched and verified chunk by chunk (newest first, readable after
   * each) and held for this session. Saved articles and history stay in IndexedDB if it opened.
   */
  async #readIntoMemory(abort: AbortController, cause: unknown): Promise<void> {
    this.memoryOnly = true;
    this.readingIntoMemory = true;
    this.error = null;
    this.progress = null;
    try {
      const { loadIntoMemory } = await import('../corpus/load-memory.ts');
      await loadIntoMemory(this.manifestUrl, this.reader?.kind === 'memory' ? this.reader : null, {
        signal: abort.signal,
        onProgress: (p) => {
          if (abort.signal.aborted) return;
          if (p.done < p.total) this.status = 'importing';
          this.progress = p;
        },
        onReadable: (manifest, reader) => {
          if (abort.signal.aborted) return;
          if (reader !== this.reader || manifest.hash !== this.manifest?.hash) this.complete = false;
          this.reader = reader;
          this.#setManifest(manifest);
          this.revision += 1;
        },
      });
      if (abort.signal.aborted) return;
      this.complete = true;
      this.status = 'ready';
    } catch (err) {
      if (abort.signal.aborted) return;
      // Offline on a retry: the corpus already held in memory is still whole.
      const held = this.reader?.kind === 'memory' ? (this.reader as MemoryReader) : null;
      if (
        held &&
        this.manifest &&
        held.hash === this.manifest.hash &&
        held.chunkCount === this.manifest.chunks.length
      ) {
        this.complete = true;
        this.status = 'ready';
        return;
      }
      // Not even the network can help: say what stopped the import in the first place.
      this.fail(this.manifest ? err : cause);
    } finally {
      this.readingIntoMemory = false;
    }
  }

  async #connect(): Promise<FolioDatabase> {
    const early = this.#early;
    this.#early = null;
    try {
      const events: ConnectionEvents = {
        onVersionChange: () => {
          // The connection is closed (db.ts): stop importing, and say why.
          this.#abort?.abort();
          this.staleTab = true;
        },
        onBlocked: () => {
          this.blocked = true;
        },
        onTerminated: () => {
          this.db = null;
          if (this.reader?.kind === 'indexeddb') this.reader = null;
          this.fail(new CorpusError('storage', 'the browser closed the database'));
        },
      };
      if (!early) return await openFolioDB(this.dbName, events);
      early.listen(events);
      return await early.db;
    } catch (err) {
      // Named as the import worker names a connection it could not open; anything else as it is.
      if (isQuotaError(err) || isNewerSchemaError(err)) throw connectionError(err);
      throw err;
    } finally {
      this.blocked = false;
    }
  }

  /**
   * After a failed update, the complete corpus still stored stays readable; returns whether one
   * is. A first import that failed has none: memory mode may take over then.
   */
  async #fallBack(): Promise<boolean> {
    if (!this.db || this.memoryOnly) return false;
    try {
      const stored = await readCorpusState(this.db);
      if (!stored?.complete || stored.manifestUrl !== this.manifestUrl) return false;
      this.#readFrom(this.db);
      this.manifest ??= stored.manifest;
      return true;
    } catch {
      // The database itself failed: the error screen says so.
      return false;
    }
  }

  async #checkCount(db: FolioDatabase, manifest: Manifest): Promise<void> {
    try {
      if ((await db.count('articles')) !== manifest.count) await this.repair();
    } catch (err) {
      console.warn('Folio: could not check the stored articles', err);
    }
  }

  /**
   * An article that is not in IndexedDB yet, read from its chunk of the current corpus (fetched and
   * verified, in a worker: see UnstoredArticles): search answers from the pre-built index during a
   * first import, before every article is written.
   */
  async articleFromCorpus(ord: number, id: string): Promise<Article | undefined> {
    const ref = this.manifest ? chunkOf(this.manifest, ord) : undefined;
    return ref ? this.#unstored.read(ref, id) : undefined;
  }

  /** Whether an article can be shown now; a corrupt record starts a repair. */
  async articleHealth(id: string): Promise<'ok' | 'missing' | 'corrupt'> {
    if (!this.reader) return 'missing';
    const health = await this.reader.health(id);
    if (health === 'corrupt' && !this.#repairTried) {
      this.#repairTried = true;
      void this.repair();
    }
    return health;
  }

  /**
   * Rewrites missing and corrupt records from the corpus (fetched and verified again) while the
   * reader keeps reading; one at a time.
   */
  repair(): Promise<void> {
    this.#repair ??= this.#runRepair().finally(() => {
      this.#repair = null;
    });
    return this.#repair;
  }

  async #runRepair(): Promise<void> {
    const db = this.db;
    if (!db || this.memoryOnly || this.status === 'importing') return;
    this.repairing = true;
    try {
      const result = await loadCorpus(db, this.manifestUrl, {
        repair: true,
        onReadable: () => {
          this.revision += 1;
        },
      });
      this.#setManifest(result.manifest);
      this.revision += 1;
    } catch (err) {
      this.fail(err);
    } finally {
      this.repairing = false;
    }
  }

  fail(err: unknown): void {
    this.error =
      err instanceof CorpusError
        ? err
        : new CorpusError('storage', err instanceof Error ? err.message : String(err), { cause: err });
    this.status = 'error';
    console.error('Folio: the library could not be opened', err);
  }

  retry = (): void => {
    void this.open();
  };

  /**
   * Rewrites every article from freshly fetched and verified chunks while the reader keeps reading
   * (the settings' "Re-download and verify"); failures are thrown to the caller, not shown as a page.
   */
  async reimport(signal?: AbortSignal): Promise<Manifest> {
    if (!this.db) throw new CorpusError('storage', 'the library is not open');
    const result = await loadCorpus(this.db, this.manifestUrl, { force: true, signal });
    this.#readFrom(this.db);
    this.memoryOnly = false;
    this.#setManifest(result.manifest);
    this.revision += 1;
    return result.manifest;
  }
}
