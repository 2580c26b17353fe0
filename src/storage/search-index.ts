import type { Article } from '../corpus/types.ts';
import { isCorpusState, isStoredArticle } from './articles.ts';
import { CORPUS_STATE_KEY, type FolioDatabase, type StoredSearchIndex } from './db.ts';
import { indexCacheKey } from '../search/version.ts';

const STORE = 'searchIndex';

/** The record's envelope; the snapshot inside is checked in full by restoreSnapshot. */
function isStoredSearchIndex(value: unknown): value is StoredSearchIndex {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.key === 'string' &&
    typeof v.corpusHash === 'string' &&
    typeof v.engineVersion === 'number' &&
    typeof v.data === 'object' &&
    v.data !== null &&
    // An ExportedIndex, cached by builds before the snapshot.
    !Array.isArray(v.data)
  );
}

export async function readSearchIndex(db: FolioDatabase, key: string): Promise<StoredSearchIndex | undefined> {
  const value: unknown = await db.get('searchIndex', key);
  return isStoredSearchIndex(value) ? value : undefined;
}

/** Keeps only the index of the current corpus and engine: older ones are dead weight. */
export async function writeSearchIndex(db: FolioDatabase, index: StoredSearchIndex): Promise<void> {
  const tx = db.transaction('searchIndex', 'readwrite');
  await tx.store.clear();
  await tx.store.put(index);
  await tx.done;
}

/**
 * The search worker's own connection, open only for one read or write: the index never crosses
 * the main thread. Opens without a version (no upgrade); a database or store that is not there
 * yet reads as no cache.
 */
async function withDatabase<T>(name: string, use: (db: IDBDatabase) => Promise<T>): Promise<T | undefined> {
  const open = indexedDB.open(name);
  // Never create the database: the page does, with its schema.
  open.onupgradeneeded = () => open.transaction?.abort();
  const db = await request(open);
  try {
    // The page's connection owns the schema: give way at once when it upgrades.
    db.onversionchange = () => db.close();
    if (!db.objectStoreNames.contains(STORE)) return undefined;
    return await use(db);
  } finally {
    db.close();
  }
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

/** Reads the cached index in the search worker. */
export async function readSearchIndexIn(name: string, key: string): Promise<StoredSearchIndex | undefined> {
  const value: unknown = await withDatabase(name, (db) =>
    request(db.transaction(STORE, 'readonly').objectStore(STORE).get(key)),
  );
  return isStoredSearchIndex(value) ? value : undefined;
}

/** A complete corpus stored in a database, the manifest it came from, and its cached index. */
export interface StoredCorpusIndex {
  corpusHash: string;
  manifestUrl: string;
  index: StoredSearchIndex;
}

/**
 * The search worker at boot, before the page has read anything: the cached index of the complete
 * corpus stored, if there is one, with that corpus's hash and manifest URL (the caller checks it is
 * the page's). One read-only transaction over the corpus state and the cache, so the two agree. The
 * page checks the corpus against its manifest later and asks again (`load`) if it changed.
 */
export async function readStoredCorpusIndexIn(name: string): Promise<StoredCorpusIndex | undefined> {
  return withDatabase(name, async (db) => {
    if (!db.objectStoreNames.contains('meta')) return undefined;
    const tx = db.transaction(['meta', STORE], 'readonly');
    const state: unknown = await request(tx.objectStore('meta').get(CORPUS_STATE_KEY));
    if (!isCorpusState(state) || !state.complete) return undefined;
    const value: unknown = await request(tx.objectStore(STORE).get(indexCacheKey(state.hash)));
    return isStoredSearchIndex(value) && value.corpusHash === state.hash
      ? { corpusHash: state.hash, manifestUrl: state.manifestUrl, index: value }
      : undefined;
  });
}

/** Writes the index in the search worker, keeping only this one (like writeSearchIndex). */
export async function writeSearchIndexIn(name: string, index: StoredSearchIndex): Promise<void> {
  await withDatabase(name, async (db) => {
    const tx = db.transaction(STORE, 'readwrite');
    const done = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = tx.onabort = () => reject(tx.error ?? new Error('IndexedDB write failed'));
    });
    tx.objectStore(STORE).clear();
    tx.objectStore(STORE).put(index);
    await done;
  });
}

/** Articles in corpus order (by ord), a batch at a time, for building the index. */
export async function* articlesInOrder(db: FolioDatabase, count: number, batchSize: number): AsyncGenerator<Article[]> {
  for (let from = 0; from < count; from += batchSize) {
    const range = IDBKeyRange.bound(from, from + batchSize - 1);
    const values: unknown[] = await db.getAllFromIndex('articles', 'by-ord', range);
    yield values.filter(isStoredArticle);
  }
}
