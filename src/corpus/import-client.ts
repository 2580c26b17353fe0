/**
 * The page's side of the import worker: `loadCorpusInWorker` takes what `loadCorpus` takes and
 * answers what it answers, but the fetching, hashing, parsing and IndexedDB writes run in
 * import-worker.ts, off the main thread (issue #7). Where no module worker can start (no Worker,
 * a script served from another origin, a policy that refuses it), it runs loadCorpus on the page.
 */
import { ChunkArticles, CorpusError, loadCorpus, type LoadOptions, type LoadResult } from './load.ts';
import { fromWireError, isImportResponse, type ImportRequest, type ImportResponse } from './import-protocol.ts';
import type { Article, ChunkRef } from './types.ts';
import type { FolioDatabase } from '../storage/db.ts';

function startWorker(name = 'folio-import'): Worker {
  // Our own module worker, a file on our origin: the CSP (worker-src 'self') forbids Blob workers.
  return new Worker(new URL('./import-worker.ts', import.meta.url), { type: 'module', name });
}

function onPage(db: FolioDatabase, manifestUrl: string, options: LoadOptions, why: unknown): Promise<LoadResult> {
  console.info('Folio: importing on the page, the import worker could not start', why);
  return loadCorpus(db, manifestUrl, options);
}

/**
 * loadCorpus in the import worker, with the worker's own connection to `db`'s database (the page
 * opened it first, so the schema is there). `signal` terminates the worker; a custom `fetch`
 * cannot cross to a worker, so it keeps the load on the page.
 */
export function loadCorpusInWorker(
  db: FolioDatabase,
  manifestUrl: string,
  options: LoadOptions = {},
): Promise<LoadResult> {
  if (options.fetch || typeof Worker === 'undefined') return loadCorpus(db, manifestUrl, options);
  const { signal, onProgress, onReadable, onFreed } = options;
  if (signal?.aborted) return Promise.reject(new CorpusError('aborted', 'the load was cancelled'));
  let worker: Worker;
  try {
    worker = startWorker();
  } catch (err) {
    // Another origin's script (the widget on a partner page) or a Trusted Types refusal.
    return onPage(db, manifestUrl, options, err);
  }
  return new Promise<LoadResult>((resolve, reject) => {
    let started = false;
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      worker.terminate();
      signal?.removeEventListener('abort', cancel);
      outcome();
    };
    const cancel = (): void => settle(() => reject(new CorpusError('aborted', 'the load was cancelled')));
    signal?.addEventListener('abort', cancel, { once: true });

    worker.addEventListener('error', (event: ErrorEvent) => {
      const why = event.message || 'the import worker failed';
      // Before `started` the worker never ran (blocked, not found, no module workers): import here.
      if (!started) settle(() => resolve(onPage(db, manifestUrl, options, why)));
      else settle(() => reject(new CorpusError('storage', `the import worker failed (${why})`)));
    });
    worker.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (settled || !isImportResponse(event.data)) return;
      const message: ImportResponse = event.data;
      switch (message.type) {
        case 'started':
          started = true;
          break;
        case 'progress':
          onProgress?.(message.progress);
          break;
        case 'readable':
          onReadable?.(message.manifest);
          break;
        case 'freed':
          onFreed?.();
          break;
        case 'versionchange':
          // Another tab upgraded the database: this tab runs older code (the page closed its connection too).
          settle(() =>
            reject(new CorpusError('newer-schema', 'a newer version of Folio upgraded this device’s library')),
          );
          break;
        case 'done':
          settle(() => resolve(message.result));
          break;
        case 'error':
          settle(() => reject(fromWireError(message)));
          break;
      }
    });
    const request: ImportRequest = {
      type: 'load',
      dbName: db.name,
      manifestUrl,
      force: options.force === true,
      repair: options.repair === true,
    };
    worker.postMessage(request);
  });
}

interface PendingRead {
  ref: ChunkRef;
  id: string;
  resolve: (article: Article | undefined | PromiseLike<Article | undefined>) => void;
}

/**
 * Articles a first import has not stored yet (search hits from a cached or pre-built index), read
 * from their chunk by an import worker of their own: fetching, verifying and parsing a chunk (up
 * to a few hundred ms under CPU throttling) would hold the page's main thread (issue #7), and the
 * loading worker is busy and ends with the import. The worker starts at the first read; `close`
 * ends it once its reads are answered. Where no module worker can start, chunks are read on the page.
 */
export class UnstoredArticles {
  readonly #manifestUrl: string;
  #worker: Worker | null = null;
  #started = false;
  #closing = false;
  /** Set once no worker could start: every read is made on the page from then on. */
  #onPage: ChunkArticles | null = null;
  readonly #pending = new Map<number, PendingRead>();
  #nextRequest = 0;

  constructor(manifestUrl: string) {
    this.#manifestUrl = manifestUrl;
  }

  /** The article `id` of chunk `ref`, or undefined when it cannot be read. */
  read(ref: ChunkRef, id: string): Promise<Article | undefined> {
    this.#closing = false;
    const worker = this.#onPage ? null : (this.#worker ?? this.#start());
    if (!worker) return this.#readOnPage(ref, id);
    return new Promise((resolve) => {
      const request = ++this.#nextRequest;
      this.#pending.set(request, { ref, id, resolve });
      const message: ImportRequest = { type: 'read', request, manifestUrl: this.#manifestUrl, chunk: ref, id };
      worker.postMessage(message);
    });
  }

  /** Ends the worker once the reads in flight are answered (a later read starts another). */
  close(): void {
    this.#closing = true;
    if (this.#pending.size === 0) this.#stop();
  }

  #readOnPage(ref: ChunkRef, id: string): Promise<Article | undefined> {
    this.#onPage ??= new ChunkArticles(globalThis.fetch.bind(globalThis));
    return this.#onPage.article(this.#manifestUrl, ref, id);
  }

  #start(): Worker | null {
    let worker: Worker;
    try {
      if (typeof Worker === 'undefined') throw new Error('no Worker');
      worker = startWorker('folio-read');
    } catch (err) {
      // Another origin's script (the widget on a partner page) or a Trusted Types refusal.
      console.info('Folio: reading unstored articles on the page, the import worker could not start', err);
      this.#onPage = new ChunkArticles(globalThis.fetch.bind(globalThis));
      return null;
    }
    this.#worker = worker;
    this.#started = false;
    worker.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (worker !== this.#worker || !isImportResponse(event.data)) return;
      const message = event.data;
      if (message.type === 'started') this.#started = true;
      if (message.type !== 'article') return;
      const pending = this.#pending.get(message.request);
      if (!pending) return;
      this.#pending.delete(message.request);
      pending.resolve(message.article ?? undefined);
      if (this.#closing && this.#pending.size === 0) this.#stop();
    });
    worker.addEventListener('error', (event: ErrorEvent) => {
      if (worker !== this.#worker) return;
      const pending = [...this.#pending.values()];
      this.#pending.clear();
      this.#stop();
      if (!this.#started) {
        // The worker never ran (blocked, not found, no module workers): read on the page from now on.
        console.info('Folio: reading unstored articles on the page, the import worker could not start', event.message);
        for (const { ref, id, resolve } of pending) resolve(this.#readOnPage(ref, id));
      } else {
        // It failed while reading: these hits go without an article; the next read starts a new worker.
        for (const { resolve } of pending) resolve(undefined);
      }
    });
    return worker;
  }

  #stop(): void {
    this.#worker?.terminate();
    this.#worker = null;
    this.#closing = false;
  }
}
