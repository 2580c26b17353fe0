import type { Article, Chunk, ChunkRef, Manifest } from './types.ts';
import { isChunk, isManifest } from './validate.ts';
import type { IDBPTransaction } from 'idb';
import {
  CORPUS_STATE_KEY,
  toStored,
  type CorpusState,
  type FolioDatabase,
  type FolioDB,
  type StoredArticle,
} from '../storage/db.ts';
import { isStoredArticle, readCorpusState } from '../storage/articles.ts';

/**
 * Why a load failed, so the UI can say what to do next. 'quota': the device (or the browser's
 * share of it) is out of space; 'newer-schema': a newer Folio upgraded the database in another tab.
 */
export const CORPUS_ERROR_KINDS = [
  'network',
  'invalid-manifest',
  'bad-chunk',
  'storage',
  'quota',
  'newer-schema',
  'aborted',
] as const;

export type CorpusErrorKind = (typeof CORPUS_ERROR_KINDS)[number];

export class CorpusError extends Error {
  readonly kind: CorpusErrorKind;
  readonly detail: string;
  constructor(kind: CorpusErrorKind, detail: string, options?: { cause?: unknown }) {
    super(`${kind}: ${detail}`, options);
    this.name = 'CorpusError';
    this.kind = kind;
    this.detail = detail;
  }
}

export interface LoadProgress {
  /** Chunks written so far, of `total`. */
  done: number;
  total: number;
  /** Articles written so far, of `articles`. */
  written: number;
  articles: number;
}

export interface LoadOptions {
  signal?: AbortSignal;
  onProgress?: (progress: LoadProgress) => void;
  fetch?: typeof fetch;
  /** Rewrite every article even when the stored corpus is complete and current (a repair). */
  force?: boolean;
  /**
   * Re-read every chunk and rewrite only the records that are missing or corrupt (a repair after
   * a bad record was noticed); the stored corpus stays readable meanwhile.
   */
  repair?: boolean;
  /**
   * Called whenever a manifest's records become readable: at once for a complete stored corpus,
   * after each chunk of a first import (newest chunk first), and after an update commits.
   */
  onReadable?: (manifest: Manifest) => void;
  /** Called when the device ran out of space and the cached search index was dropped to make room. */
  onFreed?: () => void;
}

export interface LoadResult {
  manifest: Manifest;
  /** 'stored': nothing fetched but the manifest (or not even that, offline). */
  source: 'stored' | 'imported';
  /** Articles actually written: unchanged ones are skipped (see the chunk stamp below). */
  written?: number;
}

async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CorpusError('aborted', 'the load was cancelled');
}

export async function fetchManifest(url: string, fetchFn: typeof fetch, signal?: AbortSignal): Promise<Manifest> {
  let response: Response;
  try {
    // no-cache: revalidate, so a new corpus on the server is noticed.
    response = await fetchFn(url, { cache: 'no-cache', signal: signal ?? null });
  } catch (err) {
    throw new CorpusError('network', `could not reach ${url}`, { cause: err });
  }
  if (!response.ok) throw new CorpusError('network', `${url} answered ${response.status}`);
  let data: unknown;
  try {
    data = await response.json();
  } catch (err) {
    throw new CorpusError('invalid-manifest', `${url} is not valid JSON`, { cause: err });
  }
  if (!isManifest(data)) throw new CorpusError('invalid-manifest', `${url} is not a Folio corpus manifest`);
  return data;
}

/** Fetches one corpus file and checks it against the SHA-256 its manifest lists. */
export async function fetchVerified(
  manifestUrl: string,
  ref: { file: string; hash: string },
  fetchFn: typeof fetch,
  signal?: AbortSignal,
): Promise<ArrayBuffer> {
  const url = new URL(ref.file, manifestUrl).href;
  let response: Response;
  try {
    response = await fetchFn(url, { signal: signal ?? null });
  } catch (err) {
    throw new CorpusError('network', `could not fetch ${ref.file}`, { cause: err });
  }
  if (!response.ok) throw new CorpusError('network', `${ref.file} answered ${response.status}`);
  const bytes = await response.arrayBuffer();
  const hash = await sha256Hex(bytes);
  if (hash !== ref.hash) throw new CorpusError('bad-chunk', `${ref.file} is damaged (its checksum does not match)`);
  return bytes;
}

