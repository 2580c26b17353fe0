/**
 * The bench's key for built corpora (bench/lib/cache.ts): it follows what the builder writes, so
 * the same output keeps the key (a query-time change to the search code rebuilds nothing) and a
 * change to the exported index gives a new one.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

type CacheModule = typeof import('../../bench/lib/cache.ts');
type EngineModule = typeof import('../../src/search/engine.ts');

const SOURCES = ['src/demo-corpus/articles.json'];

/** cache.ts (and the builder it runs) loaded afresh, with `engine.ts` changed by `change` if given. */
async function loadCache(change?: (actual: EngineModule) => Partial<EngineModule>): Promise<CacheModule> {
  vi.resetModules();
  vi.doUnmock('../../src/search/engine.ts');
  if (change) {
    vi.doMock('../../src/search/engine.ts', async (importOriginal) => {
      const actual = await importOriginal<EngineModule>();
      return { ...actual, ...change(actual) };
    });
  }
  return import('../../bench/lib/cache.ts');
}

/** The key of a corpus built from the demo corpus, the sample being the demo corpus alone (no cache). */
async function keyWith(cache: CacheModule): Promise<string> {
  return cache.corpusKey(SOURCES, await cache.sampleFingerprint([], { cacheDir: null }));
}

afterEach(() => {
  vi.doUnmock('../../src/search/engine.ts');
  vi.resetModules();
});

describe('bench corpus cache key', () => {
  it('is the same for the same built output', async () => {
    const first = await keyWith(await loadCache());
    const second = await keyWith(await loadCache());
    expect(second).toBe(first);
  });

  it('does not change when only query-time search code changes', async () => {
    const plain = await keyWith(await loadCache());
    const changed = await keyWith(await loadCache(() => ({ search: () => [] })));
    expect(changed).toBe(plain);
  });

  it('changes when the exported index changes', async () => {
    const plain = await keyWith(await loadCache());
    const changed = await keyWith(
      await loadCache((actual) => ({
        // One more entry in the export: a different index, as a tokenizer or format change gives.
        exportIndex: async (engine) => [...(await actual.exportIndex(engine)), ['changed', '1']],
      })),
    );
    expect(changed).not.toBe(plain);
  });

  it('changes with the sources and with the extra part (the scale script)', async () => {
    const cache = await loadCache();
    const fingerprint = 'f'.repeat(16);
    const key = cache.corpusKey(SOURCES, fingerprint);
    expect(cache.corpusKey(['src/demo-corpus/README.md'], fingerprint)).not.toBe(key);
    expect(cache.corpusKey(SOURCES, fingerprint, 'scale')).not.toBe(key);
    expect(cache.corpusKey(SOURCES, 'e'.repeat(16))).not.toBe(key);
  });

  it('is never the key of an entry made before it (other folder prefix and recipe)', async () => {
    const cache = await loadCache();
    const fingerprint = await cache.sampleFingerprint([], { cacheDir: null });
    expect(cache.corpusKey(SOURCES, fingerprint)).not.toBe(cache.legacyCorpusKey(SOURCES));
    expect(cache.KEY_SCHEME).toBe('v2');
  });
});
