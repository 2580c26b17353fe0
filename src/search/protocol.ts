/**
 * Messages between the app and the search worker (worker.ts): typed unions, and guards that
 * check every message at the boundary, since structured clone carries any shape.
 *
 * A build: `init` (corpus hash, article count), then `build` batches (the last one says so); the
 * worker answers `progress` per batch and `ready` at the end. It indexes one batch per task, so a
 * `search` sent meanwhile is answered between batches (with `partial: true`).
 * A cached index: `import` → `ready`; `export` → `exported`. Any failure → `error`.
 * `load`: the worker finds an index itself (the IndexedDB cache, else the pre-built parts, which
 * it fetches, verifies, parses and then caches), so the index never crosses the main thread; it
 * answers `ready`, or `unbuilt` when the page must send the articles (`init` and `build`).
 * `open` (at boot, before the page knows the manifest): the worker restores the index cached for
 * the complete corpus stored in `dbName` and answers `ready` with that corpus's hash, or nothing
 * when there is none; a later `load` for the same hash is answered from it at once. A worker whose
 * name carries `dbName` (searchWorkerName) starts that read as it boots, before `open` reaches it.
 */
import type { Article } from '../corpus/types.ts';
import type { ExportedIndex, SearchField, SearchFilters, SearchHit, SearchOptions, SearchSort } from './engine.ts';

export type SearchRequest =
  | { type: 'init'; corpusHash: string; total: number }
  | { type: 'build'; articles: Article[]; last: boolean }
  | { type: 'import'; id: number; corpusHash: string; data: ExportedIndex }
  | {
      type: 'load';
      corpusHash: string;
      /** The IndexedDB database holding the corpus, and the cache key of this index. */
      dbName: string;
      cacheKey: string;
      manifestUrl: string;
      /** Pre-built parts, in order; empty when the corpus ships none for this engine version. */
      index: { file: string; hash: string }[];
    }
  | { type: 'open'; dbName: string; manifestUrl: string }
  | { type: 'export'; id: number }
  | { type: 'search'; id: number; query: string; options: SearchOptions }
  /** Drops a search that has not been answered yet; its results never arrive. */
  | { type: 'cancel'; id: number };

export type SearchResponse =
  | { type: 'progress'; corpusHash: string; indexed: number; total: number }
  | { type: 'ready'; corpusHash: string; count: number; source: ReadySource }
  /** `load` found no usable index: build one. */
  | { type: 'unbuilt'; corpusHash: string }
  | {
      type: 'results';
      id: number;
      query: string;
      hits: SearchHit[];
      total: number;
      /** The index was still being built: more results may come once it is ready. */
      partial: boolean;
      /** Milliseconds from the worker receiving the search to this answer (waiting for its turn included). */
      ms?: number;
    }
  | { type: 'exported'; id: number; corpusHash: string; engineVersion: number; data: ExportedIndex }
  /** `id` is the failed request's, or null for a build step or an unreadable message. */
  | { type: 'error'; id: number | null; message: string };

/** Where a ready index came from: `import` is the `import` request; `cache`, `prebuilt` come from `load`. */
export type ReadySource = 'build' | 'import' | 'cache' | 'prebuilt';
const READY_SOURCES: readonly ReadySource[] = ['build', 'import', 'cache', 'prebuilt'];

type Fields = Record<string, unknown>;

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

function isCount(value: unknown): value is number {
  return isId(value) && value >= 0;
}

function isOptionalString(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}

function isNullableString(value: unknown): boolean {
  return value === null || typeof value === 'string';
}

/** The article fields the worker reads (the rest is passed through untouched). */
function isArticle(value: unknown): value is Article {
  return (
    isObject(value) &&
    typeof value.id === 'string' &&
    isCount(value.ord) &&
    typeof value.title === 'string' &&
    typeof value.html === 'string' &&
    isNullableString(value.date) &&
    isNullableString(value.category) &&
    typeof value.lang === 'string'
  );
}

function isFilters(value: unknown): value is SearchFilters {
  return (
    isObject(value) &&
    isOptionalString(value.category) &&
    isOptionalString(value.lang) &&
    isOptionalString(value.from) &&
    isOptionalString(value.to)
  );
}

