/**
 * The search worker, a module worker (no Blob workers: strict CSP forbids them):
 *   new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' })
 * A small switch over protocol.ts; everything about searching lives in engine.ts.
 * Work runs in short tasks (searches first, then one slice of a build), so messages that arrive
 * while an index is built are handled between slices.
 */
import type { Article } from '../corpus/types.ts';
import {
  addArticles,
  compactEngine,
  createEngine,
  documentCount,
  ENGINE_VERSION,
  exportIndex,
  importIndex,
  restoreSnapshot,
  type ExportedIndex,
  searchWithTotal,
  snapshotIndex,
  toSearchDoc,
  warmUpQueries,
  type Engine,
} from './engine.ts';
import { fetchVerified } from '../corpus/load.ts';
import {
  readSearchIndexIn,
  readStoredCorpusIndexIn,
  writeSearchIndexIn,
  type StoredCorpusIndex,
} from '../storage/search-index.ts';
import {
  dbNameOfSearchWorker,
  isExportedIndex,
  isRequest,
  type ReadySource,
  type SearchRequest,
  type SearchResponse,
} from './protocol.ts';
import { warmUpWhenIdle } from './warm-up.ts';

/** Characters of article HTML indexed per task (~30 ms on a laptop): a search waits at most one slice. */
const SLICE_CHARS = 200_000;
/** A warm-up search that finds the worker busy tries again this much later. */
const WARM_UP_RETRY_MS = 50;

type SearchMessage = Extract<SearchRequest, { type: 'search' }> & { received?: number };
type LoadMessage = Extract<SearchRequest, { type: 'load' }>;
type OpenMessage = Extract<SearchRequest, { type: 'open' }>;

interface Build {
  corpusHash: string;
  total: number;
  indexed: number;
  /** Batches received and not yet indexed, oldest first. */
  pending: Article[][];
  lastReceived: boolean;
  done: boolean;
}

let engine: Engine = createEngine();
let build: Build = { corpusHash: '', total: 0, indexed: 0, pending: [], lastReceived: true, done: true };
/** Searches waiting for the next task, by request id (so a cancel can drop them). */
const searches = new Map<number, SearchMessage>();
let scheduled = false;
/** Schedules tasks without setTimeout's clamping (4 ms once nested, more in a throttled page). */
const tasks = new MessageChannel();
/** An index has been built or imported since the worker started. */
let loaded = false;
/** A `load` or `open` is finding the index: searches wait for it (as they waited behind an `import`). */
let loading = false;
/** `open` and `load` run one after the other, in the order they came. */
let finding: Promise<void> = Promise.resolve();
/** The corpus the loaded index is for, and where it came from (a `load` for it is answered at once). */
let current: { corpusHash: string; source: ReadySource } | null = null;
/** Where a built index is cached once complete (set by `load`). */
let cacheTarget: { dbName: string; cacheKey: string } | null = null;

function post(message: SearchResponse): void {
  postMessage(message);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  tasks.port2.postMessage(null);
}

function answer(request: SearchMessage): void {
  const { hits, total } = searchWithTotal(engine, request.query, request.options);
  // Before any index is loaded the engine is empty: say so, so the page asks again once it is ready.
  const ms = request.received === undefined ? undefined : performance.now() - request.received;
  post({ type: 'results', id: request.id, query: request.query, hits, total, partial: !loaded || !build.done, ms });
}

function indexSlice(): void {
  const batch = build.pending[0];
  if (!batch) return;
  let size = 0;
  let count = 0;
  while (count < batch.length && size < SLICE_CHARS) size += batch[count++]?.html.length ?? 0;
  const slice = batch.splice(0, count);
  if (batch.length === 0) build.pending.shift();
  addArticles(engine, slice.map(toSearchDoc));
  build.indexed += slice.length;
  post({ type: 'progress', corpusHash: build.corpusHash, indexed: build.indexed, total: build.total });
}

function runTask(): void {
  scheduled = false;
  // Searches first: someone is waiting for them.
  for (const [id, request] of loading ? [] : searches) {
    searches.delete(id);
    try {
      answer(request);
    } catch (error) {
      post({ type: 'error', id, message: errorText(error) });
    }
  }
  try {
    indexSlice();
    if (!build.done && build.lastReceived && build.pending.length === 0) {
      compactEngine(engine);
      build.done = true;
      loaded = true;
      current = { corpusHash: build.corpusHash, source: 'build' };
      post({ type: 'ready', corpusHash: build.corpusHash, count: documentCount(engine), source: 'build' });
      cacheSnapshot(build.corpusHash);
      warmUp();
    }
  } catch (error) {
    build = { ...build, pending: [], done: true };
    post({ type: 'error', id: null, message: `indexing failed: ${errorText(error)}` });
  }
  if (build.pending.length > 0 || (!loading && searches.size > 0)) schedule();
}
tasks.port1.onmessage = runTask;

