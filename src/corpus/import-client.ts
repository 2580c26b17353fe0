/**
 * The page's side of the import worker: `loadCorpusInWorker` takes what `loadCorpus` takes and
 * answers what it answers, but the fetching, hashing, parsing and IndexedDB writes run in
 * import-worker.ts, off the main thread (issue #7). Where no module worker can start (no Worker,
 * a script served from another origin, a policy that refuses it), it runs loadCorpus on the page.
 */
import { CorpusError, loadCorpus, type LoadOptions, type LoadResult } from './load.ts';
import { fromWireError, isImportResponse, type ImportRequest, type ImportResponse } from './import-protocol.ts';
import type { FolioDatabase } from '../storage/db.ts';

function startWorker(): Worker {
  // Our own module worker, a file on our origin: the CSP (worker-src 'self') forbids Blob workers.
  return new Worker(new URL('./import-worker.ts', import.meta.url), { type: 'module', name: 'folio-import' });
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
