import type { Article } from '../corpus/types.ts';
import { isStoredArticle } from './articles.ts';
import type { FolioDatabase, StoredSearchIndex } from './db.ts';

function isStoredSearchIndex(value: unknown): value is StoredSearchIndex {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.key === 'string' &&
    typeof v.corpusHash === 'string' &&
    typeof v.engineVersion === 'number' &&
    Array.isArray(v.data) &&
    v.data.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && typeof e[1] === 'string')
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

/** Articles in corpus order (by ord), a batch at a time, for building the index. */
export async function* articlesInOrder(db: FolioDatabase, count: number, batchSize: number): AsyncGenerator<Article[]> {
  for (let from = 0; from < count; from += batchSize) {
    const range = IDBKeyRange.bound(from, from + batchSize - 1);
    const values: unknown[] = await db.getAllFromIndex('articles', 'by-ord', range);
    yield values.filter(isStoredArticle);
  }
}