function warn(what: string, error: unknown): void {
  console.warn(`Folio: ${what}`, error);
}

/**
 * Caches the index as a snapshot (typed arrays: a warm start adopts them as they are), in a task
 * of its own after the searches already waiting. Only the snapshot is kept, not the ExportedIndex:
 * one copy of the index on disk, and the pre-built parts stay in the HTTP (or service worker) cache.
 */
function cacheSnapshot(corpusHash: string): void {
  if (!cacheTarget) return;
  const { dbName, cacheKey } = cacheTarget;
  const indexed = engine;
  setTimeout(() => {
    // A newer index replaced this one meanwhile: it caches itself.
    if (engine !== indexed) return;
    // A structured clone of the snapshot is taken at once by put(): it is garbage after this task.
    const write = (async () => {
      const data = snapshotIndex(indexed);
      await writeSearchIndexIn(dbName, { key: cacheKey, corpusHash, engineVersion: ENGINE_VERSION, data });
    })();
    // The index still works; the next visit imports or builds it again.
    write.catch((error: unknown) => warn('the search index could not be cached', error));
  });
}

/**
 * Once an index is ready: a few searches of its own words, one task each, results dropped, so the
 * reader's first searches do not pay V8's compilation and the engine's lazily built tables. A
 * search that comes in meanwhile is answered first (runTask goes before the next warm-up task);
 * a newer index stops the warm-up of the old one.
 */
function warmUp(): void {
  const warmed = engine;
  warmUpWhenIdle(warmUpQueries(warmed), {
    busy: () => searches.size > 0 || loading || build.pending.length > 0,
    stale: () => engine !== warmed,
    run: ({ query, options }) => {
      try {
        searchWithTotal(warmed, query, options);
        return true;
      } catch (error) {
        warn('a warm-up search failed', error);
        return false;
      }
    },
    later: (step, retry) => void setTimeout(step, retry ? WARM_UP_RETRY_MS : 0),
  });
}

function useEngine(corpusHash: string, next: Engine, source: ReadySource): void {
  engine = next;
  current = { corpusHash, source };
  build = { corpusHash, total: 0, indexed: 0, pending: [], lastReceived: true, done: true };
  loaded = true;
  post({ type: 'ready', corpusHash, count: documentCount(engine), source });
  warmUp();
}

function loadIndex(corpusHash: string, data: ExportedIndex): boolean {
  try {
    useEngine(corpusHash, importIndex(data), 'prebuilt');
  } catch (error) {
    warn('the pre-built search index could not be imported', error);
    return false;
  }
  return true;
}

/** A damaged, old-format or other-version snapshot is ignored: the index is fetched or built again. */
function restoreCached(corpusHash: string, data: unknown): boolean {
  try {
    useEngine(corpusHash, restoreSnapshot(data), 'cache');
  } catch (error) {
    warn('the cached search index could not be restored', error);
    return false;
  }
  return true;
}

/** The pre-built parts: one JSON text split in order, each verified against the manifest. */
async function fetchPrebuilt(request: LoadMessage): Promise<ExportedIndex | null> {
  const fetchFn = globalThis.fetch.bind(globalThis);
  const parts = await Promise.all(request.index.map((ref) => fetchVerified(request.manifestUrl, ref, fetchFn)));
  const decoder = new TextDecoder();
  const data: unknown = JSON.parse(parts.map((bytes) => decoder.decode(bytes)).join(''));
  return isExportedIndex(data) ? data : null;
}

/** Runs `find` after the ones before it; searches wait until the last one is done. */
function queueFind(find: () => Promise<void>): void {
  loading = true;
  const next = finding.then(find).catch((error: unknown) => warn('the search index could not be loaded', error));
  finding = next;
  void next.then(() => {
    if (finding !== next) return;
    loading = false;
    // Searches that waited for the index are answered now.
    if (searches.size > 0) schedule();
  });
}

/**
 * At boot: the index cached for the corpus already stored, restored without waiting for the page to
 * open its database or fetch the manifest. Nothing stored or cached: nothing to say, `load` follows.
 */