export async function fetchChunk(
  manifestUrl: string,
  ref: ChunkRef,
  fetchFn: typeof fetch,
  signal?: AbortSignal,
): Promise<Chunk> {
  return parseChunk(ref, await fetchVerified(manifestUrl, ref, fetchFn, signal));
}

/** Parses verified chunk bytes and checks they hold what the manifest lists. */
export function parseChunk(ref: ChunkRef, bytes: ArrayBuffer): Chunk {
  let data: unknown;
  try {
    data = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new CorpusError('bad-chunk', `${ref.file} is not valid JSON`, { cause: err });
  }
  if (!isChunk(data) || data.articles.length !== ref.count) {
    throw new CorpusError('bad-chunk', `${ref.file} does not hold the articles its manifest lists`);
  }
  return data;
}

/** The chunk of `manifest` that holds the article at `ord` (chunks are consecutive runs of ords). */
export function chunkOf(manifest: Manifest, ord: number): ChunkRef | undefined {
  let first = 0;
  for (const ref of manifest.chunks) {
    if (ord >= first && ord < first + ref.count) return ref;
    first += ref.count;
  }
  return undefined;
}

/** Parsed chunks kept by ChunkArticles: a chunk is up to a few MB parsed; search pages touch few at a time. */
export const KEPT_CHUNKS = 4;

/**
 * Articles read straight from their corpus chunk (fetched, verified, parsed; usually from the HTTP
 * cache or the precache), for search hits a first import has not stored yet. The last few chunks
 * are kept, so the hits of one results page cost one read per chunk.
 */
export class ChunkArticles {
  readonly #fetch: typeof fetch;
  readonly #chunks = new Map<string, Promise<Chunk>>();

  constructor(fetchFn: typeof fetch) {
    this.#fetch = fetchFn;
  }

