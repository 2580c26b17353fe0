import { describe, expect, it } from 'vitest';
import type { Article } from '../../src/corpus/types.ts';
import { isRequest, isResponse, isSearchOptions } from '../../src/search/protocol.ts';

const article: Article = {
  id: 'a1',
  title: 'A title',
  date: '2024-01-02',
  category: null,
  lang: 'en',
  html: '<p>Body</p>',
  tags: [],
  images: [],
  translations: {},
  ord: 0,
  prev: null,
  next: null,
};

describe('isRequest', () => {
  it('accepts every well-formed request', () => {
    const requests: unknown[] = [
      { type: 'init', corpusHash: 'abc', total: 10 },
      { type: 'build', articles: [article], last: false },
      { type: 'build', articles: [], last: true },
      { type: 'import', id: 1, corpusHash: 'abc', data: [['folio.meta', '{}']] },
      { type: 'export', id: 2 },
      { type: 'search', id: 3, query: 'x', options: {} },
      {
        type: 'search',
        id: 4,
        query: '北京',
        options: { limit: 10, offset: 0, sort: 'date', filters: { lang: 'zh', from: '2020', to: '2024' } },
      },
      { type: 'cancel', id: 3 },
    ];
    for (const request of requests) expect(isRequest(request), JSON.stringify(request)).toBe(true);
  });

  it('rejects anything else', () => {
    const bad: unknown[] = [
      null,
      'search',
      [],
      { type: 'unknown' },
      { type: 'init', corpusHash: 'abc', total: -1 },
      { type: 'build', articles: [{ ...article, ord: 'x' }], last: true },
      { type: 'build', articles: [{ ...article, html: undefined }], last: true },
      { type: 'build', articles: [article] },
      { type: 'import', id: 1, corpusHash: 'abc', data: [['k']] },
      { type: 'import', id: 1, corpusHash: 'abc', data: { k: 'v' } },
      { type: 'search', id: 1.5, query: 'x', options: {} },
      { type: 'search', id: 1, query: 3, options: {} },
      { type: 'search', id: 1, query: 'x' },
      { type: 'cancel' },
    ];
    for (const request of bad) expect(isRequest(request), JSON.stringify(request)).toBe(false);
  });
});

describe('isSearchOptions', () => {
  it('checks limit, offset, sort and filters', () => {
    expect(isSearchOptions({ limit: 5, sort: 'relevance' })).toBe(true);
    expect(isSearchOptions({ limit: -5 })).toBe(false);
    expect(isSearchOptions({ sort: 'random' })).toBe(false);
    expect(isSearchOptions({ filters: { category: 3 } })).toBe(false);
    expect(isSearchOptions({ filters: [] })).toBe(false);
  });
});

describe('isResponse', () => {
  it('accepts every well-formed response', () => {
    const responses: unknown[] = [
      { type: 'progress', corpusHash: 'abc', indexed: 5, total: 10 },
      { type: 'ready', corpusHash: 'abc', count: 10, source: 'build' },
      {
        type: 'results',
        id: 3,
        query: 'x',
        hits: [{ ord: 0, id: 'a1', score: -1.5, fields: ['title', 'body'], complete: true }],
        total: 1,
        partial: false,
      },
      { type: 'exported', id: 2, corpusHash: 'abc', engineVersion: 1, data: [] },
      { type: 'error', id: null, message: 'boom' },
      { type: 'error', id: 4, message: 'boom' },
    ];
    for (const response of responses) expect(isResponse(response), JSON.stringify(response)).toBe(true);
  });

  it('rejects anything else', () => {
    const bad: unknown[] = [
      undefined,
      { type: 'ready', corpusHash: 'abc', count: 10, source: 'disk' },
      { type: 'results', id: 3, query: 'x', hits: [{ ord: 0, id: 'a1', score: 1, fields: ['summary'] }], total: 1 },
      { type: 'results', id: 3, query: 'x', hits: [], total: 0 },
      { type: 'error', message: 'no id' },
    ];
    for (const response of bad) expect(isResponse(response), JSON.stringify(response)).toBe(false);
  });
});
