import { describe, expect, it } from 'vitest';
import { CorpusError, isQuotaError, parseChunk, planImport, readsFromMemory } from '../../src/corpus/load.ts';
import type { ChunkRef, Manifest } from '../../src/corpus/types.ts';
import type { CorpusState } from '../../src/storage/db.ts';
import { isCorpusState, isStoredArticle } from '../../src/storage/articles.ts';

const URL_A = 'https://example.org/corpus/manifest.json';
const hex = (c: string): string => c.repeat(64);

function manifest(hash: string, chunks: ChunkRef[]): Manifest {
  return {
    format: 1,
    hash,
    title: 'Test',
    languages: ['en'],
    count: chunks.reduce((n, c) => n + c.count, 0),
    dated: 0,
    counts: { lang: {}, category: {} },
    categories: [],
    years: [],
    chunks,
  } as unknown as Manifest;
}

const c1: ChunkRef = { file: 'a.json', hash: hex('1'), count: 10 };
const c2: ChunkRef = { file: 'b.json', hash: hex('2'), count: 10 };
const c3: ChunkRef = { file: 'c.json', hash: hex('3'), count: 5 };
const c3b: ChunkRef = { file: 'c2.json', hash: hex('4'), count: 6 };
const v1 = manifest(hex('a'), [c1, c2, c3]);
const v2 = manifest(hex('b'), [c1, c2, c3b]);

function state(m: Manifest, patch: Partial<CorpusState> = {}): CorpusState {
  return {
    manifestUrl: URL_A,
    hash: m.hash,
    manifest: m,
    complete: true,
    doneChunks: m.chunks.map((c) => c.hash),
    stamps: 'chunk',
    ...patch,
  };
}

describe('planImport', () => {
  it('does nothing when the stored corpus is complete and current', () => {
    expect(planImport(state(v1), v1, URL_A)).toEqual({ mode: 'current' });
  });

  it('imports a first corpus newest chunk first', () => {
    expect(planImport(undefined, v1, URL_A)).toEqual({ mode: 'import', chunks: [c3, c2, c1], done: [] });
  });

  it('resumes an interrupted first import at the next chunk', () => {
    const partial = state(v1, { complete: false, doneChunks: [c3.hash] });
    expect(planImport(partial, v1, URL_A)).toEqual({ mode: 'import', chunks: [c3, c2, c1], done: [c3.hash] });
  });

  it('starts over when the interrupted import was of another corpus or another URL', () => {
    const partial = state(v1, { complete: false, doneChunks: [c3.hash] });
    expect(planImport(partial, v2, URL_A)).toMatchObject({ mode: 'import', done: [] });
    expect(planImport(partial, v1, 'https://other.example/manifest.json')).toMatchObject({ done: [] });
  });

  it('stages only the changed chunks of an update over a complete corpus', () => {
    expect(planImport(state(v1), v2, URL_A)).toEqual({ mode: 'update', chunks: [c3b] });
  });

  it('stages every chunk when the stored records may carry corpus-hash stamps (older builds)', () => {
    const old = state(v1);
    delete old.stamps;
    expect(planImport(old, v2, URL_A)).toEqual({ mode: 'update', chunks: [c1, c2, c3b] });
  });

  it('a forced rewrite stages every chunk; a repair re-reads every chunk of the same corpus', () => {
    expect(planImport(state(v1), v1, URL_A, { force: true })).toEqual({ mode: 'update', chunks: [c1, c2, c3] });
    expect(planImport(state(v1), v1, URL_A, { repair: true })).toEqual({
      mode: 'import',
      chunks: [c3, c2, c1],
      done: [],
    });
    // A repair that finds a newer corpus on the server becomes an ordinary update.
    expect(planImport(state(v1), v2, URL_A, { repair: true })).toEqual({ mode: 'update', chunks: [c3b] });
  });
});

describe('loader guards', () => {
  it('recognises a full disk, also when wrapped', () => {
    const quota = new DOMException('full', 'QuotaExceededError');
    expect(isQuotaError(quota)).toBe(true);
    expect(isQuotaError(new Error('tx aborted', { cause: quota }))).toBe(true);
    expect(isQuotaError(new DOMException('x', 'AbortError'))).toBe(false);
  });

  it('refuses a truncated or mislabelled chunk', () => {
    const bytes = new TextEncoder().encode('{"format":1,"articles":[').buffer;
    expect(() => parseChunk(c1, bytes)).toThrow(CorpusError);
    const empty = new TextEncoder().encode('{"format":1,"articles":[]}').buffer;
    expect(() => parseChunk(c1, empty)).toThrow(/does not hold/);
  });

  it('rejects corrupt stored records and garbage corpus states', () => {
    expect(isStoredArticle({ id: 'x', title: 42, html: null, ord: 'x' })).toBe(false);
    expect(isStoredArticle(null)).toBe(false);
    expect(isCorpusState({ complete: 'yes', hash: 7, manifest: [] })).toBe(false);
    expect(isCorpusState('garbage')).toBe(false);
    expect(isCorpusState(state(v1))).toBe(true);
    expect(isCorpusState({ ...state(v1), stamps: 'corpus' })).toBe(false);
  });
});

describe('readsFromMemory', () => {
  const quota = new CorpusError('quota', 'the device is out of storage space');

  it('reads from memory when storage is full, whether or not the database opened', () => {
    expect(readsFromMemory(quota, true)).toBe(true);
    expect(readsFromMemory(quota, false)).toBe(true);
    expect(readsFromMemory(Object.assign(new Error('full'), { name: 'QuotaExceededError' }), true)).toBe(true);
  });

  it('reads from memory when the database would not open at all', () => {
    expect(readsFromMemory(new CorpusError('storage', 'the browser closed the database'), false)).toBe(true);
    expect(readsFromMemory(Object.assign(new Error('no IndexedDB'), { name: 'InvalidStateError' }), false)).toBe(true);
  });

  it('keeps the error screen for a newer schema (reload), a cancelled load, and faults of an open database', () => {
    expect(readsFromMemory(new CorpusError('newer-schema', 'newer'), false)).toBe(false);
    expect(readsFromMemory(new CorpusError('aborted', 'cancelled'), false)).toBe(false);
    expect(readsFromMemory(new CorpusError('network', 'offline'), true)).toBe(false);
    expect(readsFromMemory(new CorpusError('bad-chunk', 'damaged'), true)).toBe(false);
  });
});