  /** The article, or undefined when its chunk cannot be read or does not hold it. */
  async article(manifestUrl: string, ref: ChunkRef, id: string): Promise<Article | undefined> {
    const key = new URL(ref.file, manifestUrl).href;
    let chunk = this.#chunks.get(key);
    if (!chunk) {
      chunk = fetchChunk(manifestUrl, ref, this.#fetch);
      this.#chunks.set(key, chunk);
      chunk.catch(() => this.#chunks.delete(key));
      const oldest = this.#chunks.keys().next().value;
      if (this.#chunks.size > KEPT_CHUNKS && oldest !== undefined) this.#chunks.delete(oldest);
    }
    try {
      return (await chunk).articles.find((a) => a.id === id);
    } catch {
      return undefined;
    }
  }
}

/** An update whose changed chunks weigh more than this is verified first, then written chunk by chunk. */
export const STAGE_BUDGET_BYTES = 48 * 1024 * 1024;

/**
 * What a load has to do, decided from the stored state and the fetched manifest (pure, unit-tested):
 * - 'current': the stored corpus is complete and has this hash;
 * - 'update': a complete corpus is stored: every changed chunk is fetched and verified before
 *   any is written, so a bad chunk leaves the stored corpus whole (the state keeps pointing at it);
 * - 'import': a first import (or its resumption, or a repair), chunk by chunk in their own
 *   transactions, newest chunk first so the latest articles can be shown before the end.
 */
export type ImportPlan =
  { mode: 'current' } | { mode: 'update'; chunks: ChunkRef[] } | { mode: 'import'; chunks: ChunkRef[]; done: string[] };

export function planImport(
  stored: CorpusState | undefined,
  manifest: Manifest,
  manifestUrl: string,
  options: { force?: boolean; repair?: boolean } = {},
): ImportPlan {
  const sameUrl = stored?.manifestUrl === manifestUrl;
  const complete = stored !== undefined && sameUrl && stored.complete;
  // A repair re-reads every chunk of the corpus stored, rewriting only unsound records.
  if (options.repair && complete && stored.hash === manifest.hash) {
    return { mode: 'import', chunks: [...manifest.chunks].reverse(), done: [] };
  }
  if (complete && stored.hash === manifest.hash && !options.force) return { mode: 'current' };
  if (complete) {
    // Records of a chunk listed by both manifests came from the same bytes: they stay as they are.
    // A state from a build that stamped records with the corpus hash has no such guarantee.
    const kept = new Set(stored.stamps === 'chunk' && !options.force ? stored.manifest.chunks.map((c) => c.hash) : []);
    return { mode: 'update', chunks: manifest.chunks.filter((c) => !kept.has(c.hash)) };
  }
  const resumable = stored !== undefined && sameUrl && stored.hash === manifest.hash && !options.force;
  // Corpora are in date order: the last chunk holds the newest articles, which home shows first.
  return { mode: 'import', chunks: [...manifest.chunks].reverse(), done: resumable ? [...stored.doneChunks] : [] };
}

export function isQuotaError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth += 1) {
    if (typeof e === 'object' && 'name' in e && e.name === 'QuotaExceededError') return true;
    e = typeof e === 'object' && 'cause' in e ? e.cause : undefined;
  }
  return false;
}

/**
 * Whether a failed first import can still be read from memory (fetched for the session): the
 * device is full, or the database would not open at all (`opened` false). Not when a newer Folio
 * owns the database (a reload is what helps) or the load was cancelled.
 */
export function readsFromMemory(err: unknown, opened: boolean): boolean {
  if (isQuotaError(err) || (err instanceof CorpusError && err.kind === 'quota')) return true;
  return !opened && !(err instanceof CorpusError && (err.kind === 'newer-schema' || err.kind === 'aborted'));
}

function storageError(err: unknown): CorpusError {
  if (err instanceof CorpusError) return err;
  if (isQuotaError(err)) return new CorpusError('quota', 'the device is out of storage space', { cause: err });
  const name = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return new CorpusError('storage', `the browser database failed (${name})`, { cause: err });
}

/**
 * Drops what Folio can rebuild by itself to make room: the cached search index (built again from
 * the articles). Never the reader's saved articles or history. Returns whether anything was freed.
 */
export async function freeSpace(db: FolioDatabase): Promise<boolean> {
  if ((await db.count('searchIndex')) === 0) return false;
  await db.clear('searchIndex');
  return true;
}

/** Runs a write; when the disk is full, frees what it can and tries once more. */
async function withRoom<T>(db: FolioDatabase, write: () => Promise<T>, onFreed?: () => void): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (!isQuotaError(err)) throw storageError(err);
    let freed = false;
    try {
      freed = await freeSpace(db);
    } catch {
      // Nothing could be freed: report the original failure.
    }
    if (!freed) throw storageError(err);
    onFreed?.();
    try {
      return await write();
    } catch (again) {
      throw storageError(again);
    }
  }
}

/** The part of a readwrite articles store that a chunk write needs (any transaction's). */
interface ArticleStore {
  get(id: string): Promise<unknown>;
  put(value: StoredArticle): Promise<unknown>;
}

/**
 * Requests issued per task when a chunk is written: each batch goes out from the previous batch's
 * success event, in the same transaction, so no task clones a whole chunk (~1 MiB) at once.
 */
export const WRITE_BATCH = 100;

