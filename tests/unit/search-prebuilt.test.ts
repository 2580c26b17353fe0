import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuild } from '../../src/cli/run-build.ts';
import { splitText } from '../../src/cli/search-index.ts';
import type { Chunk, Manifest } from '../../src/corpus/types.ts';
import { isManifest } from '../../src/corpus/validate.ts';
import {
  addArticles,
  createEngine,
  ENGINE_VERSION,
  importIndex,
  search,
  toSearchDoc,
} from '../../src/search/engine.ts';
import { isExportedIndex } from '../../src/search/protocol.ts';

describe('splitText', () => {
  it('joins back to the same text and never splits a surrogate pair', () => {
    const text = 'a😀b😀😀c'.repeat(50);
    for (const size of [1, 2, 3, 7, 64]) {
      const parts = splitText(text, size);
      expect(parts.join('')).toBe(text);
      for (const part of parts) {
        expect(part.length).toBeLessThanOrEqual(size === 1 ? 2 : size);
        expect(/^[\uDC00-\uDFFF]/.test(part)).toBe(false);
      }
    }
  });
});

describe('the pre-built search index of a built corpus', () => {
  let out = '';
  let manifest: Manifest;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'folio-prebuilt-'));
    const result = await runBuild({
      inputs: ['src/demo-corpus/articles.json'],
      out,
      log: () => {},
      logError: () => {},
    });
    expect(result.ok).toBe(true);
    const data: unknown = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    expect(isManifest(data)).toBe(true);
    manifest = data as Manifest;
  }, 60_000);

  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('is listed in the manifest with the engine version', () => {
    expect(manifest.indexVersion).toBe(ENGINE_VERSION);
    expect(manifest.index?.length).toBeGreaterThan(0);
  });

  it('imports to an index that answers exactly as one built in place', async () => {
    const parts = await Promise.all(manifest.index!.map((ref) => readFile(join(out, ref.file), 'utf8')));
    const data: unknown = JSON.parse(parts.join(''));
    expect(isExportedIndex(data)).toBe(true);
    const imported = importIndex(data as [string, string][]);

    const built = createEngine();
    for (const ref of manifest.chunks) {
      const chunk = JSON.parse(await readFile(join(out, ref.file), 'utf8')) as Chunk;
      addArticles(built, chunk.articles.map(toSearchDoc));
    }
    const queries = ['tidal turbine', 'magnetometr', '传感', '量子传感器', 'coral', 'academy 2024', 'telesc', '港光'];
    for (const query of queries) {
      for (const sort of ['relevance', 'date'] as const) {
        expect(search(imported, query, { sort, limit: 50 })).toEqual(search(built, query, { sort, limit: 50 }));
      }
    }
    expect(search(imported, 'tidal turbine')[0]?.id).toBe('en-2023-07-tidal-turbine-trial');
  });
});
