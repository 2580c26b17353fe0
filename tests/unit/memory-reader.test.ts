import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCorpus, type BuildResult } from '../../src/corpus/build.ts';
import { loadIntoMemory } from '../../src/corpus/load-memory.ts';
import type { Article, Chunk, Manifest } from '../../src/corpus/types.ts';
import { isChunk } from '../../src/corpus/validate.ts';
import { segmentsFor, type ListQuery } from '../../src/storage/articles.ts';
import { toStored, type StoredArticle } from '../../src/storage/db.ts';
import { MemoryReader } from '../../src/storage/memory-reader.ts';

const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const MANIFEST_URL = 'https://folio.test/corpus/manifest.json';

/**
 * A corpus with what makes list order subtle: several years and months, categories (and none),
 * undated articles, same-day articles ordered by id, and chunks small enough to be many.
 */
function corpus(): BuildResult {
  const articles: Record<string, unknown>[] = [];
  const categories = ['News', 'Sport', null, 'Arts'];
  for (let i = 0; i < 90; i += 1) {
    const year = 2019 + (i % 4);
    const month = 1 + ((i * 5) % 12);
    const day = 1 + (i % 3);
    const date = i % 11 === 0 ? null : `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    articles.push({
      id: `a${String((i * 37) % 90).padStart(3, '0')}`,
      title: `Article ${i}`,
      date,
      category: categories[i % categories.length],
      lang: i % 5 === 0 ? 'zh' : 'en',
      body: [`Body ${i} ${'text '.repeat(40)}`],
    });
  }
  const result = buildCorpus([{ file: 'a.json', articles }], {
    title: 'Memory test',
    skipInvalid: false,
    sanitizeHtml: (html) => html,
    sha256Hex,
    maxChunkBytes: 4000,
  });
  if (!result.manifest) throw new Error(`build failed: ${JSON.stringify(result.errors)}`);
  return result;
}

function chunksOf(
  result: BuildResult,
  manifest: Manifest,
): { ref: Manifest['chunks'][number]; chunk: Chunk; articles: Article[] }[] {
  return manifest.chunks.map((ref) => {
    const chunk: unknown = JSON.parse(result.files.get(ref.file) ?? '');
    if (!isChunk(chunk)) throw new Error(`${ref.file} is not a chunk`);
    return { ref, chunk, articles: chunk.articles };
  });
}

// IndexedDB's key order (numbers before strings before arrays; arrays item by item), for a reference.
type Key = number | string | Key[];
function compareKeys(a: Key, b: Key): number {
  const rank = (k: Key): number => (typeof k === 'number' ? 0 : typeof k === 'string' ? 1 : 2);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
      const c = compareKeys(a[i]!, b[i]!);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

interface FakeRange {
  lower: Key;
  upper: Key;
  lowerOpen: boolean;
  upperOpen: boolean;
}

/**
 * What IndexedDB's ListSource reads for a list: each of segmentsFor's index ranges walked in its
 * direction over the stored records. The memory reader must give the very same order.
 */
function indexedDbOrder(stored: StoredArticle[], manifest: Manifest, query: ListQuery): string[] {
  const keyOf = (a: StoredArticle, index: string): Key =>
    index === 'by-cat' ? [a.cat, a.ord] : index === 'by-ym' ? [a.ym, a.ord] : a.ord;
  return segmentsFor(manifest, query).flatMap((segment) => {
    const range = segment.range as unknown as FakeRange;
    const inRange = stored
      .map((a) => ({ a, key: keyOf(a, segment.index) }))
      .filter(({ key }) => {
        const lo = compareKeys(key, range.lower);
        const hi = compareKeys(key, range.upper);
        return (range.lowerOpen ? lo > 0 : lo >= 0) && (range.upperOpen ? hi < 0 : hi <= 0);
      })
      .sort((x, y) => compareKeys(x.key, y.key));
    if (segment.direction === 'prev') inRange.reverse();
    return inRange.map(({ a }) => a.id);
  });
}

let savedKeyRange: unknown;
beforeAll(() => {
  // Node has no IndexedDB: segmentsFor only needs IDBKeyRange.bound to describe its ranges.
  savedKeyRange = (globalThis as { IDBKeyRange?: unknown }).IDBKeyRange;
  (globalThis as { IDBKeyRange?: unknown }).IDBKeyRange = {
    bound: (lower: Key, upper: Key, lowerOpen = false, upperOpen = false): FakeRange => ({
      lower,
      upper,
      lowerOpen,
      upperOpen,
    }),
  };
});
afterAll(() => {
  (globalThis as { IDBKeyRange?: unknown }).IDBKeyRange = savedKeyRange;
});

const result = corpus();
const manifest = result.manifest!;
const chunks = chunksOf(result, manifest);
const all = chunks.flatMap((c) => c.articles);

function fullReader(): MemoryReader {
  const reader = new MemoryReader();
  for (const { ref, chunk } of chunks) reader.add(chunk, ref);
  return reader;
}

function queries(): ListQuery[] {
  const list: ListQuery[] = [{ kind: 'latest' }, { kind: 'category', category: '' }];
  for (const category of manifest.categories) list.push({ kind: 'category', category });
  for (const year of manifest.years) {
    list.push({ kind: 'archive', year });
    for (let month = 1; month <= 12; month += 1) list.push({ kind: 'archive', year, month });
  }
  list.push({ kind: 'archive', year: 1990 }, { kind: 'category', category: 'Nothing' });
  return list;
}

async function readAll(reader: MemoryReader, query: ListQuery, pageSize: number): Promise<string[]> {
  const source = reader.listSource(manifest, query);
  const total = await source.refresh();
  const ids: string[] = [];
  for (let offset = 0; offset < total; offset += pageSize) {
    for (const row of await source.read(offset, pageSize)) ids.push(row?.id ?? '(null)');
  }
  return ids;
}

describe('MemoryReader', () => {
  it('is built on a corpus with many chunks, dated and undated articles', () => {
    expect(manifest.chunks.length).toBeGreaterThan(4);
    expect(manifest.dated).toBeGreaterThan(0);
    expect(manifest.dated).toBeLessThan(manifest.count);
  });

  it('lists latest, every category and every archive period in the order IndexedDB reads them', async () => {
    const reader = fullReader();
    const stored = all.map((a) => toStored(a, 'x'));
    for (const query of queries()) {
      const expected = indexedDbOrder(stored, manifest, query);
      expect(await readAll(reader, query, 7), JSON.stringify(query)).toEqual(expected);
    }
  });

  it('lists newest first: dated by date descending, then undated in corpus order', async () => {
    const ids = await readAll(fullReader(), { kind: 'latest' }, 1000);
    const byId = new Map(all.map((a) => [a.id, a]));
    const rows = ids.map((id) => byId.get(id)!);
    const dated = rows.filter((a) => a.date !== null);
    const undated = rows.filter((a) => a.date === null);
    expect(rows.slice(0, dated.length)).toEqual(dated);
    expect(dated.map((a) => a.ord)).toEqual([...dated.map((a) => a.ord)].sort((x, y) => y - x));
    expect(undated.map((a) => a.ord)).toEqual([...undated.map((a) => a.ord)].sort((x, y) => x - y));
    expect(ids).toHaveLength(manifest.count);
  });

  it('reads any page, across the dated and undated segments, as a slice of the whole list', async () => {
    const reader = fullReader();
    const whole = await readAll(reader, { kind: 'latest' }, 1000);
    const source = reader.listSource(manifest, { kind: 'latest' });
    expect(await source.refresh()).toBe(manifest.count);
    expect(source.total).toBe(manifest.count);
    for (const [offset, limit] of [
      [0, 30],
      [manifest.dated - 3, 6],
      [manifest.dated, 2],
      [manifest.count - 5, 30],
      [manifest.count, 10],
      [-4, 3],
    ] as const) {
      const page = (await source.read(offset, limit)).map((r) => r?.id);
      expect(page, `${offset}+${limit}`).toEqual(whole.slice(Math.max(0, offset), Math.max(0, offset) + limit));
    }
  });

  it('gives summaries, never bodies, in lists', async () => {
    const source = fullReader().listSource(manifest, { kind: 'latest' });
    await source.refresh();
    const [row] = await source.read(0, 1);
    expect(row).toBeDefined();
    expect(row).not.toHaveProperty('html');
  });

  it('counts each month of a year as the archive shows it', async () => {
    const reader = fullReader();
    for (const year of [...manifest.years, 1990]) {
      const expected = Array.from(
        { length: 12 },
        (_, m) => all.filter((a) => a.date?.startsWith(`${year}-${String(m + 1).padStart(2, '0')}`)).length,
      );
      expect(await reader.monthCounts(year)).toEqual(expected);
    }
  });

  it('knows each article: found and sound, or missing', async () => {
    const reader = fullReader();
    const first = all[0]!;
    expect(await reader.health(first.id)).toBe('ok');
    expect(await reader.getArticle(first.id)).toMatchObject({ id: first.id, html: first.html, ord: first.ord });
    expect(await reader.health('no-such-id')).toBe('missing');
    expect(await reader.getArticle('no-such-id')).toBeUndefined();
    // A page of search results at once: in the order asked, a gap where an id is unknown.
    const [a, gap, b] = await reader.getArticles([all[2]!.id, 'no-such-id', first.id]);
    expect([a?.id, gap, b?.id]).toEqual([all[2]!.id, undefined, first.id]);
    expect(await reader.getArticles([])).toEqual([]);
  });

  it('lists only what has arrived while chunks come in newest first, and grows on refresh', async () => {
    const reader = new MemoryReader();
    const source = reader.listSource(manifest, { kind: 'latest' });
    expect(await source.refresh()).toBe(0);
    const newest = chunks.at(-1)!;
    reader.add(newest.chunk, newest.ref);
    reader.add(newest.chunk, newest.ref);
    expect(source.total).toBe(0);
    expect(await source.refresh()).toBe(newest.ref.count);
    const stored = newest.articles.map((a) => toStored(a, newest.ref.hash));
    expect((await source.read(0, 100)).map((r) => r?.id)).toEqual(indexedDbOrder(stored, manifest, { kind: 'latest' }));
    expect(await reader.health(all[0]!.id)).toBe('missing');
  });

  it('gives every article in corpus order for a search build', async () => {
    const batches: Article[][] = [];
    for await (const batch of fullReader().articlesInOrder(manifest.count, 16)) batches.push(batch);
    expect(batches.every((b) => b.length <= 16)).toBe(true);
    expect(batches.flat().map((a) => a.ord)).toEqual(all.map((_, i) => i));
  });
});

describe('loadIntoMemory', () => {
  function server(fail?: string): { fetch: typeof fetch; requests: string[] } {
    const requests: string[] = [];
    const files = new Map([...result.files].map(([file, text]) => [new URL(file, MANIFEST_URL).href, text]));
    const fetchFn = (input: RequestInfo | URL): Promise<Response> => {
      const url = String(input);
      requests.push(url.slice(url.lastIndexOf('/') + 1));
      const text = files.get(url);
      if (text === undefined) return Promise.resolve(new Response('missing', { status: 404 }));
      return Promise.resolve(new Response(fail && url.endsWith(fail) ? `${text} ` : text));
    };
    return { fetch: fetchFn as typeof fetch, requests };
  }

  it('fetches and verifies every chunk, newest first, readable after each', async () => {
    const { fetch, requests } = server();
    const seen: number[] = [];
    const { manifest: loaded, reader } = await loadIntoMemory(MANIFEST_URL, null, {
      fetch,
      onReadable: (m, r) => {
        expect(m.hash).toBe(manifest.hash);
        seen.push(r.chunkCount);
      },
    });
    expect(loaded.hash).toBe(manifest.hash);
    expect(requests).toEqual(['manifest.json', ...manifest.chunks.map((c) => c.file).reverse()]);
    expect(seen).toEqual(manifest.chunks.map((_, i) => i + 1));
    expect(await reader.listSource(manifest, { kind: 'latest' }).refresh()).toBe(manifest.count);
  });

  it('refuses a damaged chunk', async () => {
    const { fetch } = server(manifest.chunks[0]!.file);
    await expect(loadIntoMemory(MANIFEST_URL, null, { fetch })).rejects.toMatchObject({ kind: 'bad-chunk' });
  });

  it('reuses what an earlier attempt on the same corpus holds: a retry fetches no chunk again', async () => {
    const first = await loadIntoMemory(MANIFEST_URL, null, { fetch: server().fetch });
    const { fetch, requests } = server();
    const again = await loadIntoMemory(MANIFEST_URL, first.reader, { fetch });
    expect(again.reader).toBe(first.reader);
    expect(requests).toEqual(['manifest.json']);
  });
});
