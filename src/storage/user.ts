import type { IDBPObjectStore } from 'idb';
import type { FolioDatabase, FolioDB, HistoryEntry, SavedArticle } from './db.ts';

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
 * One write in a transaction of its own, committed at once (`commit()`) rather than left to
 * auto-commit after the request's round trip: a write made as the page goes (a reload, a closed
 * tab) or just before (UserData shows a save at once) would otherwise be lost with the page.
 */
async function writeAtOnce<Name extends 'saved' | 'history'>(
  db: FolioDatabase,
  name: Name,
  write: (store: IDBPObjectStore<FolioDB, [Name], Name, 'readwrite'>) => Promise<unknown>,
): Promise<void> {
  const tx = db.transaction(name, 'readwrite');
  const done = write(tx.store);
  tx.commit();
  await Promise.all([done, tx.done]);
}

/** Committed at once (writeAtOnce): CI once saw a removed article come back after a reload. */
export async function putSaved(db: FolioDatabase, item: SavedArticle): Promise<void> {
  await writeAtOnce(db, 'saved', (store) => store.put(item));
}

export async function deleteSaved(db: FolioDatabase, id: string): Promise<void> {
  await writeAtOnce(db, 'saved', (store) => store.delete(id));
}

export async function listHistory(db: FolioDatabase): Promise<HistoryEntry[]> {
  const all: unknown[] = await db.getAllFromIndex('history', 'by-time');
  return all.filter(isHistoryEntry).reverse();
}

/**
 * Records a reading position, dropping the oldest entries past HISTORY_LIMIT. The position is
 * committed at once (writeAtOnce), before the trimming: it is often written as the page goes away,
 * and a transaction that waited for the trimming's round trips would be lost with the page.
 */
export async function putHistory(db: FolioDatabase, entry: HistoryEntry): Promise<void> {
  await writeAtOnce(db, 'history', (store) => store.put(entry));
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
