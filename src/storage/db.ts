import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction } from 'idb';
import type { Article, Manifest } from '../corpus/types.ts';
import type { IndexSnapshot } from '../search/engine.ts';

/** Bump with a new cumulative step in `upgrade` below; never edit an old step. */
export const DB_VERSION = 3;

/** The app's database; the widget uses one per corpus URL (see dbNameFor). */
export const APP_DB_NAME = 'folio';

/** An article as stored: the built article plus derived index keys (IndexedDB cannot index null). */
export interface StoredArticle extends Article {
  /** Category, or '' when none. */
  cat: string;
  /** `YYYY-MM` of the date, or '' when undated. */
  ym: string;
  /** Hash of the corpus that last wrote this record: stale records are swept after an update. */
  corpus: string;
}

/** Import progress and the completion marker, written last. */
export interface CorpusState {
  manifestUrl: string;
  hash: string;
  manifest: Manifest;
  /** True only once every chunk is written and stale records are gone. */
  complete: boolean;
  /** Hashes of chunks already written for `hash`: a closed tab resumes here. */
  doneChunks: string[];
  /**
   * 'chunk': every record is stamped with its chunk's hash, so an update may skip chunks both
   * manifests list. Absent in states written by older builds (which stamped the corpus hash).
   */
  stamps?: 'chunk';
}

export interface FolioDB extends DBSchema {
  articles: {
    key: string;
    value: StoredArticle;
    indexes: {
      'by-ord': number;
      'by-cat': [string, number];
      'by-ym': [string, number];
      'by-lang': [string, number];
    };
  };
  meta: {
    key: string;
    value: CorpusState;
  };
  /** The reader's own data: kept apart from the corpus, so corpus updates never touch it. */
  saved: {
    key: string;
    value: SavedArticle;
    indexes: { 'by-time': number };
  };
  history: {
    key: string;
    value: HistoryEntry;
    indexes: { 'by-time': number };
  };
  /** The search index snapshot, keyed by corpus hash and engine version: a warm start restores it. */
  searchIndex: {
    key: string;
    value: StoredSearchIndex;
  };
}

/**
 * `data` was an ExportedIndex (`[key, string][]`) before the snapshot: such records, under the same
 * key, fail the reader's check (and restoreSnapshot's) and are replaced by the next write.
 */
export interface StoredSearchIndex {
  key: string;
  corpusHash: string;
  engineVersion: number;
  data: IndexSnapshot;
}

/** What a saved-list row needs, copied at save time so it shows even if the article leaves the corpus. */
export interface SavedArticle {
  id: string;
  title: string;
  lang: string;
  date: string | null;
  category: string | null;
  savedAt: number;
}

export interface HistoryEntry {
  id: string;
  title: string;
  lang: string;
  readAt: number;
  /** Scroll offset in CSS pixels when the reader left. */
  y: number;
  /** Share of the article read, 0 to 1. */
  progress: number;
}

export type FolioDatabase = IDBPDatabase<FolioDB>;

export const CORPUS_STATE_KEY = 'corpus';

export interface ConnectionEvents {
  /** Another tab wants a newer schema: we closed our connection. */
  onVersionChange?: () => void;
  /** An older tab keeps the database open: our upgrade waits for it. */
  onBlocked?: () => void;
  /** The browser closed the connection abnormally (storage cleared, disk error). */
  onTerminated?: () => void;
}

export function dbNameFor(manifestUrl: string): string {
  return `folio:${manifestUrl}`;
}

/** Stores and indexes the app reads; an upgrade ends by making sure every one is there. */
const ARTICLE_INDEXES: Record<'by-ord' | 'by-cat' | 'by-ym' | 'by-lang', string | string[]> = {
  'by-ord': 'ord',
  'by-cat': ['cat', 'ord'],
  'by-ym': ['ym', 'ord'],
  'by-lang': ['lang', 'ord'],
};

/**
 * Repairs a schema an older or broken build left incomplete (a store or index missing): the corpus
 * stores are rebuilt empty when they are not usable (the loader imports them again); the reader's
 * own stores are only ever added to, never cleared.
 */
