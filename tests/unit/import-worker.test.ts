import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CORPUS_ERROR_KINDS, CorpusError, type CorpusErrorKind, type LoadProgress } from '../../src/corpus/load.ts';
import type { Manifest } from '../../src/corpus/types.ts';
import {
  connectionError,
  fromWireError,
  isImportRequest,
  isImportResponse,
  toWireError,
} from '../../src/corpus/import-protocol.ts';
import { loadCorpusInWorker, UnstoredArticles } from '../../src/corpus/import-client.ts';
import { ChunkArticles, chunkOf, KEPT_CHUNKS } from '../../src/corpus/load.ts';
import type { Article, ChunkRef } from '../../src/corpus/types.ts';
import type { FolioDatabase } from '../../src/storage/db.ts';
import { testArticle } from './article-fixture.ts';
import { Library } from '../../src/state/library.svelte.ts';

const inPage = vi.hoisted(() => ({ calls: 0 }));
vi.mock('../../src/corpus/load.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/corpus/load.ts')>();
  return {
    ...original,
    loadCorpus: () => {
      inPage.calls += 1;
      return Promise.resolve({ manifest: MANIFEST, source: 'stored' });
    },
  };
});

const MANIFEST = {
  format: 1,
  hash: 'a'.repeat(64),
  title: 'Test',
  languages: ['en'],
  count: 3,
  dated: 0,
  counts: { lang: { en: 3 }, category: {} },
  categories: [],
  years: [],
  chunks: [{ file: 'articles-1.json', hash: 'b'.repeat(64), count: 3 }],
} as unknown as Manifest;

function article(id: string, ord: number): Article {
  return testArticle({ id, ord, title: `Title ${id}`, html: '<p>Body</p>' });
}

const PROGRESS: LoadProgress = { done: 1, total: 2, written: 3, articles: 6 };
const KINDS: readonly CorpusErrorKind[] = CORPUS_ERROR_KINDS;