/** Writes a chunk's records that are not already there, valid and from these very bytes; returns how many. */
async function putChunk(store: ArticleStore, chunk: Chunk, ref: ChunkRef, force: boolean): Promise<number> {
  let written = 0;
  for (let from = 0; from < chunk.articles.length; from += WRITE_BATCH) {
    const batch = chunk.articles.slice(from, from + WRITE_BATCH);
    // A valid record stamped with this chunk's hash came from these very bytes: rewriting it is waste.
    // Corpora grow at the end, so an update usually rewrites only the last chunk.
    const existing: unknown[] = force ? [] : await Promise.all(batch.map((a) => store.get(a.id)));
    const changed = batch.filter((_, i) => {
      const old = existing[i];
      return !isStoredArticle(old) || old.corpus !== ref.hash;
    });
    await Promise.all(changed.map((a) => store.put(toStored(a, ref.hash))));
    written += changed.length;
  }
  return written;
}

/** Deletes records whose chunk is not in `state`'s manifest, then writes the completion marker (last). */
async function sweepAndMark(
  tx: IDBPTransaction<FolioDB, ('articles' | 'meta')[], 'readwrite'>,
  state: CorpusState,
): Promise<void> {
  // Every record is stamped with the hash of the chunk that wrote it (`corpus` field): a record
  // whose chunk is not in the new manifest left the corpus or was rewritten from another chunk.
  const live = new Set(state.manifest.chunks.map((c) => c.hash));
  let cursor = await tx.objectStore('articles').openCursor();
  while (cursor) {
    const value: unknown = cursor.value;
    if (!isStoredArticle(value) || !live.has(value.corpus)) await cursor.delete();
    cursor = await cursor.continue();
  }
  await tx.objectStore('meta').put({ ...state, complete: true }, CORPUS_STATE_KEY);
}

async function finish(db: FolioDatabase, state: CorpusState): Promise<void> {
  const tx = db.transaction(['articles', 'meta'], 'readwrite');
  await sweepAndMark(tx, state);
  await tx.done;
}

function newState(manifestUrl: string, manifest: Manifest, done: string[]): CorpusState {
  return { manifestUrl, hash: manifest.hash, manifest, complete: false, doneChunks: done, stamps: 'chunk' };
}

interface Run {
  db: FolioDatabase;
  manifestUrl: string;
  manifest: Manifest;
  fetchFn: typeof fetch;
  options: LoadOptions;
}

/** First import, its resumption, or a repair: each chunk in its own transaction, resumable. */
async function importChunks(run: Run, chunks: ChunkRef[], doneChunks: string[]): Promise<number> {
  const { db, manifestUrl, manifest, fetchFn, options } = run;
  const { signal, onProgress, onReadable, onFreed } = options;
  const state = newState(manifestUrl, manifest, doneChunks);
  const done = new Set(doneChunks);
  const progress: LoadProgress = { done: 0, total: chunks.length, written: 0, articles: manifest.count };
  for (const ref of chunks) {
    if (!done.has(ref.hash)) continue;
    progress.done += 1;
    progress.written += ref.count;
  }
  onProgress?.({ ...progress });
  await withRoom(db, () => db.put('meta', state, CORPUS_STATE_KEY), onFreed);
  if (done.size > 0 || options.repair) onReadable?.(manifest);
  let written = 0;
  for (const ref of chunks) {
    if (done.has(ref.hash)) continue;
    throwIfAborted(signal);
    const chunk = await fetchChunk(manifestUrl, ref, fetchFn, signal);
    throwIfAborted(signal);
    written += await withRoom(
      db,
      async () => {
        const tx = db.transaction(['articles', 'meta'], 'readwrite');
        const count = await putChunk(tx.objectStore('articles'), chunk, ref, options.force === true);
        await tx.objectStore('meta').put({ ...state, doneChunks: [...state.doneChunks, ref.hash] }, CORPUS_STATE_KEY);
        await tx.done;
        return count;
      },
      onFreed,
    );
    state.doneChunks.push(ref.hash);
    progress.done += 1;
    progress.written += ref.count;
    onProgress?.({ ...progress });
    onReadable?.(manifest);
  }
  await withRoom(db, () => finish(db, state), onFreed);
  return written;
}

/**
 * An update over a complete stored corpus: every changed chunk is fetched, verified and parsed
 * before anything is written; then all of them, the sweep and the new completion marker go in one
 * transaction, so the stored corpus is either wholly the old one or wholly the new one.
 */
