import type { FolioDatabase, HistoryEntry, SavedArticle } from './db.ts';

/** How many history entries are kept; older ones are dropped. */
export const HISTORY_LIMIT = 200;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function isSavedArticle(value: unknown): value is SavedArticle {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.title === 'string' &&
    typeof value.lang === 'string' &&
    typeof value.savedAt === 'number' &&
    (value.date === null || typeof value.date === 'string') &&
    (value.category === null || typeof value.category === 'string')
  );
}

export function isHistoryEntry(value: unknown): value is HistoryEntry {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.title === 'string' &&
    typeof value.lang === 'string' &&
    typeof value.readAt === 'number' &&
    typeof value.y === 'number' &&
    typeof value.progress === 'number'
  );
}

/** Newest first; corrupt records are skipped rather than shown. */
export async function listSaved(db: FolioDatabase): Promise<SavedArticle[]> {
  const all: unknown[] = await db.getAllFromIndex('saved', 'by-time');
  return all.filter(isSavedArticle).reverse();
}

/**
 * Saving and removing are shown at once (UserData is optimistic), so the write is committed at once
 * too (`commit()`, as putHistory below), rather than left to auto-commit after its request's round
 * trip: a reader who reloads right after the tap must find what the page showed. (CI once saw a
 * removed article come back after a reload; not reproduced on demand, so no test shows this fix.)
 */
export async function putSaved(db: FolioDatabase, item: SavedArticle): Promise<void> {
  const tx = db.transaction('saved', 'readwrite');
  const put = tx.store.put(item);
  tx.commit();
  await Promise.all([put, tx.done]);
}

export async function deleteSaved(db: FolioDatabase, id: string): Promise<void> {
  const tx = db.transaction('saved', 'readwrite');
  const removed = tx.store.delete(id);
  tx.commit();
  await Promise.all([removed, tx.done]);
}

export async function listHistory(db: FolioDatabase): Promise<HistoryEntry[]> {
  const all: unknown[] = await db.getAllFromIndex('history', 'by-time');
  return all.filter(isHistoryEntry).reverse();
}

/**
 * Records a reading position, dropping the oldest entries past HISTORY_LIMIT. The position has a
 * transaction of its own, committed at once (`commit()`): it is often written as the page goes
 * away (a reload, a closed tab), and a transaction that waited for the trimming's round trips, or
 * for the event loop to auto-commit, would be lost with the page.
 */
export async function putHistory(db: FolioDatabase, entry: HistoryEntry): Promise<void> {
  const tx = db.transaction('history', 'readwrite');
  const put = tx.store.put(entry);
  tx.commit();
  await Promise.all([put, tx.done]);
  await trimHistory(db);
}

async function trimHistory(db: FolioDatabase): Promise<void> {
  const tx = db.transaction('history', 'readwrite');
  const count = await tx.store.count();
  if (count > HISTORY_LIMIT) {
    let cursor = await tx.store.index('by-time').openCursor();
    for (let extra = count - HISTORY_LIMIT; cursor && extra > 0; extra--) {
      await cursor.delete();
      cursor = await cursor.continue();
    }
  }
  await tx.done;
}

export async function clearHistory(db: FolioDatabase): Promise<void> {
  await db.clear('history');
}
