import type { Article } from '../../src/corpus/types.ts';

/** An article for a unit test: the fields given, and empty or null ones for the rest. */
export function testArticle(fields: Pick<Article, 'id' | 'ord' | 'title'> & Partial<Article>): Article {
  return {
    date: null,
    category: null,
    lang: 'en',
    html: '<p></p>',
    tags: [],
    images: [],
    translations: {},
    prev: null,
    next: null,
    ...fields,
  };
}
