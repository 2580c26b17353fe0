import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Article } from '../../src/corpus/types.ts';
import { isResponse, type SearchRequest, type SearchResponse } from '../../src/search/protocol.ts';
import { testArticle } from './article-fixture.ts';

/** The worker as its page sees it: messages in, messages out (globals stubbed before it loads). */
const sent: SearchResponse[] = [];
let deliver: (data: unknown) => void = () => undefined;

const TOPICS = ['harbour', 'library', 'orchard', 'observatory', 'railway'];
const ARTICLE_COUNT = 260;

function article(ord: number): Article {
  const topic = TOPICS[ord % TOPICS.length] ?? '';
  return testArticle({
    id: `doc-${ord}`,
    ord,
    title: `Notes on the ${topic} number ${ord}`,
    date: `2020-01-${String((ord % 28) + 1).padStart(2, '0')}`,
    category: topic,
    lang: ord % 2 === 0 ? 'en' : 'zh',
    html: `<p>The ${topic} opened again.</p><p>${ord % 2 === 0 ? 'Visitors came early.' : '游客很早就来了。'}</p>`,
  });
}

const ARTICLES = Array.from({ length: ARTICLE_COUNT }, (_, ord) => article(ord));

function send(request: SearchRequest | unknown): void {
  // Structured clone, as postMessage would do.
  deliver(structuredClone(request));
}