function ensureSchema(
  database: IDBPDatabase<FolioDB>,
  tx: IDBPTransaction<FolioDB, StoreName[], 'versionchange'>,
): void {
  // objectStoreNames is a snapshot in Chromium: read it again after each change.
  const names = { contains: (name: StoreName): boolean => database.objectStoreNames.contains(name) };
  if (names.contains('articles')) {
    const articles = tx.objectStore('articles');
    if (articles.keyPath !== 'id') {
      database.deleteObjectStore('articles');
    } else {
      for (const [index, keyPath] of Object.entries(ARTICLE_INDEXES)) {
        if (!articles.indexNames.contains(index as keyof typeof ARTICLE_INDEXES)) {
          articles.createIndex(index as keyof typeof ARTICLE_INDEXES, keyPath);
        }
      }
    }
  }
  if (!names.contains('articles')) {
    const articles = database.createObjectStore('articles', { keyPath: 'id' });
    for (const [index, keyPath] of Object.entries(ARTICLE_INDEXES)) {
      articles.createIndex(index as keyof typeof ARTICLE_INDEXES, keyPath);
    }
    // The articles are gone: the corpus state must not claim they are there.
    if (names.contains('meta')) void tx.objectStore('meta').delete(CORPUS_STATE_KEY);
  }
  if (!names.contains('meta')) database.createObjectStore('meta');
  for (const store of ['saved', 'history'] as const) {
    if (!names.contains(store)) {
      database
        .createObjectStore(store, { keyPath: 'id' })
        .createIndex('by-time', store === 'saved' ? 'savedAt' : 'readAt');
    } else if (!tx.objectStore(store).indexNames.contains('by-time')) {
      tx.objectStore(store).createIndex('by-time', store === 'saved' ? 'savedAt' : 'readAt');
    }
  }
  if (!names.contains('searchIndex')) database.createObjectStore('searchIndex', { keyPath: 'key' });
}

type StoreName = 'articles' | 'meta' | 'saved' | 'history' | 'searchIndex';

/** A database a newer Folio upgraded (`VersionError`): this tab runs older code and must reload. */
export function isNewerSchemaError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'name' in err && err.name === 'VersionError';
}

export async function openFolioDB(name: string, events: ConnectionEvents = {}): Promise<FolioDatabase> {
  const db = await openDB<FolioDB>(name, DB_VERSION, {
    upgrade(database, oldVersion, _newVersion, tx) {
      if (oldVersion < 1) {
        const articles = database.createObjectStore('articles', { keyPath: 'id' });
        articles.createIndex('by-ord', 'ord');
        articles.createIndex('by-cat', ['cat', 'ord']);
        articles.createIndex('by-ym', ['ym', 'ord']);
        articles.createIndex('by-lang', ['lang', 'ord']);
        database.createObjectStore('meta');
      }
      // A hand-made or half-upgraded database may hold some of these already: ensureSchema adds the rest.
      if (oldVersion < 2 && !database.objectStoreNames.contains('saved')) {
        database.createObjectStore('saved', { keyPath: 'id' }).createIndex('by-time', 'savedAt');
      }
      if (oldVersion < 2 && !database.objectStoreNames.contains('history')) {
        database.createObjectStore('history', { keyPath: 'id' }).createIndex('by-time', 'readAt');
      }
      if (oldVersion < 3 && !database.objectStoreNames.contains('searchIndex')) {
        database.createObjectStore('searchIndex', { keyPath: 'key' });
      }
      ensureSchema(database, tx);
    },
    blocked() {
      events.onBlocked?.();
    },
    blocking() {
      // Let the other tab's upgrade proceed; this tab tells its reader to reload.
      db.close();
      events.onVersionChange?.();
    },
    terminated() {
      events.onTerminated?.();
    },
  });
  return db;
}

/** A connection being opened before its owner exists: events that come first are kept for it. */
export interface EarlyConnection {
  readonly name: string;
  readonly db: Promise<FolioDatabase>;
  /** The owner's handlers, given the events that came before them first. */
  listen(events: ConnectionEvents): void;
}

/**
 * Connection events for handlers given later: until `listen`, they are kept, then passed on in the
 * order they came; after it, at once.
 */
export function relayEvents(): { events: Required<ConnectionEvents>; listen: (events: ConnectionEvents) => void } {
  let target: ConnectionEvents | null = null;
  const missed: (keyof ConnectionEvents)[] = [];
  const relay = (key: keyof ConnectionEvents) => (): void => {
    if (target) target[key]?.();
    else missed.push(key);
  };
  return {
    events: {
      onBlocked: relay('onBlocked'),
      onVersionChange: relay('onVersionChange'),
      onTerminated: relay('onTerminated'),
    },
    listen(events) {
      target = events;
      for (const key of missed.splice(0)) events[key]?.();
    },
  };
}

/** Opens the database now, for an owner created later (src/app/boot.ts, then Library). */
export function openFolioDBEarly(name: string): EarlyConnection {
  const { events, listen } = relayEvents();
  const db = openFolioDB(name, events);
  // Not unhandled: the owner awaits it and handles the failure as its own open's.
  db.catch(() => undefined);
  return { name, db, listen };
}

export function toStored(article: Article, corpusHash: string): StoredArticle {
  return {
    ...article,
    cat: article.category ?? '',
    ym: article.date ? article.date.slice(0, 7) : '',
    corpus: corpusHash,
  };
}
