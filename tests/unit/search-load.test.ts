import { describe, expect, it } from 'vitest';
import { addArticles, compactEngine, createEngine, exportIndex, importIndex, search } from '../../src/search/engine.ts';
import { isRequest, isResponse } from '../../src/search/protocol.ts';

const DOCS = Array.from({ length: 40 }, (_, ord) => ({
  id: `d${ord}`,
  ord,
  title: `Harbour report ${ord % 2 === 0 ? 'wheat' : 'copper'} number ${ord}`,
  text: `Shipments of ${ord % 3 === 0 ? 'coffee' : 'sugar'} rose.\n港口的货物增加了。`,
  date: `2020-01-${String((ord % 28) + 1).padStart(2, '0')}`,
  category: ord % 2 === 0 ? 'grain' : 'metal',
  lang: 'en',
}));

describe('search index loading', () => {
  it('exports no FlexSearch maps: an import answers from postings derived from the forward index', async () => {
    const built = createEngine();
    addArticles(built, DOCS);
    compactEngine(built);
    const exported = await exportIndex(built);
    expect(exported.some(([key]) => key.startsWith('flex.'))).toBe(false);
    const imported = importIndex(exported);
    expect(imported.postingLists).not.toBeNull();
    for (const query of ['wheat', 'coppr', 'harbour 17', 'sug', '港口', '货物增加', 'coffee wheat']) {
      expect(search(imported, query, { limit: 100 }), query).toEqual(search(built, query, { limit: 100 }));
    }
  });

  it('checks load requests and unbuilt answers at the boundary', () => {
    const load = {
      type: 'load',
      corpusHash: 'h',
      dbName: 'folio',
      cacheKey: 'h:search-v2',
      manifestUrl: 'http://localhost/corpus/manifest.json',
      index: [{ file: 'index-1.part', hash: 'ab' }],
    };
    expect(isRequest(load)).toBe(true);
    expect(isRequest({ ...load, index: [{ file: 1 }] })).toBe(false);
    expect(isRequest({ ...load, dbName: undefined })).toBe(false);
    expect(isResponse({ type: 'unbuilt', corpusHash: 'h' })).toBe(true);
    expect(isResponse({ type: 'ready', corpusHash: 'h', count: 1, source: 'prebuilt' })).toBe(true);
  });
});