async function waitFor<T extends SearchResponse>(
  test: (message: SearchResponse) => message is T,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = sent.find(test);
    if (found) return found;
    if (Date.now() > deadline) throw new Error('timed out waiting for the worker');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

const isType =
  <K extends SearchResponse['type']>(type: K, id?: number) =>
  (message: SearchResponse): message is Extract<SearchResponse, { type: K }> =>
    message.type === type && (id === undefined || ('id' in message && message.id === id));

beforeAll(async () => {
  vi.stubGlobal('postMessage', (message: SearchResponse) => {
    expect(isResponse(message), JSON.stringify(message)).toBe(true);
    sent.push(message);
  });
  vi.stubGlobal('addEventListener', (type: string, listener: (event: { data: unknown }) => void) => {
    if (type === 'message') deliver = (data) => listener({ data });
  });
  await import('../../src/search/worker.ts');
});

describe('search worker', () => {
  it('builds in slices, answering searches in between, then reports ready', async () => {
    send({ type: 'init', corpusHash: 'h1', total: ARTICLE_COUNT });
    send({ type: 'build', articles: ARTICLES.slice(0, 200), last: false });
    await waitFor(isType('progress'));
    send({ type: 'search', id: 1, query: 'harbour', options: { limit: 500 } });
    send({ type: 'build', articles: ARTICLES.slice(200), last: true });
    const early = await waitFor(isType('results', 1));
    expect(early.partial).toBe(true);
    expect(early.hits.length).toBeGreaterThan(0);
    expect(early.hits.length).toBeLessThan(ARTICLE_COUNT / TOPICS.length);

    const ready = await waitFor(isType('ready'));
    expect(ready).toEqual({ type: 'ready', corpusHash: 'h1', count: ARTICLE_COUNT, source: 'build' });
    const progress = sent.filter(isType('progress'));
    expect(progress.at(-1)).toEqual({
      type: 'progress',
      corpusHash: 'h1',
      indexed: ARTICLE_COUNT,
      total: ARTICLE_COUNT,
    });

    send({ type: 'search', id: 2, query: 'harbour', options: { limit: 500, filters: { lang: 'zh' } } });
    const full = await waitFor(isType('results', 2));
    expect(full.partial).toBe(false);
    expect(full.total).toBe(ARTICLE_COUNT / TOPICS.length / 2);
    expect(full.hits.every((hit) => hit.ord % 2 === 1)).toBe(true);
  });

  it('drops a cancelled search', async () => {
    send({ type: 'search', id: 3, query: 'library', options: {} });
    send({ type: 'cancel', id: 3 });
    send({ type: 'search', id: 4, query: '游客', options: {} });
    const later = await waitFor(isType('results', 4));
    expect(later.total).toBe(ARTICLE_COUNT / 2);
    expect(sent.some(isType('results', 3))).toBe(false);
  });

  it('exports, and imports what it exported into a working index', async () => {
    send({ type: 'export', id: 5 });
    const exported = await waitFor(isType('exported', 5));
    expect(exported.corpusHash).toBe('h1');
    send({ type: 'init', corpusHash: 'h2', total: 0 });
    send({ type: 'import', id: 6, corpusHash: 'h1', data: exported.data });
    expect(await waitFor(isType('ready'))).toBeTruthy();
    expect(sent.filter(isType('ready')).at(-1)).toEqual({
      type: 'ready',
      corpusHash: 'h1',
      count: ARTICLE_COUNT,
      source: 'import',
    });
    send({ type: 'search', id: 7, query: 'observatory 53', options: {} });
    const hits = await waitFor(isType('results', 7));
    expect(hits.hits.map((hit) => hit.id)).toEqual(['doc-53']);
  });

  it('answers bad messages and failed requests with an error', async () => {
    send({ type: 'search', id: 'x' });
    expect(await waitFor(isType('error'))).toMatchObject({ id: null });
    send({ type: 'import', id: 8, corpusHash: 'h3', data: [['folio.meta', '{"version":-1,"docs":0,"terms":0}']] });
    expect(await waitFor(isType('error', 8))).toMatchObject({ message: expect.stringMatching(/version/) });
  });
});

/**
 * A fake IndexedDB for the worker's own connection on a full device: the database opens, holds no
 * cached index, and every write aborts with QuotaExceededError.
 */
function fullIndexedDb(): { open: () => unknown } {
  const quota = Object.assign(new Error('quota exceeded'), { name: 'QuotaExceededError' });
  const later = (fn: () => void): void => void setTimeout(fn, 0);
  const request = (result: unknown): Record<string, unknown> => {
    const req: Record<string, unknown> = { result, error: null };
    later(() => (req.onsuccess as (() => void) | undefined)?.());
    return req;
  };
  const transaction = (_store: string, mode = 'readonly'): Record<string, unknown> => {
    const tx: Record<string, unknown> = { error: null };
    if (mode === 'readwrite') {
      later(() => {
        tx.error = quota;
        (tx.onabort as (() => void) | undefined)?.();
      });
    }
    tx.objectStore = () => ({ get: () => request(undefined), clear: () => request(undefined), put: () => request(1) });
    return tx;
  };
  const db = { objectStoreNames: { contains: () => true }, transaction, close: () => undefined };
  return { open: () => request(db) };
}

describe('search worker on a device with no room (storage full, or no IndexedDB at all)', () => {
  const MANIFEST_URL = 'https://folio.test/corpus/manifest.json';
  let parts: { file: string; hash: string; text: string }[] = [];

  beforeAll(async () => {
    send({ type: 'init', corpusHash: 'full', total: ARTICLE_COUNT });
    send({ type: 'build', articles: ARTICLES, last: true });
    await waitFor((m): m is SearchResponse => m.type === 'ready' && m.corpusHash === 'full');
    send({ type: 'export', id: 50 });
    const text = JSON.stringify((await waitFor(isType('exported', 50))).data);
    const half = Math.floor(text.length / 2);
    parts = [text.slice(0, half), text.slice(half)].map((part, i) => ({
      file: `index-${i}.json`,
      hash: createHash('sha256').update(part, 'utf8').digest('hex'),
      text: part,
    }));
    vi.stubGlobal('fetch', (input: RequestInfo | URL) => {
      const part = parts.find((p) => String(input).endsWith(`/${p.file}`));
      return Promise.resolve(part ? new Response(part.text) : new Response('missing', { status: 404 }));
    });
  });

  async function loadAndSearch(corpusHash: string, id: number): Promise<void> {
    const before = sent.length;
    send({
      type: 'load',
      corpusHash,
      dbName: 'folio',
      cacheKey: `${corpusHash}:2`,
      manifestUrl: MANIFEST_URL,
      index: parts.map(({ file, hash }) => ({ file, hash })),
    });
    send({ type: 'search', id, query: 'observatory 53', options: {} });
    const results = await waitFor(isType('results', id));
    expect(results.hits.map((hit) => hit.id)).toEqual(['doc-53']);
    const after = sent.slice(before);
    expect(after.find(isType('ready'))).toEqual({
      type: 'ready',
      corpusHash,
      count: ARTICLE_COUNT,
      source: 'prebuilt',
    });
    expect(after.filter(isType('error'))).toEqual([]);
  }

  it('loads the pre-built index from the network when the worker has no IndexedDB at all', async () => {
    vi.stubGlobal('indexedDB', undefined);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await loadAndSearch('no-idb', 51);
    warn.mockRestore();
  });

  it('loads the pre-built index, and a cache write refused for quota is only a warning', async () => {
    vi.stubGlobal('indexedDB', fullIndexedDb());
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await loadAndSearch('quota', 52);
    await vi.waitFor(() =>
      expect(
        warn.mock.calls.some((call) => (call[1] as { name?: string } | undefined)?.name === 'QuotaExceededError'),
      ).toBe(true),
    );
    warn.mockRestore();
  });
});
