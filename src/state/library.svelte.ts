import { CorpusError, fetchChunk, isQuotaError, type LoadProgress } from '../corpus/load.ts';
// Off the main thread (issue #7), with loadCorpus's very shape: the calls below are unchanged.
import { loadCorpusInWorker as loadCorpus } from '../corpus/import-client.ts';
import type { Article, Chunk, Manifest } from '../corpus/types.ts';
import { articleHealth, readCorpusState } from '../storage/articles.ts';
import { isNewerSchemaError, openFolioDB, type FolioDatabase } from '../storage/db.ts';

export type LibraryStatus = 'opening' | 'importing' | 'ready' | 'error';

/**
 * Opens the database and brings the corpus into it; the UI renders its status.
 *
 * Contract for the views: `manifest` is set as soon as its articles can be read (after the
 * newest chunk of a first import, or from the stored corpus), so routes render before the import
 * ends; `revision` goes up each time more articles were written, and lists query again then.
 * `status` is 'error' with `manifest` still set when an update failed over a readable corpus.
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
   * Every article of `manifest` is in IndexedDB: a complete stored corpus (shown at once, before
   * the manifest is revalidated), or an import that ended. Search may build from IndexedDB then.
   */
  complete = $state(false);

  readonly manifestUrl: string;
  readonly dbName: string;
  #abort: AbortController | null = null;
  #repair: Promise<void> | null = null;
  /** A corrupt record starts one repair per open(): offline, a failing repair must not loop. */
  #repairTried = false;
  /** Chunks read for articles not imported yet (search results during a first import), by file. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a cache, never rendered
  #chunks = new Map<string, Promise<Chunk>>();

  constructor(manifestUrl: string, dbName: string) {
    this.manifestUrl = manifestUrl;
    this.dbName = dbName;
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
      // A complete stored corpus is readable now: routes and search need not wait for the network.
      const stored = await readCorpusState(db).catch(() => undefined);
      if (abort.signal.aborted) return;
      this.complete = stored?.complete === true && stored.manifestUrl === this.manifestUrl;
      if (this.complete && stored) this.manifest = stored.manifest;
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
          this.manifest = manifest;
          this.revision += 1;
        },
        onFreed: () => {
          this.freedSpace = true;
        },
      });
      if (abort.signal.aborted) return;
      this.manifest = result.manifest;
      if (result.source === 'imported') this.revision += 1;
      this.complete = true;
      this.status = 'ready';
      // A record lost or added behind our back (cleared by hand, a crashed write): repair it.
      if (result.source === 'stored') void this.#checkCount(db, result.manifest);
    } catch (err) {
      if (abort.signal.aborted) return;
      await this.#fallBack();
      this.fail(err);
    }
  }

  async #connect(): Promise<FolioDatabase> {
    try {
      return await openFolioDB(this.dbName, {
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
          this.fail(new CorpusError('storage', 'the browser closed the database'));
        },
      });
    } catch (err) {
      if (isQuotaError(err)) throw new CorpusError('quota', 'the device is out of storage space', { cause: err });
      if (isNewerSchemaError(err)) {
        throw new CorpusError('newer-schema', 'a newer version of Folio upgraded this device’s library', {
          cause: err,
        });
      }
      throw err;
    } finally {
      this.blocked = false;
    }
  }

  /** After a failed update, the complete corpus still stored stays readable. */
  async #fallBack(): Promise<void> {
    if (this.manifest || !this.db) return;
    try {
      const stored = await readCorpusState(this.db);
      if (stored?.complete && stored.manifestUrl === this.manifestUrl) this.manifest = stored.manifest;
    } catch {
      // The database itself failed: the error screen says so.
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
   * verified; usually from the HTTP cache or the precache): search answers from the pre-built index
   * during a first import, before every article is written. The last few chunks are kept.
   */
  async articleFromCorpus(ord: number, id: string): Promise<Article | undefined> {
    const manifest = this.manifest;
    if (!manifest) return undefined;
    let first = 0;
    const ref = manifest.chunks.find((c) => {
      const inside = ord >= first && ord < first + c.count;
      first += c.count;
      return inside;
    });
    if (!ref) return undefined;
    let chunk = this.#chunks.get(ref.file);
    if (!chunk) {
      chunk = fetchChunk(this.manifestUrl, ref, globalThis.fetch.bind(globalThis));
      this.#chunks.set(ref.file, chunk);
      chunk.catch(() => this.#chunks.delete(ref.file));
      // Bounded: a chunk is up to a few MB parsed; search pages touch few at a time.
      const oldest = this.#chunks.keys().next().value;
      if (this.#chunks.size > 4 && oldest !== undefined) this.#chunks.delete(oldest);
    }
    try {
      return (await chunk).articles.find((a) => a.id === id);
    } catch {
      return undefined;
    }
  }

  /** Whether an article can be shown now; a corrupt record starts a repair. */
  async articleHealth(id: string): Promise<'ok' | 'missing' | 'corrupt'> {
    if (!this.db) return 'missing';
    const health = await articleHealth(this.db, id);
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
    if (!db || this.status === 'importing') return;
    this.repairing = true;
    try {
      const result = await loadCorpus(db, this.manifestUrl, {
        repair: true,
        onReadable: () => {
          this.revision += 1;
        },
      });
      this.manifest = result.manifest;
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
    this.manifest = result.manifest;
    this.revision += 1;
    return result.manifest;
  }
}
