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
  searchWithTotal,
  toSearchDoc,
  type Engine,
} from './engine.ts';
import { isRequest, type SearchRequest, type SearchResponse } from './protocol.ts';

/** Characters of article HTML indexed per task (~30 ms on a laptop): a search waits at most one slice. */
const SLICE_CHARS = 200_000;

type SearchMessage = Extract<SearchRequest, { type: 'search' }>;

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
/** An index has been built or imported since the worker started. */
let loaded = false;

function post(message: SearchResponse): void {
  postMessage(message);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setTimeout(runTask, 0);
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
  for (const [id, request] of searches) {
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
    }
  } catch (error) {
    build = { ...build, pending: [], done: true };
    post({ type: 'error', id: null, message: `indexing failed: ${errorText(error)}` });
  }
  if (build.pending.length > 0 || searches.size > 0) schedule();
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