async function updateChunks(run: Run, chunks: ChunkRef[]): Promise<number> {
  const { db, manifestUrl, manifest, fetchFn, options } = run;
  const { signal, onProgress, onFreed } = options;
  const force = options.force === true;
  const articles = chunks.reduce((sum, c) => sum + c.count, 0);
  const progress: LoadProgress = { done: 0, total: chunks.length, written: 0, articles };
  onProgress?.({ ...progress });
  const staged: { ref: ChunkRef; chunk: Chunk }[] = [];
  let bytes = 0;
  for (const ref of chunks) {
    throwIfAborted(signal);
    const raw = await fetchVerified(manifestUrl, ref, fetchFn, signal);
    const chunk = parseChunk(ref, raw);
    bytes += raw.byteLength;
    // Too big to hold at once (a forced rewrite of a huge corpus): verify everything, write later.
    if (bytes <= STAGE_BUDGET_BYTES) staged.push({ ref, chunk });
    progress.done += 1;
    progress.written += ref.count;
    onProgress?.({ ...progress });
  }
  throwIfAborted(signal);
  const state = {
    ...newState(
      manifestUrl,
      manifest,
      chunks.map((c) => c.hash),
    ),
    complete: true,
  };
  if (bytes <= STAGE_BUDGET_BYTES) {
    return withRoom(
      db,
      async () => {
        const tx = db.transaction(['articles', 'meta'], 'readwrite');
        let written = 0;
        for (const { ref, chunk } of staged) written += await putChunk(tx.objectStore('articles'), chunk, ref, force);
        await sweepAndMark(tx, state);
        await tx.done;
        return written;
      },
      onFreed,
    );
  }
  // Every chunk passed its check: fetch each again (from the HTTP cache or the precache) and write
  // it. The stored state keeps naming the old, complete corpus until the end: a closed tab redoes
  // the update on its next start (unchanged records are skipped) rather than trusting a mix.
  let written = 0;
  for (const ref of chunks) {
    throwIfAborted(signal);
    const chunk = await fetchChunk(manifestUrl, ref, fetchFn, signal);
    written += await withRoom(
      db,
      async () => {
        const tx = db.transaction('articles', 'readwrite');
        const count = await putChunk(tx.objectStore('articles'), chunk, ref, force);
        await tx.done;
        return count;
      },
      onFreed,
    );
  }
  await withRoom(db, () => finish(db, state), onFreed);
  return written;
}

/**
 * Brings IndexedDB to the corpus at `manifestUrl` (see ImportPlan): nothing to do when the stored
 * corpus has the same hash; an update is verified whole before it is written; a first import is
 * written chunk by chunk, newest first, resuming after a closed tab; the completion marker is last.
 */
export async function loadCorpus(
  db: FolioDatabase,
  manifestUrl: string,
  options: LoadOptions = {},
): Promise<LoadResult> {
  const { signal } = options;
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  let stored: CorpusState | undefined;
  try {
    stored = await readCorpusState(db);
  } catch (err) {
    throw storageError(err);
  }
  const usable = stored?.complete && stored.manifestUrl === manifestUrl ? stored : undefined;

  let manifest: Manifest;
  try {
    manifest = await fetchManifest(manifestUrl, fetchFn, signal);
  } catch (err) {
    // Offline (or the server is down): the stored corpus is still good to read.
    if (usable && err instanceof CorpusError && err.kind === 'network') {
      return { manifest: usable.manifest, source: 'stored' };
    }
    throw err;
  }
  const plan = planImport(stored, manifest, manifestUrl, options);
  const run: Run = { db, manifestUrl, manifest, fetchFn, options };
  switch (plan.mode) {
    case 'current':
      return { manifest, source: 'stored' };
    case 'update':
      return { manifest, source: 'imported', written: await updateChunks(run, plan.chunks) };
    case 'import':
      return { manifest, source: 'imported', written: await importChunks(run, plan.chunks, plan.done) };
  }
}