async function openStored(request: OpenMessage): Promise<void> {
  const started = bootRead;
  bootRead = null;
  const stored = await (started?.dbName === request.dbName ? started.read : readStoredCorpus(request.dbName));
  // Only a corpus stored from the page's own manifest: another one is the page's to replace.
  if (stored?.manifestUrl !== request.manifestUrl || stored.index.engineVersion !== ENGINE_VERSION) return;
  restoreCached(stored.corpusHash, stored.index.data);
}

function readStoredCorpus(dbName: string): Promise<StoredCorpusIndex | undefined> {
  return readStoredCorpusIndexIn(dbName).catch((error: unknown) => {
    warn('the cached search index could not be read', error);
    return undefined;
  });
}

/**
 * A worker the page names after its database (searchWorkerName) reads that database's stored
 * corpus and cached index as soon as it boots. The page posts `open` right after starting it, but a
 * message to a starting worker is handed over only once the page's main thread is free again: on a
 * warm start that was 70 ms after the worker was idle and waiting (4x throttle, issue #7).
 */
let bootRead: { dbName: string; read: Promise<StoredCorpusIndex | undefined> } | null = null;
{
  const dbName = dbNameOfSearchWorker((globalThis as { name?: unknown }).name);
  if (dbName !== undefined) bootRead = { dbName, read: readStoredCorpus(dbName) };
}

/** The cache, else the pre-built index (then cached), else the page is asked for the articles. */
async function findIndex(request: LoadMessage): Promise<void> {
  const { corpusHash } = request;
  cacheTarget = { dbName: request.dbName, cacheKey: request.cacheKey };
  // Opened at boot (or loaded before) for this very corpus: the page checked it is still current.
  if (current?.corpusHash === corpusHash && build.done) {
    post({ type: 'ready', corpusHash, count: documentCount(engine), source: current.source });
    return;
  }
  const cached = await readSearchIndexIn(request.dbName, request.cacheKey).catch((error: unknown) => {
    warn('the cached search index could not be read', error);
    return undefined;
  });
  if (cached?.engineVersion === ENGINE_VERSION && restoreCached(corpusHash, cached.data)) return;
  if (request.index.length > 0) {
    // A damaged or missing index is no reason to fail: the page sends the articles instead.
    const data = await fetchPrebuilt(request).catch((error: unknown) => {
      warn('the pre-built search index could not be used', error);
      return null;
    });
    if (data && loadIndex(corpusHash, data)) {
      cacheSnapshot(corpusHash);
      return;
    }
  }
  post({ type: 'unbuilt', corpusHash });
}

function handle(request: SearchRequest): void {
  switch (request.type) {
    case 'init':
      engine = createEngine();
      current = null;
      build = {
        corpusHash: request.corpusHash,
        total: request.total,
        indexed: 0,
        pending: [],
        lastReceived: false,
        done: false,
      };
      break;
    case 'build':
      build.pending.push(request.articles);
      build.lastReceived ||= request.last;
      schedule();
      break;
    case 'open':
      queueFind(() => openStored(request));
      break;
    case 'load':
      queueFind(() => findIndex(request));
      break;
    case 'import':
      engine = importIndex(request.data);
      current = null;
      build = { corpusHash: request.corpusHash, total: 0, indexed: 0, pending: [], lastReceived: true, done: true };
      loaded = true;
      post({ type: 'ready', corpusHash: request.corpusHash, count: documentCount(engine), source: 'import' });
      warmUp();
      break;
    case 'export':
      if (!build.done) throw new Error('the index is still being built');
      void exportIndex(engine).then(
        (data) =>
          post({ type: 'exported', id: request.id, corpusHash: build.corpusHash, engineVersion: ENGINE_VERSION, data }),
        (error: unknown) => post({ type: 'error', id: request.id, message: errorText(error) }),
      );
      break;
    case 'search':
      searches.set(request.id, { ...request, received: performance.now() });
      schedule();
      break;
    case 'cancel':
      searches.delete(request.id);
      break;
  }
}

addEventListener('message', (event: MessageEvent<unknown>) => {
  const request = event.data;
  if (!isRequest(request)) {
    post({ type: 'error', id: null, message: 'the search worker got a message it does not understand' });
    return;
  }
  try {
    handle(request);
  } catch (error) {
    post({ type: 'error', id: 'id' in request ? request.id : null, message: errorText(error) });
  }
});
