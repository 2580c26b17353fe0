/**
 * A search worker named after a database (searchWorkerName) reads that database's stored corpus
 * and cached index as it boots, before the page's `open` reaches it (src/search/worker.ts), and
 * restores it only for the manifest URL the `open` names.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CORPUS_FORMAT, type Article } from '../../src/corpus/types.ts';
import { testArticle } from './article-fixture.ts';
import { addArticles, createEngine, snapshotIndex, toSearchDoc } from '../../src/search/engine.ts';
import { searchWorkerName, type SearchRequest, type SearchResponse } from '../../src/search/protocol.ts';
import { ENGINE_VERSION, indexCacheKey } from '../../src/search/version.ts';

const HASH = 'a'.repeat(64);
const MANIFEST_URL = 'https://folio.test/corpus/manifest.json';

function article(ord: number, title: string): Article {
  return testArticle({ id: `doc-${ord}`, ord, title, date: '2021-03-04', category: 'news', html: `<p>${title}.</p>` });
}

function storedRecords(): { state: unknown; index: unknown } {
  const engine = createEngine();
  addArticles(engine, [article(0, 'The harbour opens'), article(1, 'A new observatory')].map(toSearchDoc));
  const manifest = {
    format: CORPUS_FORMAT,
    hash: HASH,
    title: 'Test',
    languages: ['en'],
    count: 0,
    dated: 0,
    counts: { lang: {}, category: {} },
    categories: [],
    years: [],
    chunks: [],
  };
  return {
    state: { manifestUrl: MANIFEST_URL, hash: HASH, complete: true, doneChunks: [], manifest },
    index: { key: indexCacheKey(HASH), corpusHash: HASH, engineVersion: ENGINE_VERSION, data: snapshotIndex(engine) },
  };
}

/** A fake IndexedDB holding one complete corpus and its cached index; records each open. */
function fakeIndexedDb(opened: string[]): { open: (name: string) => unknown } {
  const { state, index } = storedRecords();
  const request = (result: unknown): Record<string, unknown> => {
    const req: Record<string, unknown> = { result, error: null };
    setTimeout(() => (req.onsuccess as (() => void) | undefined)?.(), 0);
    return req;
  };
  const db = {
    objectStoreNames: { contains: () => true },
    transaction: () => ({
      objectStore: (store: string) => ({ get: () => request(store === 'meta' ? state : index) }),
    }),
    close: () => undefined,
  };
  return {
    open: (name: string) => {
      opened.push(name);
      return request(db);
    },
  };
}

let sent: SearchResponse[] = [];
let deliver: (data: SearchRequest) => void = () => undefined;
let opened: string[] = [];

async function bootWorker(): Promise<void> {
  sent = [];
  opened = [];
  vi.resetModules();
  vi.stubGlobal('name', searchWorkerName('testdb'));
  vi.stubGlobal('indexedDB', fakeIndexedDb(opened));
  vi.stubGlobal('postMessage', (message: SearchResponse) => sent.push(message));
  vi.stubGlobal('addEventListener', (type: string, listener: (event: { data: unknown }) => void) => {
    if (type === 'message') deliver = (data) => listener({ data: structuredClone(data) });
  });
  await import('../../src/search/worker.ts');
}

async function answer(id: number): Promise<Extract<SearchResponse, { type: 'results' }>> {
  await vi.waitFor(() => expect(sent.some((m) => m.type === 'results' && m.id === id)).toBe(true));
  return sent.find((m): m is Extract<SearchResponse, { type: 'results' }> => m.type === 'results' && m.id === id)!;
}

describe('a search worker named after its database', () => {
  beforeEach(bootWorker);

  it('reads the stored corpus as it boots, before any message, and restores it on `open`', async () => {
    expect(opened).toEqual(['testdb']);
    deliver({ type: 'open', dbName: 'testdb', manifestUrl: MANIFEST_URL });
    deliver({ type: 'search', id: 1, query: 'observatory', options: {} });
    expect((await answer(1)).hits.map((hit) => hit.id)).toEqual(['doc-1']);
    expect(sent.find((m) => m.type === 'ready')).toEqual({
      type: 'ready',
      corpusHash: HASH,
      count: 2,
      source: 'cache',
    });
    // The boot read served the `open`: the database was not read a second time.
    expect(opened).toEqual(['testdb']);
  });

  it('restores nothing for an `open` from another manifest URL', async () => {
    deliver({ type: 'open', dbName: 'testdb', manifestUrl: 'https://elsewhere.test/corpus/manifest.json' });
    deliver({ type: 'search', id: 2, query: 'observatory', options: {} });
    expect((await answer(2)).hits).toEqual([]);
    expect(sent.some((m) => m.type === 'ready')).toBe(false);
  });
});
