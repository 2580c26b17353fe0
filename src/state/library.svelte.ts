import { CorpusError, loadCorpus, type LoadProgress } from '../corpus/load.ts';
import type { Manifest } from '../corpus/types.ts';
import { openFolioDB, type FolioDatabase } from '../storage/db.ts';

export type LibraryStatus = 'opening' | 'importing' | 'ready' | 'error';

/** Opens the database and brings the corpus into it; the UI renders its status. */
export class Library {
  status = $state<LibraryStatus>('opening');
  progress = $state<LoadProgress | null>(null);
  manifest = $state.raw<Manifest | null>(null);
  error = $state.raw<CorpusError | null>(null);
  /** Another tab upgraded the database: this one must reload. */
  staleTab = $state(false);
  db = $state.raw<FolioDatabase | null>(null);

  readonly manifestUrl: string;
  readonly dbName: string;
  #abort: AbortController | null = null;

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
    try {
      this.db ??= await openFolioDB(this.dbName, {
        onVersionChange: () => {
          this.staleTab = true;
        },
        onTerminated: () => {
          this.db = null;
          this.fail(new CorpusError('storage', 'the browser closed the database'));
        },
      });
      const result = await loadCorpus(this.db, this.manifestUrl, {
        signal: abort.signal,
        onProgress: (p) => {
          if (p.done < p.total) this.status = 'importing';
          this.progress = p;
        },
      });
      if (abort.signal.aborted) return;
      this.manifest = result.manifest;
      this.status = 'ready';
    } catch (err) {
      if (abort.signal.aborted) return;
      this.fail(err);
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
    return result.manifest;
  }
}