describe('import protocol', () => {
  it('accepts a well-formed load request, and nothing else', () => {
    const load = { type: 'load', dbName: 'folio', manifestUrl: './corpus/manifest.json', force: false, repair: true };
    expect(isImportRequest(load)).toBe(true);
    for (const bad of [
      null,
      'load',
      [],
      { ...load, type: 'search' },
      { ...load, dbName: '' },
      { ...load, dbName: 3 },
      { ...load, manifestUrl: undefined },
      { ...load, force: 'yes' },
      { ...load, repair: undefined },
    ]) {
      expect(isImportRequest(bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it('accepts a well-formed read request, and nothing else', () => {
    const read = { type: 'read', request: 7, manifestUrl: 'm.json', chunk: MANIFEST.chunks[0], id: 'a1' };
    expect(isImportRequest(read)).toBe(true);
    for (const bad of [
      { ...read, request: -1 },
      { ...read, request: '7' },
      { ...read, id: 3 },
      { ...read, chunk: { ...MANIFEST.chunks[0], file: '../secret.json' } },
      { ...read, chunk: undefined },
      { ...read, manifestUrl: null },
    ]) {
      expect(isImportRequest(bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it('accepts every well-formed response', () => {
    const responses: unknown[] = [
      { type: 'started' },
      { type: 'progress', progress: PROGRESS },
      { type: 'readable', manifest: MANIFEST },
      { type: 'freed' },
      { type: 'versionchange' },
      { type: 'done', result: { manifest: MANIFEST, source: 'stored' } },
      { type: 'done', result: { manifest: MANIFEST, source: 'imported', written: 3 } },
      { type: 'article', request: 1, article: article('a1', 0) },
      { type: 'article', request: 2, article: null },
      ...KINDS.map((kind) => ({ type: 'error', kind, detail: 'why' })),
    ];
    for (const response of responses) expect(isImportResponse(response), JSON.stringify(response)).toBe(true);
  });

  it('rejects malformed responses', () => {
    const responses: unknown[] = [
      undefined,
      { type: 'hello' },
      { type: 'progress', progress: { ...PROGRESS, done: 3 } },
      { type: 'progress', progress: { ...PROGRESS, written: -1 } },
      { type: 'progress' },
      { type: 'readable', manifest: { ...MANIFEST, count: 4 } },
      { type: 'readable', manifest: null },
      { type: 'done', result: { manifest: MANIFEST, source: 'cache' } },
      { type: 'done', result: { manifest: MANIFEST, source: 'imported', written: 1.5 } },
      { type: 'done' },
      { type: 'error', kind: 'disk', detail: 'why' },
      { type: 'article', request: 1 },
      { type: 'article', request: 1, article: { id: 'a1' } },
      { type: 'article', article: null },
      { type: 'error', kind: 'network' },
      { type: 'error', kind: 'network', detail: { text: 'why' } },
    ];
    for (const response of responses) expect(isImportResponse(response), JSON.stringify(response)).toBe(false);
  });
});

describe('import error mapping', () => {
  it('carries every CorpusError kind across unchanged', () => {
    for (const kind of KINDS) {
      const original = new CorpusError(kind, `detail of ${kind}`);
      const wire = toWireError(original);
      expect(isImportResponse({ type: 'error', ...wire })).toBe(true);
      // Structured clone drops the class: only kind and detail cross.
      const back = fromWireError(structuredClone(wire));
      expect(back).toBeInstanceOf(CorpusError);
      expect(back.kind).toBe(kind);
      expect(back.detail).toBe(original.detail);
      expect(back.message).toBe(original.message);
    }
  });

  it('names other failures as the loader does: quota, else storage', () => {
    const quota = new DOMException('full', 'QuotaExceededError');
    expect(toWireError(quota)).toEqual({ kind: 'quota', detail: 'the device is out of storage space' });
    expect(toWireError(new Error('boom', { cause: quota })).kind).toBe('quota');
    const other = toWireError(new DOMException('gone', 'InvalidStateError'));
    expect(other.kind).toBe('storage');
    expect(other.detail).toContain('InvalidStateError: gone');
    expect(toWireError('odd').kind).toBe('storage');
  });

  it('names a connection the worker could not open as the page does', () => {
    expect(connectionError(new DOMException('newer', 'VersionError')).kind).toBe('newer-schema');
    expect(connectionError(new DOMException('full', 'QuotaExceededError')).kind).toBe('quota');
    expect(connectionError(new Error('nope')).kind).toBe('storage');
  });
});

/** A stand-in for the module worker: records what the page sends, and answers as the test says. */
class FakeWorker extends EventTarget {
  static last: FakeWorker | null = null;
  static refuse: Error | null = null;
  sent: unknown[] = [];
  terminated = false;
  constructor(
    readonly url: URL,
    readonly options: WorkerOptions,
  ) {
    super();
    if (FakeWorker.refuse) throw FakeWorker.refuse;
    FakeWorker.last = this;
  }
  postMessage(message: unknown): void {
    this.sent.push(message);
  }
  terminate(): void {
    this.terminated = true;
  }
  answer(data: unknown): void {
    this.dispatchEvent(new MessageEvent('message', { data }));
  }
  fail(message: string): void {
    const event = new Event('error') as Event & { message: string };
    event.message = message;
    this.dispatchEvent(event);
  }
}

const db = { name: 'folio' } as FolioDatabase;

function worker(): FakeWorker {
  if (!FakeWorker.last) throw new Error('no worker was started');
  return FakeWorker.last;
}

describe('loadCorpusInWorker', () => {
  beforeEach(() => {
    vi.stubGlobal('Worker', FakeWorker);
    FakeWorker.last = null;
    FakeWorker.refuse = null;
    inPage.calls = 0;
    vi.spyOn(console, 'info').mockImplementation(() => {});
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('starts a module worker, asks it to load, relays its callbacks and resolves with its result', async () => {
    const progress: LoadProgress[] = [];
    const readable: Manifest[] = [];
    let freed = 0;
    const result = loadCorpusInWorker(db, 'https://example.org/corpus/manifest.json', {
      repair: true,
      onProgress: (p) => progress.push(p),
      onReadable: (m) => readable.push(m),
      onFreed: () => (freed += 1),
    });
    const w = worker();
    expect(w.options.type).toBe('module');
    expect(w.url.pathname).toMatch(/import-worker\.ts$/);
    expect(w.sent).toEqual([
      {
        type: 'load',
        dbName: 'folio',
        manifestUrl: 'https://example.org/corpus/manifest.json',
        force: false,
        repair: true,
      },
    ]);
    w.answer({ type: 'started' });
    w.answer({ type: 'progress', progress: PROGRESS });
    w.answer({ type: 'progress', progress: { nonsense: true } });
    w.answer({ type: 'readable', manifest: MANIFEST });
    w.answer({ type: 'freed' });
    w.answer({ type: 'done', result: { manifest: MANIFEST, source: 'imported', written: 3 } });
    await expect(result).resolves.toEqual({ manifest: MANIFEST, source: 'imported', written: 3 });
    expect(progress).toEqual([PROGRESS]);
    expect(readable).toEqual([MANIFEST]);
    expect(freed).toBe(1);
    expect(w.terminated).toBe(true);
    expect(inPage.calls).toBe(0);
  });

  it('rejects with the CorpusError the worker reported, so messages and retries work as before', async () => {
    const result = loadCorpusInWorker(db, 'm.json');
    worker().answer({ type: 'started' });
    worker().answer({ type: 'error', kind: 'bad-chunk', detail: 'articles-1.json is damaged' });
    const error: unknown = await result.catch((err: unknown) => err);
    expect(error).toBeInstanceOf(CorpusError);
    expect(error).toMatchObject({ kind: 'bad-chunk', detail: 'articles-1.json is damaged' });
    expect(worker().terminated).toBe(true);
  });

  it('a versionchange in the worker is a newer schema: this tab must reload', async () => {
    const result = loadCorpusInWorker(db, 'm.json');
    worker().answer({ type: 'started' });
    worker().answer({ type: 'versionchange' });
    await expect(result).rejects.toMatchObject({ kind: 'newer-schema' });
  });

  it('an abort terminates the worker and rejects as aborted', async () => {
    const abort = new AbortController();
    const result = loadCorpusInWorker(db, 'm.json', { signal: abort.signal });
    worker().answer({ type: 'started' });
    abort.abort();
    await expect(result).rejects.toMatchObject({ kind: 'aborted' });
    expect(worker().terminated).toBe(true);
    // A late answer changes nothing.
    worker().answer({ type: 'done', result: { manifest: MANIFEST, source: 'stored' } });
  });

  it('imports on the page when no worker can be constructed', async () => {
    FakeWorker.refuse = new DOMException('cross-origin', 'SecurityError');
    await expect(loadCorpusInWorker(db, 'm.json')).resolves.toMatchObject({ source: 'stored' });
    expect(inPage.calls).toBe(1);
  });

  it('imports on the page when the worker fails before it started', async () => {
    const result = loadCorpusInWorker(db, 'm.json');
    worker().fail('blocked by CSP');
    await expect(result).resolves.toMatchObject({ source: 'stored' });
    expect(inPage.calls).toBe(1);
    expect(worker().terminated).toBe(true);
  });

  it('a worker that fails after it started is a storage error, not a second import', async () => {
    const result = loadCorpusInWorker(db, 'm.json');
    worker().answer({ type: 'started' });
    worker().fail('out of memory');
    await expect(result).rejects.toMatchObject({ kind: 'storage' });
    expect(inPage.calls).toBe(0);
  });

  it('imports on the page without Worker, or with a custom fetch (which cannot cross)', async () => {
    await loadCorpusInWorker(db, 'm.json', { fetch: globalThis.fetch });
    expect(FakeWorker.last).toBeNull();
    vi.stubGlobal('Worker', undefined);
    await loadCorpusInWorker(db, 'm.json');
    expect(inPage.calls).toBe(2);
  });
});

/** A verified chunk as the builder writes it: its bytes and the manifest entry (with their SHA-256). */
async function builtChunk(file: string, articles: Article[]): Promise<{ ref: ChunkRef; bytes: string }> {
  const bytes = JSON.stringify({ format: 1, articles });
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(bytes));
  const hash = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
  return { ref: { file, hash, count: articles.length }, bytes };
}

/** A fetch that serves the given files under https://example.org/corpus/ and counts its calls. */
function serve(files: Record<string, string>): typeof fetch & { calls: string[] } {
  const calls: string[] = [];
  const fn = (input: RequestInfo | URL): Promise<Response> => {
    const url = String(input);
    calls.push(url);
    const name = url.replace('https://example.org/corpus/', '');
    const body = files[name];
    return Promise.resolve(body === undefined ? new Response('', { status: 404 }) : new Response(body));
  };
  return Object.assign(fn as typeof fetch, { calls });
}

const MANIFEST_URL = 'https://example.org/corpus/manifest.json';

describe('ChunkArticles', () => {
  it('finds the chunk of an ord', () => {
    const manifest = {
      ...MANIFEST,
      chunks: [
        { file: 'a.json', hash: 'c'.repeat(64), count: 2 },
        { file: 'b.json', hash: 'd'.repeat(64), count: 3 },
      ],
    } as Manifest;
    expect(chunkOf(manifest, 0)?.file).toBe('a.json');
    expect(chunkOf(manifest, 1)?.file).toBe('a.json');
    expect(chunkOf(manifest, 2)?.file).toBe('b.json');
    expect(chunkOf(manifest, 4)?.file).toBe('b.json');
    expect(chunkOf(manifest, 5)).toBeUndefined();
  });

  it('reads an article from its verified chunk, fetching each chunk once', async () => {
    const chunk = await builtChunk('articles-1.json', [article('a1', 0), article('a2', 1)]);
    const fetchFn = serve({ 'articles-1.json': chunk.bytes });
    const chunks = new ChunkArticles(fetchFn);
    await expect(chunks.article(MANIFEST_URL, chunk.ref, 'a2')).resolves.toMatchObject({ id: 'a2', ord: 1 });
    await expect(chunks.article(MANIFEST_URL, chunk.ref, 'a1')).resolves.toMatchObject({ id: 'a1' });
    await expect(chunks.article(MANIFEST_URL, chunk.ref, 'nope')).resolves.toBeUndefined();
    expect(fetchFn.calls).toEqual(['https://example.org/corpus/articles-1.json']);
  });

  it('answers undefined for a damaged or missing chunk, and tries it again next time', async () => {
    const chunk = await builtChunk('articles-1.json', [article('a1', 0)]);
    const fetchFn = serve({ 'articles-1.json': chunk.bytes.replace('Body', 'Evil') });
    const chunks = new ChunkArticles(fetchFn);
    await expect(chunks.article(MANIFEST_URL, chunk.ref, 'a1')).resolves.toBeUndefined();
    await expect(chunks.article(MANIFEST_URL, { ...chunk.ref, file: 'gone.json' }, 'a1')).resolves.toBeUndefined();
    await expect(chunks.article(MANIFEST_URL, chunk.ref, 'a1')).resolves.toBeUndefined();
    expect(fetchFn.calls).toHaveLength(3);
  });

  it(`keeps the last ${KEPT_CHUNKS} chunks only`, async () => {
    const built = await Promise.all(
      Array.from({ length: KEPT_CHUNKS + 1 }, (_, i) => builtChunk(`c${i}.json`, [article(`a${i}`, i)])),
    );
    const fetchFn = serve(Object.fromEntries(built.map((c) => [c.ref.file, c.bytes])));
    const chunks = new ChunkArticles(fetchFn);
    for (const [i, c] of built.entries()) await chunks.article(MANIFEST_URL, c.ref, `a${i}`);
    await chunks.article(MANIFEST_URL, built[KEPT_CHUNKS]!.ref, `a${KEPT_CHUNKS}`);
    expect(fetchFn.calls).toHaveLength(KEPT_CHUNKS + 1);
    await chunks.article(MANIFEST_URL, built[0]!.ref, 'a0');
    expect(fetchFn.calls).toHaveLength(KEPT_CHUNKS + 2);
  });
});

describe('UnstoredArticles', () => {
  let pageFetch: ReturnType<typeof serve>;
  beforeEach(async () => {
    vi.stubGlobal('Worker', FakeWorker);
    FakeWorker.last = null;
    FakeWorker.refuse = null;
    const chunk = await builtChunk('articles-1.json', [article('a1', 0), article('a2', 1), article('a3', 2)]);
    pageFetch = serve({ 'articles-1.json': chunk.bytes });
    vi.stubGlobal('fetch', pageFetch);
    vi.spyOn(console, 'info').mockImplementation(() => {});
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  const REF = (): ChunkRef => ({ file: 'articles-1.json', hash: 'b'.repeat(64), count: 3 });

  it('asks a worker of its own for the article: the page fetches and parses no chunk', async () => {
    const unstored = new UnstoredArticles(MANIFEST_URL);
    const first = unstored.read(REF(), 'a2');
    const second = unstored.read(REF(), 'a3');
    const w = worker();
    expect(w.options).toMatchObject({ type: 'module', name: 'folio-read' });
    expect(w.url.pathname).toMatch(/import-worker\.ts$/);
    expect(w.sent).toEqual([
      { type: 'read', request: 1, manifestUrl: MANIFEST_URL, chunk: REF(), id: 'a2' },
      { type: 'read', request: 2, manifestUrl: MANIFEST_URL, chunk: REF(), id: 'a3' },
    ]);
    w.answer({ type: 'started' });
    // Answered out of order, and a malformed answer is ignored.
    w.answer({ type: 'article', request: 2, article: { id: 'a3' } });
    w.answer({ type: 'article', request: 2, article: null });
    w.answer({ type: 'article', request: 1, article: article('a2', 1) });
    await expect(first).resolves.toMatchObject({ id: 'a2' });
    await expect(second).resolves.toBeUndefined();
    expect(pageFetch.calls).toEqual([]);
    expect(FakeWorker.last).toBe(w);
  });

  it('close ends the worker once its reads are answered; a later read starts another', async () => {
    const unstored = new UnstoredArticles(MANIFEST_URL);
    const read = unstored.read(REF(), 'a1');
    const w = worker();
    w.answer({ type: 'started' });
    unstored.close();
    expect(w.terminated).toBe(false);
    w.answer({ type: 'article', request: 1, article: article('a1', 0) });
    await read;
    expect(w.terminated).toBe(true);
    void unstored.read(REF(), 'a1');
    expect(worker()).not.toBe(w);
  });

  it('reads on the page when no worker can be constructed', async () => {
    FakeWorker.refuse = new DOMException('cross-origin', 'SecurityError');
    const chunk = await builtChunk('articles-1.json', [article('a1', 0), article('a2', 1), article('a3', 2)]);
    const unstored = new UnstoredArticles(MANIFEST_URL);
    await expect(unstored.read(chunk.ref, 'a2')).resolves.toMatchObject({ id: 'a2' });
    expect(pageFetch.calls).toEqual(['https://example.org/corpus/articles-1.json']);
  });

  it('reads on the page when the worker fails before it started, this read and the next', async () => {
    const chunk = await builtChunk('articles-1.json', [article('a1', 0), article('a2', 1), article('a3', 2)]);
    const unstored = new UnstoredArticles(MANIFEST_URL);
    const read = unstored.read(chunk.ref, 'a1');
    const w = worker();
    w.fail('blocked by CSP');
    await expect(read).resolves.toMatchObject({ id: 'a1' });
    expect(w.terminated).toBe(true);
    await expect(unstored.read(chunk.ref, 'a3')).resolves.toMatchObject({ id: 'a3' });
    expect(FakeWorker.last).toBe(w);
    expect(pageFetch.calls).toHaveLength(1);
  });

  it('a worker that fails while reading answers undefined, with no read on the page', async () => {
    const unstored = new UnstoredArticles(MANIFEST_URL);
    const read = unstored.read(REF(), 'a1');
    worker().answer({ type: 'started' });
    worker().fail('out of memory');
    await expect(read).resolves.toBeUndefined();
    expect(pageFetch.calls).toEqual([]);
  });

  it("the library reads a search hit's unstored article through the worker", async () => {
    const library = new Library(MANIFEST_URL, 'folio-test');
    library.manifest = {
      ...MANIFEST,
      count: 5,
      chunks: [
        { file: 'articles-0.json', hash: 'c'.repeat(64), count: 2 },
        { file: 'articles-1.json', hash: 'b'.repeat(64), count: 3 },
      ],
    } as Manifest;
    const found = library.articleFromCorpus(3, 'a2');
    const w = worker();
    expect(w.sent).toEqual([
      {
        type: 'read',
        request: 1,
        manifestUrl: MANIFEST_URL,
        chunk: { file: 'articles-1.json', hash: 'b'.repeat(64), count: 3 },
        id: 'a2',
      },
    ]);
    w.answer({ type: 'started' });
    w.answer({ type: 'article', request: 1, article: article('a2', 3) });
    await expect(found).resolves.toMatchObject({ id: 'a2' });
    await expect(library.articleFromCorpus(99, 'x')).resolves.toBeUndefined();
    expect(pageFetch.calls).toEqual([]);
  });
});