const SORTS: readonly SearchSort[] = ['relevance', 'date'];

export function isSearchOptions(value: unknown): value is SearchOptions {
  return (
    isObject(value) &&
    (value.limit === undefined || isCount(value.limit)) &&
    (value.offset === undefined || isCount(value.offset)) &&
    (value.filters === undefined || isFilters(value.filters)) &&
    (value.sort === undefined || SORTS.includes(value.sort as SearchSort))
  );
}

export function isExportedIndex(value: unknown): value is ExportedIndex {
  return (
    Array.isArray(value) &&
    value.every(
      (entry) =>
        Array.isArray(entry) && entry.length === 2 && typeof entry[0] === 'string' && typeof entry[1] === 'string',
    )
  );
}

export function isRequest(value: unknown): value is SearchRequest {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'init':
      return typeof value.corpusHash === 'string' && isCount(value.total);
    case 'build':
      return Array.isArray(value.articles) && value.articles.every(isArticle) && typeof value.last === 'boolean';
    case 'import':
      return isId(value.id) && typeof value.corpusHash === 'string' && isExportedIndex(value.data);
    case 'load':
      return (
        typeof value.corpusHash === 'string' &&
        typeof value.dbName === 'string' &&
        typeof value.cacheKey === 'string' &&
        typeof value.manifestUrl === 'string' &&
        Array.isArray(value.index) &&
        value.index.every((ref) => isObject(ref) && typeof ref.file === 'string' && typeof ref.hash === 'string')
      );
    case 'open':
      return typeof value.dbName === 'string' && typeof value.manifestUrl === 'string';
    case 'export':
    case 'cancel':
      return isId(value.id);
    case 'search':
      return isId(value.id) && typeof value.query === 'string' && isSearchOptions(value.options);
    default:
      return false;
  }
}

const FIELD_NAMES: readonly SearchField[] = ['title', 'body'];

function isHit(value: unknown): value is SearchHit {
  return (
    isObject(value) &&
    isCount(value.ord) &&
    typeof value.id === 'string' &&
    typeof value.score === 'number' &&
    Array.isArray(value.fields) &&
    value.fields.every((field) => FIELD_NAMES.includes(field as SearchField)) &&
    typeof value.complete === 'boolean'
  );
}

export function isResponse(value: unknown): value is SearchResponse {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'progress':
      return typeof value.corpusHash === 'string' && isCount(value.indexed) && isCount(value.total);
    case 'ready':
      return (
        typeof value.corpusHash === 'string' &&
        isCount(value.count) &&
        READY_SOURCES.includes(value.source as ReadySource)
      );
    case 'unbuilt':
      return typeof value.corpusHash === 'string';
    case 'results':
      return (
        isId(value.id) &&
        typeof value.query === 'string' &&
        Array.isArray(value.hits) &&
        value.hits.every(isHit) &&
        isCount(value.total) &&
        typeof value.partial === 'boolean' &&
        (value.ms === undefined || typeof value.ms === 'number')
      );
    case 'exported':
      return (
        isId(value.id) &&
        typeof value.corpusHash === 'string' &&
        typeof value.engineVersion === 'number' &&
        isExportedIndex(value.data)
      );
    case 'error':
      return (value.id === null || isId(value.id)) && typeof value.message === 'string';
    default:
      return false;
  }
}

const WORKER_NAME = 'folio-search';

/**
 * The search worker's name: with `dbName` when the page starts it to `open` that database, so the
 * worker can begin reading the stored corpus's index before the message arrives (a message to a
 * worker that is starting is handed over only when the page's main thread is free again).
 */
export function searchWorkerName(dbName?: string): string {
  return dbName === undefined ? WORKER_NAME : `${WORKER_NAME} ${dbName}`;
}

/** The database a search worker's name says it will be asked to open, if any. */
export function dbNameOfSearchWorker(name: unknown): string | undefined {
  const prefix = `${WORKER_NAME} `;
  return typeof name === 'string' && name.startsWith(prefix) ? name.slice(prefix.length) : undefined;
}
