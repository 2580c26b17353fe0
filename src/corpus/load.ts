import type { Chunk, ChunkRef, Manifest } from './types.ts';
import { isChunk, isManifest } from './validate.ts';
import { CORPUS_STATE_KEY, toStored, type CorpusState, type FolioDatabase } from '../storage/db.ts';
import { readCorpusState } from '../storage/articles.ts';

/** Why a load failed, so the UI can say what to do next. */
export type CorpusErrorKind = 'network' | 'invalid-manifest' | 'bad-chunk' | 'storage' | 'aborted';

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
  const bytes = await fetchVerified(manifestUrl, ref, fetchFn, signal);
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

function storageError(err: unknown): CorpusError {
  const name = err instanceof DOMException ? err.name : '';
  const detail = name === 'QuotaExceededError' ? 'the device is out of storage space' : 'the browser database failed';
  return new CorpusError('storage', detail, { cause: err });
}

/**
 * Removes records a previous corpus left behind, then writes the completion marker (last).
 * Every record is stamped with the hash of the chunk that wrote it (`corpus` field): a record
 * whose chunk is not in the new manifest left the corpus or was rewritten from another chunk.
 */
async function finish(db: FolioDatabase, state: CorpusState): Promise<void> {
  const live = new Set(state.manifest.chunks.map((c) => c.hash));
  const tx = db.transaction(['articles', 'meta'], 'readwrite');
  let cursor = await tx.objectStore('articles').openCursor();
  while (cursor) {
    if (!live.has(cursor.value.corpus)) await cursor.delete();
    cursor = await cursor.continue();
  }
  await tx.objectStore('meta').put({ ...state, complete: true }, CORPUS_STATE_KEY);
  await tx.done;
}

/**
 * Brings IndexedDB to the corpus at `manifestUrl`: nothing to do when the stored corpus
 * has the same hash; otherwise each chunk is fetched, verified and written in its own
 * transaction, resuming after a closed tab, and the completion marker is written last.
 */
export async function loadCorpus(
  db: FolioDatabase,
  manifestUrl: string,
  options: LoadOptions = {},
): Promise<LoadResult> {
  const { signal, onProgress } = options;
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  let stored: CorpusState | undefined;
  try {
    stored = await readCorpusState(db);
  } catch (err) {
    throw storageError(err);
  }
  const force = options.force === true;
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
  if (!force && usable && usable.hash === manifest.hash) return { manifest: usable.manifest, source: 'stored' };

  const resumable =
    !force && stored && !stored.complete && stored.hash === manifest.hash && stored.manifestUrl === manifestUrl
      ? stored.doneChunks
      : [];
  const state: CorpusState = {
    manifestUrl,
    hash: manifest.hash,
    manifest,
    complete: false,
    doneChunks: [...resumable],
  };
  const done = new Set(state.doneChunks);
  const progress: LoadProgress = { done: 0, total: manifest.chunks.length, written: 0, articles: manifest.count };
  for (const ref of manifest.chunks) {
    if (done.has(ref.hash)) {
      progress.done += 1;
      progress.written += ref.count;
    }
  }
  onProgress?.({ ...progress });
  let written = 0;

  try {
    await db.put('meta', state, CORPUS_STATE_KEY);
  } catch (err) {
    throw storageError(err);
  }

  for (const ref of manifest.chunks) {
    if (done.has(ref.hash)) continue;
    throwIfAborted(signal);
    const chunk = await fetchChunk(manifestUrl, ref, fetchFn, signal);
    throwIfAborted(signal);
    try {
      const tx = db.transaction(['articles', 'meta'], 'readwrite');
      const store = tx.objectStore('articles');
      // A record stamped with this chunk's hash came from these very bytes: rewriting it is waste.
      // Corpora grow at the end, so an update usually rewrites only the last chunk.
      const existing = force ? [] : await Promise.all(chunk.articles.map((a) => store.get(a.id)));
      const changed = chunk.articles.filter((a, i) => existing[i]?.corpus !== ref.hash);
      const writes: Promise<unknown>[] = changed.map((a) => store.put(toStored(a, ref.hash)));
      written += changed.length;
      state.doneChunks.push(ref.hash);
      writes.push(tx.objectStore('meta').put(state, CORPUS_STATE_KEY), tx.done);
      await Promise.all(writes);
    } catch (err) {
      throw storageError(err);
    }
    progress.done += 1;
    progress.written += ref.count;
    onProgress?.({ ...progress });
  }

  try {
    await finish(db, state);
  } catch (err) {
    throw storageError(err);
  }
  return { manifest, source: 'imported', written };
}
