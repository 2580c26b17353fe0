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
  type ExportedIndex,
  searchWithTotal,
  toSearchDoc,
  type Engine,
} from './engine.ts';
import { fetchVerified } from '../corpus/load.ts';
import { readSearchIndexIn, writeSearchIndexIn } from '../storage/search-index.ts';
import { isExportedIndex, isRequest, type ReadySource, type SearchRequest, type SearchResponse } from './protocol.ts';

/** Characters of article HTML indexed per task (~30 ms on a laptop): a search waits at most one slice. */
const SLICE_CHARS = 200_000;

type SearchMessage = Extract<SearchRequest, { type: 'search' }>;
type LoadMessage = Extract<SearchRequest, { type: 'load' }>;

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
/** A `load` is finding the index: searches wait for it (as they waited behind an `import`). */
let loading = false;
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
  post({ type: 'results', id: request.id, query: request.query, hits, total, partial: !loaded || !build.done });
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
      post({ type: 'ready', corpusHash: build.corpusHash, count: documentCount(engine), source: 'build' });
      void cacheBuilt(build.corpusHash);
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

function store(corpusHash: string, data: ExportedIndex): Promise<void> {
  if (!cacheTarget) return Promise.resolve();
  const { dbName, cacheKey } = cacheTarget;
  return writeSearchIndexIn(dbName, { key: cacheKey, corpusHash, engineVersion: ENGINE_VERSION, data });
}

async function cacheBuilt(corpusHash: string): Promise<void> {
  if (!cacheTarget) return;
  try {
    await store(corpusHash, await exportIndex(engine));
  } catch (error) {
    // The index still works; the next visit builds it again.
    warn('the search index could not be cached', error);
  }
}

function loadIndex(corpusHash: string, data: ExportedIndex, source: ReadySource): boolean {
  try {
    engine = importIndex(data);
  } catch (error) {
    warn(`the ${source} search index could not be imported`, error);
    return false;
  }
  build = { corpusHash, total: 0, indexed: 0, pending: [], lastReceived: true, done: true };
  loaded = true;
  post({ type: 'ready', corpusHash, count: documentCount(engine), source });
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

/** The cache, else the pre-built index (then cached), else the page is asked for the articles. */
async function load(request: LoadMessage): Promise<void> {
  cacheTarget = { dbName: request.dbName, cacheKey: request.cacheKey };
  loading = true;
  try {
    await findIndex(request);
  } finally {
    loading = false;
    // Searches that waited for the index are answered now.
    if (searches.size > 0) schedule();
  }
}

async function findIndex(request: LoadMessage): Promise<void> {
  const { corpusHash } = request;
  const cached = await readSearchIndexIn(request.dbName, request.cacheKey).catch((error: unknown) => {
    warn('the cached search index could not be read', error);
    return undefined;
  });
  if (cached?.engineVersion === ENGINE_VERSION && loadIndex(corpusHash, cached.data, 'cache')) return;
  if (request.index.length > 0) {
    // A damaged or missing index is no reason to fail: the page sends the articles instead.
    const data = await fetchPrebuilt(request).catch((error: unknown) => {
      warn('the pre-built search index could not be used', error);
      return null;
    });
    if (data && loadIndex(corpusHash, data, 'prebuilt')) {
      void store(corpusHash, data).catch((error: unknown) => warn('the search index could not be cached', error));
      return;
    }
  }
  post({ type: 'unbuilt', corpusHash });
}

function handle(request: SearchRequest): void {
  switch (request.type) {
    case 'init':
      engine = createEngine();
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
    case 'load':
      void load(request);
      break;
    case 'import':
      engine = importIndex(request.data);
      build = { corpusHash: request.corpusHash, total: 0, indexed: 0, pending: [], lastReceived: true, done: true };
      loaded = true;
      post({ type: 'ready', corpusHash: request.corpusHash, count: documentCount(engine), source: 'import' });
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
      searches.set(request.id, request);
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
