import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Article } from '../../src/corpus/types.ts';
import { isResponse, type SearchRequest, type SearchResponse } from '../../src/search/protocol.ts';

/** The worker as its page sees it: messages in, messages out (globals stubbed before it loads). */
const sent: SearchResponse[] = [];
let deliver: (data: unknown) => void = () => undefined;

const TOPICS = ['harbour', 'library', 'orchard', 'observatory', 'railway'];
const ARTICLE_COUNT = 260;

function article(ord: number): Article {
  const topic = TOPICS[ord % TOPICS.length] ?? '';
  return {
    id: `doc-${ord}`,
    title: `Notes on the ${topic} number ${ord}`,
    date: `2020-01-${String((ord % 28) + 1).padStart(2, '0')}`,
    category: topic,
    lang: ord % 2 === 0 ? 'en' : 'zh',
    html: `<p>The ${topic} opened again.</p><p>${ord % 2 === 0 ? 'Visitors came early.' : '游客很早就来了。'}</p>`,
    tags: [],
    images: [],
    translations: {},
    ord,
    prev: null,
    next: null,
  };
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
