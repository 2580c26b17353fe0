/**
 * Messages between the page and the import worker (import-worker.ts): typed unions, and guards
 * that check every message at the boundary, since structured clone carries any shape.
 *
 * The page sends one `load` (what `loadCorpus` is asked to do); the worker says `started` as soon
 * as its module runs (before that, a failure means "no worker here": the page imports itself),
 * then `progress`, `readable` and `freed` as loadCorpus calls back, and ends with `done` or
 * `error`. Errors cross as `{ kind, detail }` and become a CorpusError again on the page.
 * `versionchange`: another tab upgraded the database, and the worker closed its connection.
 * The page stops a load by terminating the worker (IndexedDB aborts the open transaction).
 *
 * `read` (issue #7): one article not stored yet, read from its chunk for a search hit during a first
 * import. A worker of its own serves these (never the one loading); it answers each with `article`
 * (null when the chunk cannot be read or does not hold it), so the page parses no chunk itself.
 */
import {
  CORPUS_ERROR_KINDS,
  CorpusError,
  isQuotaError,
  type CorpusErrorKind,
  type LoadProgress,
  type LoadResult,
} from './load.ts';
import type { Article, ChunkRef, Manifest } from './types.ts';
import { isArticle, isChunkRef, isManifest } from './validate.ts';
import { isNewerSchemaError } from '../storage/db.ts';

export interface ImportLoadRequest {
  type: 'load';
  /** The IndexedDB database the page opened (so the schema is there). */
  dbName: string;
  manifestUrl: string;
  force: boolean;
  repair: boolean;
}

export interface ImportReadRequest {
  type: 'read';
  /** Echoed in the answer: reads are answered as their chunks arrive, not in order. */
  request: number;
  manifestUrl: string;
  chunk: ChunkRef;
  /** The article's id. */
  id: string;
}

export type ImportRequest = ImportLoadRequest | ImportReadRequest;

export interface WireError {
  kind: CorpusErrorKind;
  detail: string;
}

export type ImportResponse =
  | { type: 'started' }
  | { type: 'progress'; progress: LoadProgress }
  | { type: 'readable'; manifest: Manifest }
  | { type: 'freed' }
  | { type: 'versionchange' }
  | { type: 'done'; result: LoadResult }
  | { type: 'article'; request: number; article: Article | null }
  | ({ type: 'error' } & WireError);

const ERROR_KINDS: readonly CorpusErrorKind[] = CORPUS_ERROR_KINDS;

type Fields = Record<string, unknown>;

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

export function isErrorKind(value: unknown): value is CorpusErrorKind {
  return ERROR_KINDS.includes(value as CorpusErrorKind);
}

function isProgress(value: unknown): value is LoadProgress {
  return (
    isObject(value) &&
    isCount(value.done) &&
    isCount(value.total) &&
    value.done <= value.total &&
    isCount(value.written) &&
    isCount(value.articles)
  );
}

function isLoadResult(value: unknown): value is LoadResult {
  return (
    isObject(value) &&
    isManifest(value.manifest) &&
    (value.source === 'stored' || value.source === 'imported') &&
    (value.written === undefined || isCount(value.written))
  );
}

export function isImportRequest(value: unknown): value is ImportRequest {
  if (isObject(value) && value.type === 'read') {
    return (
      isCount(value.request) &&
      typeof value.manifestUrl === 'string' &&
      isChunkRef(value.chunk) &&
      typeof value.id === 'string'
    );
  }
  return (
    isObject(value) &&
    value.type === 'load' &&
    typeof value.dbName === 'string' &&
    value.dbName !== '' &&
    typeof value.manifestUrl === 'string' &&
    typeof value.force === 'boolean' &&
    typeof value.repair === 'boolean'
  );
}

export function isImportResponse(value: unknown): value is ImportResponse {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'started':
    case 'freed':
    case 'versionchange':
      return true;
    case 'progress':
      return isProgress(value.progress);
    case 'readable':
      return isManifest(value.manifest);
    case 'done':
      return isLoadResult(value.result);
    case 'article':
      return isCount(value.request) && (value.article === null || isArticle(value.article));
    case 'error':
      return isErrorKind(value.kind) && typeof value.detail === 'string';
    default:
      return false;
  }
}

/** What the worker sends for a failure: a CorpusError as it is, anything else as the loader would name it. */
export function toWireError(err: unknown): WireError {
  if (err instanceof CorpusError) return { kind: err.kind, detail: err.detail };
  if (isQuotaError(err)) return { kind: 'quota', detail: 'the device is out of storage space' };
  const name = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return { kind: 'storage', detail: `the browser database failed (${name})` };
}

/** The page's CorpusError for a failure the worker reported: same kind, same detail, same message. */
export function fromWireError(error: WireError): CorpusError {
  return new CorpusError(error.kind, error.detail);
}

/** A connection the worker could not open, named as the page names its own (Library.#connect). */
export function connectionError(err: unknown): CorpusError {
  if (err instanceof CorpusError) return err;
  if (isNewerSchemaError(err)) {
    return new CorpusError('newer-schema', 'a newer version of Folio upgraded this device’s library', { cause: err });
  }
  if (isQuotaError(err)) return new CorpusError('quota', 'the device is out of storage space', { cause: err });
  const name = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return new CorpusError('storage', `the browser database could not be opened (${name})`, { cause: err });
}
