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
import { loadCorpusInWorker } from '../../src/corpus/import-client.ts';
import type { FolioDatabase } from '../../src/storage/db.ts';

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

  it('accepts every well-formed response', () => {
    const responses: unknown[] = [
      { type: 'started' },
      { type: 'progress', progress: PROGRESS },
      { type: 'readable', manifest: MANIFEST },
      { type: 'freed' },
      { type: 'versionchange' },
      { type: 'done', result: { manifest: MANIFEST, source: 'stored' } },
      { type: 'done', result: { manifest: MANIFEST, source: 'imported', written: 3 } },
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
