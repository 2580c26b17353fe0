/**
 * The import worker, a module worker (no Blob workers: strict CSP forbids them):
 *   new Worker(new URL('./import-worker.ts', import.meta.url), { type: 'module' })
 * It runs loadCorpus (load.ts) against its own connection, so fetching, verifying, parsing and
 * writing the corpus never hold the page's main thread. A small switch over import-protocol.ts;
 * one worker per load (the page terminates it when the load ends or is cancelled). Another
 * instance, never the loading one, answers `read`s: articles a first import has not stored yet.
 */
import { ChunkArticles, CorpusError, loadCorpus } from './load.ts';
import {
  connectionError,
  isImportRequest,
  toWireError,
  type ImportLoadRequest,
  type ImportReadRequest,
  type ImportResponse,
} from './import-protocol.ts';
import { openFolioDB, type FolioDatabase } from '../storage/db.ts';

function post(message: ImportResponse): void {
  postMessage(message);
}

let busy = false;

async function open(request: ImportLoadRequest, abort: AbortController): Promise<FolioDatabase> {
  try {
    return await openFolioDB(request.dbName, {
      onVersionChange: () => {
        // The connection is closed (db.ts): stop, and tell the page, which closed its own too.
        abort.abort();
        post({ type: 'versionchange' });
      },
      onTerminated: () => abort.abort(),
    });
  } catch (err) {
    throw connectionError(err);
  }
}

async function load(request: ImportLoadRequest): Promise<void> {
  const abort = new AbortController();
  let db: FolioDatabase | undefined;
  try {
    db = await open(request, abort);
    const result = await loadCorpus(db, request.manifestUrl, {
      signal: abort.signal,
      force: request.force,
      repair: request.repair,
      onProgress: (progress) => post({ type: 'progress', progress }),
      onReadable: (manifest) => post({ type: 'readable', manifest }),
      onFreed: () => post({ type: 'freed' }),
    });
    post({ type: 'done', result });
  } catch (err) {
    // Our own abort means the connection was closed under us (a versionchange, a terminated connection).
    const failure = abort.signal.aborted ? new CorpusError('storage', 'the browser closed the database') : err;
    post({ type: 'error', ...toWireError(failure) });
  } finally {
    db?.close();
  }
}

const chunks = new ChunkArticles(globalThis.fetch.bind(globalThis));

async function read(request: ImportReadRequest): Promise<void> {
  const article = await chunks.article(request.manifestUrl, request.chunk, request.id);
  post({ type: 'article', request: request.request, article: article ?? null });
}

addEventListener('message', (event: MessageEvent<unknown>) => {
  const request = event.data;
  if (isImportRequest(request) && request.type === 'read') {
    void read(request);
    return;
  }
  if (!isImportRequest(request) || request.type === 'read' || busy) {
    post({ type: 'error', kind: 'storage', detail: 'the import worker got a message it does not understand' });
    return;
  }
  busy = true;
  void load(request);
});

post({ type: 'started' });
