import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Article } from '../../src/corpus/types.ts';
import {
  addArticles,
  createEngine,
  ENGINE_VERSION,
  exportIndex,
  firstInOrder,
  htmlToText,
  importIndex,
  indexCacheKey,
  restoreSnapshot,
  search,
  searchWithTotal,
  seek,
  seekingPays,
  snapshotIndex,
  SNAPSHOT_VERSION,
  toSearchDoc,
  type Engine,
  type ExportedIndex,
  type SearchDoc,
  type SearchOptions,
  warmUpQueries,
} from '../../src/search/engine.ts';

const SHARED_CORPUS = process.env.FOLIO_SHARED_CORPUS ?? path.resolve('../shared/corpus');
const EN_NEWS = path.join(SHARED_CORPUS, 'en-news.json');

/** A small corpus written for these tests (English, Chinese and both). */
const DOCS: SearchDoc[] = [
  {
    id: 'en-budget',
    ord: 0,
    title: 'Government unveils spending plan',
    text: 'The government announced a spending plan on Tuesday.\nSchools and hospitals get larger budgets.',
    date: '2023-03-14',
    category: 'politics',
    lang: 'en',
  },
  {
    id: 'en-zebra-title',
    ord: 1,
    title: 'Zebra crossing rules change',
    text: 'New road rules start in May for drivers near schools.',
    date: '2023-05-02',
    category: 'transport',
    lang: 'en',
  },
  {
    id: 'en-zebra-body',
    ord: 2,
    title: 'City zoo welcomes visitors',
    text: 'A young zebra arrived at the zoo, which opens late in May.',
    date: '2023-05-20',
    category: 'local',
    lang: 'en',
  },
  {
    id: 'en-apple-phrase',
    ord: 3,
    title: 'Orchard report',
    text: 'Farmers picked a red apple harvest this autumn, with prices steady across the region.',
    date: '2022-10-01',
    category: 'business',
    lang: 'en',
  },
  {
    id: 'en-apple-apart',
    ord: 4,
    title: 'Market stalls',
    text: 'One stall sold red peppers, another sold apple juice and bread.',
    date: '2022-10-03',
    category: 'business',
    lang: 'en',
  },
  {
    id: 'zh-course',
    ord: 5,
    title: '北京大学开设人工智能课程',
    text: '北京大学今天宣布，秋季学期将开设人工智能入门课程。\n课程由计算机学院负责，面向全校本科生开放。',
    date: '2024-04-08',
    category: '科技',
    lang: 'zh',
  },
  {
    id: 'zh-metro',
    ord: 6,
    title: '上海地铁新线路开通',
    text: '上海地铁十八号线今日正式开通运营，沿线设站十二座。\n不少市民表示出行更加方便。',
    date: '2024-04-20',
    category: '社会',
    lang: 'zh',
  },
  {
    id: 'zh-lake',
    ord: 7,
    title: '杭州西湖迎来游客高峰',
    text: '假期期间，西湖景区接待游客超过八十万人次，北京游客明显增多。',
    date: '2023-04-05',
    category: '旅行',
    lang: 'zh',
  },
  {
    id: 'mixed-phone',
    ord: 8,
    title: '苹果iPhone新品发布会定档九月',
    text: '苹果公司宣布，新款iPhone将于九月发布，售价暂未公布。',
    date: '2024-08-30',
    category: '科技',
    lang: 'zh',
  },
  {
    id: 'en-undated',
    ord: 9,
    title: 'Archive notes on government records',
    text: 'Undated notes from the records office.',
    date: null,
    category: null,
    lang: 'en',
  },
];

/** English articles from [id, title, body] triples, ords in order. */
function english(entries: ReadonlyArray<readonly [string, string, string]>): SearchDoc[] {
  return entries.map(([id, title, text], ord) => ({ id, ord, title, text, date: null, category: null, lang: 'en' }));
}

function build(docs: readonly SearchDoc[] = DOCS, batchSize = docs.length): Engine {
  const engine = createEngine();
  for (let i = 0; i < docs.length; i += batchSize) addArticles(engine, docs.slice(i, i + batchSize));
  return engine;
}

function ids(engine: Engine, query: string, options: SearchOptions = {}): string[] {
  return search(engine, query, { limit: 100, ...options }).map((hit) => hit.id);
}

const HAN_RUN = /\p{Script=Han}+/gu;

/** Every substring of two or more Chinese characters inside one run of `text`. */
function hanSubstrings(text: string, maxLength = Number.POSITIVE_INFINITY): string[] {
  const found: string[] = [];
  for (const [run] of text.matchAll(HAN_RUN)) {
    const chars = [...run];
    for (let i = 0; i < chars.length; i += 1) {
      for (let j = i + 2; j <= Math.min(chars.length, i + maxLength); j += 1) found.push(chars.slice(i, j).join(''));
    }
  }
  return found;
}

describe('Chinese substrings', () => {
  const engine = build();
  const chinese = DOCS.filter((doc) => doc.lang === 'zh');

  it('finds every substring of two or more characters of every title', () => {
    for (const doc of chinese) {
      for (const query of hanSubstrings(doc.title)) expect(ids(engine, query), query).toContain(doc.id);
    }
  });

  it('finds every substring of 2–8 characters of every body paragraph', () => {
    for (const doc of chinese) {
      for (const query of hanSubstrings(doc.text, 8)) expect(ids(engine, query), query).toContain(doc.id);
    }
  });

  it('does not match characters that are only scattered through an article', () => {
    // 北 and 大 both occur in zh-lake (北京游客, 八十万), but never as 北大.
    expect(ids(engine, '北大')).not.toContain('zh-lake');
    expect(ids(engine, '北京')).toEqual(expect.arrayContaining(['zh-course', 'zh-lake']));
  });

  it('finds single characters, mixed Latin and Chinese, and full-width Latin', () => {
    expect(ids(engine, '湖')).toEqual(['zh-lake']);
    expect(ids(engine, 'iPhone发布')).toEqual(['mixed-phone']);
    expect(ids(engine, 'iphone 发布会')).toEqual(['mixed-phone']);
    expect(ids(engine, 'ｉＰｈｏｎｅ')).toEqual(['mixed-phone']);
  });
});

describe('English matching', () => {
  const engine = build();

  it('matches the last word as a prefix while it is typed', () => {
    expect(ids(engine, 'gover')).toContain('en-budget');
    expect(ids(engine, 'spending pl')).toEqual(['en-budget']);
    // A finished word (followed by a space) is no longer a prefix.
    expect(ids(engine, 'gover ')).toEqual([]);
  });

  it('tolerates one typo in a word of four letters or more', () => {
    for (const typo of ['goverment', 'govermnent', 'governmant', 'governmentt', 'GOVERMENT']) {
      expect(ids(engine, typo), typo).toContain('en-budget');
    }
    expect(ids(engine, 'guvernmant')).toEqual([]);
  });

  it('puts articles holding every word first, and falls back to some words when none does', () => {
    expect(ids(engine, 'government spending')).toEqual(['en-budget']);
    expect(ids(engine, 'government unicorn')).toEqual(['en-budget', 'en-undated']);
    expect(searchWithTotal(engine, 'government unicorn').hits.every((hit) => !hit.complete)).toBe(true);
  });

  it('weighs a title match above a body match', () => {
    const hits = search(engine, 'zebra');
    expect(hits.map((hit) => hit.id)).toEqual(['en-zebra-title', 'en-zebra-body']);
    expect(hits[0]?.fields).toEqual(['title']);
    expect(hits[1]?.fields).toEqual(['body']);
  });

  it('ranks the words as a phrase above the same words apart', () => {
    expect(ids(engine, 'red apple')).toEqual(['en-apple-phrase', 'en-apple-apart']);
  });

  it('finds a title from some of its words in order, the shortest such title first', () => {
    const titles = build(
      english([
        ['long', 'Ministers approve plan for new river bridge near old harbour', 'Text about the council.'],
        ['short', 'Ministers back river bridge', 'Text about the council.'],
        ['reversed', 'Bridge over river delights ministers', 'Text about the council.'],
        ['body', 'Council notes', 'Ministers said the river bridge would open soon.'],
      ]),
    );
    expect(ids(titles, 'ministers bridge ')).toEqual(['short', 'long', 'reversed', 'body']);
  });

  it('ranks a word as typed above a word one typo from it, when the typed word is in the index', () => {
    const words = build(
      english([
        ['typo', 'Paloma petroleum net', 'Yearly figures.'],
        ['exact', 'Poco petroleums limited second quarter net', 'Quarterly figures.'],
      ]),
    );
    expect(ids(words, 'petroleums net ')).toEqual(['exact', 'typo']);
  });

  it('keeps long queries working: terms past the 32nd are ignored', () => {
    const words = 'the government announced a spending plan on tuesday schools and hospitals get larger budgets';
    const thirtyOne = Array.from({ length: 31 }, (_, i) => words.split(' ')[i % 14]).join(' ');
    expect(search(engine, thirtyOne)[0]).toMatchObject({ id: 'en-budget', complete: true });
    expect(search(engine, `${thirtyOne} plan unicorn dragon`)[0]).toMatchObject({ id: 'en-budget', complete: true });
  });

  it('returns nothing for an empty query or one made of punctuation', () => {
    expect(ids(engine, '')).toEqual([]);
    expect(ids(engine, ' ,.!? ')).toEqual([]);
  });
});

describe('filters and sorting', () => {
  const engine = build();

  it('filters by language, category and years', () => {
    expect(ids(engine, '北京', { filters: { lang: 'zh' } })).toEqual(expect.arrayContaining(['zh-course', 'zh-lake']));
    expect(ids(engine, 'government', { filters: { lang: 'zh' } })).toEqual([]);
    expect(ids(engine, 'may', { filters: { category: 'local' } })).toEqual(['en-zebra-body']);
    expect(ids(engine, 'government', { filters: { from: '2023', to: '2023' } })).toEqual(['en-budget']);
    // Undated articles are left out as soon as a year range is given.
    expect(ids(engine, 'government', { filters: { to: '2030' } })).toEqual(['en-budget']);
    expect(ids(engine, 'government', { filters: { category: 'nope' } })).toEqual([]);
  });

  it('sorts by date, newest first and undated last', () => {
    expect(ids(engine, 'government', { sort: 'date' })).toEqual(['en-budget', 'en-undated']);
    expect(ids(engine, 'may', { sort: 'date' })).toEqual(['en-zebra-body', 'en-zebra-title']);
  });

  it('pages with limit and offset and reports the total', () => {
    const all = ids(engine, 'the');
    const page = searchWithTotal(engine, 'the', { limit: 1, offset: 1 });
    expect(page.total).toBe(all.length);
    expect(page.hits.map((hit) => hit.id)).toEqual(all.slice(1, 2));
  });
});

describe('building', () => {
  it('gives the same results in batches as in one go, and answers while only part is indexed', () => {
    const whole = build();
    const batched = build(DOCS, 3);
    for (const query of ['government', '北京', 'zebra', 'red apple', 'iphone']) {
      expect(search(batched, query), query).toEqual(search(whole, query));
    }
    const partial = build(DOCS.slice(0, 2));
    expect(ids(partial, 'zebra')).toEqual(['en-zebra-title']);
  });

  it('finds a typo’s neighbours added after an earlier search of the same word (the kept neighbours are dropped)', () => {
    const engine = build(DOCS.slice(0, 2));
    expect(ids(engine, 'zebrra')).toEqual(['en-zebra-title']);
    const zebras = DOCS.find((doc) => doc.id === 'en-zebra-title');
    if (!zebras) throw new Error('no test article');
    addArticles(engine, [{ ...zebras, id: 'en-zebrra-later', ord: 99, title: 'Zebrr crossing', text: 'A zebrr.' }]);
    expect(ids(engine, 'zebrra')).toEqual(expect.arrayContaining(['en-zebra-title', 'en-zebrra-later']));
  });

  it('replaces an article added again under the same ord', () => {
    const engine = build();
    const first = DOCS[0];
    if (!first) throw new Error('no test article');
    addArticles(engine, [{ ...first, title: 'Budget withdrawn', text: 'Nothing else.' }]);
    expect(ids(engine, 'spending')).toEqual([]);
    expect(ids(engine, 'withdrawn')).toEqual(['en-budget']);
  });

  it('strips tags whose quoted attributes hold ">"', () => {
    expect(htmlToText('<p>before <img alt="a > b" title=\'c > d\' src="x.png"> after</p>')).toBe('before  after');
  });

  it('turns built article HTML into plain text', () => {
    const article: Article = {
      id: 'a',
      title: 'T',
      date: null,
      category: null,
      lang: 'en',
      html: '<p>Fish &amp; chips &lt;SRD&gt; caf&#233; &#x4e2d;</p><p>line<br>two&nbsp;end</p>',
      tags: [],
      images: [],
      translations: {},
      ord: 4,
      prev: null,
      next: null,
    };
    expect(toSearchDoc(article)).toEqual({
      id: 'a',
      ord: 4,
      title: 'T',
      text: 'Fish & chips <SRD> café 中\nline\ntwo\u00a0end',
      date: null,
      category: null,
      lang: 'en',
    });
  });
});

/** Queries a user might type against `docs`: words, prefixes, typos, phrases and Chinese substrings. */
function probeQueries(docs: readonly SearchDoc[], perDoc = Number.POSITIVE_INFINITY): string[] {
  const queries = new Set<string>(['', 'the', 'a', 'said the', '中国']);
  for (const doc of docs) {
    const words = `${doc.title} ${doc.text}`.split(/[^\p{L}\p{N}]+/u).filter((w) => /^[A-Za-z]{4,}$/.test(w));
    for (const word of words.slice(0, perDoc)) {
      queries.add(word);
      queries.add(word.slice(0, 3));
      queries.add(`${word.slice(0, 2)}${word.slice(3)}`);
    }
    for (let i = 0; i + 1 < Math.min(words.length, perDoc); i += 2) queries.add(`${words[i]} ${words[i + 1]}`);
    for (const sub of hanSubstrings(doc.title, 4).slice(0, perDoc)) queries.add(sub);
  }
  return [...queries];
}

async function roundTrip(engine: Engine): Promise<Engine> {
  const exported = await exportIndex(engine);
  // As stored (IndexedDB, or a file shipped with the corpus): plain JSON.
  const stored = JSON.parse(JSON.stringify(exported)) as ExportedIndex;
  return importIndex(stored);
}

/** Snapshot and restore, through a structured clone as IndexedDB stores it. */
function viaSnapshot(engine: Engine): Engine {
  return restoreSnapshot(structuredClone(snapshotIndex(engine)));
}

describe('export and import', () => {
  it('answers exactly as the built index, for every probe query and option', async () => {
    const built = build();
    const imported = await roundTrip(built);
    // The cache's snapshot: of a built index (postings derived) and of an imported one (postings adopted).
    const restored = [viaSnapshot(built), viaSnapshot(imported)];
    const optionSets: SearchOptions[] = [
      {},
      { sort: 'date' },
      { filters: { lang: 'zh' } },
      { filters: { category: 'business' } },
      { filters: { from: '2023', to: '2024' }, limit: 3, offset: 1 },
    ];
    for (const query of probeQueries(DOCS)) {
      for (const options of optionSets) {
        const expected = searchWithTotal(built, query, options);
        expect(searchWithTotal(imported, query, options), query).toEqual(expected);
        for (const engine of restored) expect(searchWithTotal(engine, query, options), query).toEqual(expected);
      }
    }
  });

  it('restores a snapshot without deriving anything: no term map, postings and look-ups as stored', () => {
    const snapshot = snapshotIndex(build());
    const restored = restoreSnapshot(snapshot);
    expect(restored.termIds).toBeNull();
    expect(restored.postingLists?.[0]?.ords).toBe(snapshot.titleOrds);
    expect(restored.tokens.data).toBe(snapshot.tokens);
    expect(restored.sortedIds).toBe(snapshot.sortedIds);
    expect(search(restored, 'goverment spend').map((hit) => hit.id)).toEqual(['en-budget']);
    expect(restored.termIds).toBeNull();
  });

  it('keeps indexing after a restore, as the built index does', () => {
    const built = build(DOCS.slice(0, 5));
    const restored = viaSnapshot(built);
    addArticles(restored, DOCS.slice(5));
    addArticles(built, DOCS.slice(5));
    for (const query of ['北京', 'government', 'zebra', 'gov', 'zebr crossing']) {
      expect(searchWithTotal(restored, query), query).toEqual(searchWithTotal(built, query));
    }
  });

  it('rejects a damaged snapshot, one of another version, and an old cached ExportedIndex', async () => {
    const snapshot = snapshotIndex(build());
    const damaged = (change: Record<string, unknown>): unknown => ({ ...structuredClone(snapshot), ...change });
    const cases: Array<[string, unknown]> = [
      ['nothing', undefined],
      ['an ExportedIndex', await exportIndex(build())],
      ['another snapshot version', damaged({ snapshotVersion: SNAPSHOT_VERSION + 1 })],
      ['another engine version', damaged({ engineVersion: ENGINE_VERSION + 1 })],
      ['a missing array', damaged({ tokens: undefined })],
      ['plain numbers for a typed array', damaged({ tokens: [...snapshot.tokens] })],
      ['a short per-article array', damaged({ bodyLength: snapshot.bodyLength.slice(1) })],
      ['a span past the tokens', damaged({ tokens: snapshot.tokens.slice(0, 3) })],
      ['a short vocabulary', damaged({ vocabulary: snapshot.vocabulary.split('\n').slice(1).join('\n') })],
      ['an id that is no string', damaged({ ids: snapshot.ids.map((id, ord) => (ord === 2 ? 7 : id)) })],
      ['postings of another length', damaged({ bodyOrds: snapshot.bodyOrds.slice(1) })],
      ['falling offsets', damaged({ titleOffsets: snapshot.titleOffsets.map((n, t) => (t === 1 ? n + 1e6 : n)) })],
      ['a wrong typo bucket', damaged({ typoSignatures: new Uint32Array(snapshot.typoSignatures.length) })],
      ['a bad count', damaged({ docCount: -1 })],
    ];
    for (const [what, value] of cases) expect(() => restoreSnapshot(value), what).toThrow(/snapshot/);
    expect(() => restoreSnapshot(structuredClone(snapshot))).not.toThrow();
  });

  it('accepts the export as an object of keys too, and can keep indexing afterwards', async () => {
    const built = build(DOCS.slice(0, 5));
    const imported = importIndex(Object.fromEntries(await exportIndex(built)));
    addArticles(imported, DOCS.slice(5));
    addArticles(built, DOCS.slice(5));
    for (const query of ['北京', 'government', 'zebra']) expect(search(imported, query)).toEqual(search(built, query));
  });

  it('refuses an index made by another engine version, or a damaged one', async () => {
    const exported = await exportIndex(build());
    const withMeta = (meta: string): ExportedIndex =>
      exported.map(([key, value]) => [key, key === 'folio.meta' ? meta : value]);
    const meta = JSON.parse(exported.find(([key]) => key === 'folio.meta')?.[1] ?? '{}') as Record<string, unknown>;
    expect(() => importIndex(withMeta(JSON.stringify({ ...meta, version: ENGINE_VERSION + 1 })))).toThrow(/version/);
    expect(() => importIndex(exported.filter(([key]) => key !== 'folio.meta'))).toThrow(/metadata/);
    expect(() => importIndex(exported.filter(([key]) => key !== 'folio.vocabulary'))).toThrow(/vocabulary/);
    expect(indexCacheKey('abc')).toBe(`abc:search-v${ENGINE_VERSION}`);
  });

  it('scores from posting counts exactly as by scanning, a term past 255 occurrences in one article included', async () => {
    // An imported index takes a body's counts from its postings (one byte each, saturating) and
    // finds phrases from their rarest word; the built one scans every term.
    const buffalo = Array.from({ length: 300 }, (_, i) => (i % 7 === 0 ? 'buffalo bill' : 'buffalo')).join(' ');
    const docs: SearchDoc[] = [
      ...DOCS,
      ...english([
        ['en-buffalo', 'Buffalo buffalo', `${buffalo}\nBill rides again.`],
        ['en-bill', 'The bill', 'The bill passed. Bill said the bill was a buffalo bill.'],
      ]).map((doc, i) => ({ ...doc, ord: DOCS.length + i })),
    ];
    const built = build(docs);
    const imported = await roundTrip(built);
    const restored = viaSnapshot(imported);
    const queries = [
      'buffalo',
      'buffalo bill',
      'bill buffalo',
      'buffalo buffalo bill',
      'the bill',
      'bil',
      'buffal',
      'bufalo bill',
    ];
    for (const query of [...queries, ...probeQueries(docs)]) {
      for (const options of [{}, { sort: 'date' as const }, { limit: 2, offset: 1 }]) {
        const expected = searchWithTotal(built, query, options);
        expect(searchWithTotal(imported, query, options), query).toEqual(expected);
        expect(searchWithTotal(restored, query, options), query).toEqual(expected);
      }
    }
    expect(search(imported, 'buffalo bill')[0]?.id).toBe('en-buffalo');
  });

  it('answers from the intersection of the postings as from every match: partial matches when no article has every word', async () => {
    // An imported index marks only the articles of the word with the fewest postings and counts the
    // others' (searchWithTotal's intersect); with no complete match left, it plans again in full.
    const built = build();
    const imported = await roundTrip(built);
    const cases: [string, SearchOptions][] = [
      ['government unicorn', {}],
      ['unicorn government', { sort: 'date' }],
      ['government spending', { filters: { category: 'transport' } }],
      ['government spending', { filters: { category: 'politics' } }],
      ['zebra may road', {}],
      ['zebra may road', { filters: { from: '2024' } }],
      ['the zoo zebra', { limit: 1, offset: 1 }],
    ];
    for (const [query, options] of cases) {
      const expected = searchWithTotal(built, query, options);
      expect(searchWithTotal(imported, query, options), query).toEqual(expected);
      expect(searchWithTotal(viaSnapshot(imported), query, options), query).toEqual(expected);
    }
    const fallback = searchWithTotal(imported, 'government unicorn');
    expect(fallback.hits.length).toBeGreaterThan(0);
    expect(fallback.hits.every((hit) => !hit.complete)).toBe(true);
    const filtered = searchWithTotal(imported, 'government spending', { filters: { category: 'transport' } });
    expect(filtered.hits.map((hit) => hit.complete)).not.toContain(true);
    // Typed again right after, the plan's scratch was cleared: the complete match is back.
    expect(searchWithTotal(imported, 'government spending').hits[0]).toMatchObject({ id: 'en-budget', complete: true });
  });

  it('seeks in an ascending list as a plain search would, from any start', () => {
    let seed = 11;
    const random = (below: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor((seed / 2147483648) * below);
    };
    for (const n of [0, 1, 2, 3, 17, 1000]) {
      const list = Uint32Array.from(new Set(Array.from({ length: n }, () => random(3 * n + 2)))).sort();
      for (let probe = 0; probe < 60; probe += 1) {
        const ord = random(3 * n + 4);
        const from = random(list.length + 2);
        let expected = from;
        while (expected < list.length && (list[expected] ?? 0) < ord) expected += 1;
        expect(seek(list, from, ord), `n ${n}, from ${from}, ord ${ord}`).toBe(expected);
      }
    }
  });

  it('answers from looked-up postings (a rare word beside common ones) exactly as the built index', async () => {
    // 600 articles: "common" in nearly all, "often" in a third, "seldom" in thirteen (seven of them
    // with "common", six without, each beside an article with it), "single" in one. An imported
    // index marks the rare word's articles, then looks each up in the common words' long lists
    // (seek) instead of reading them through; the built one takes FlexSearch's answers.
    const docs: SearchDoc[] = Array.from({ length: 600 }, (_, ord) => {
      const lacking = ord % 11 === 0 || ord % 97 === 50;
      const words = [lacking ? 'other' : 'common', 'filler', `w${ord % 13}`];
      if (ord % 3 === 0) words.push('often');
      if (ord % 97 === 5) words.push('seldom', 'common', 'often');
      if (ord % 97 === 50) words.push('seldom');
      if (ord === 293) words.push('single often common');
      // Titles never hold the common words, so the bodies' lists alone say which article has them.
      const title = ord % 97 === 5 || ord % 97 === 50 ? 'Seldom notice' : `Title ${ord % 7}`;
      return {
        id: `d${ord}`,
        ord,
        title,
        text: `${words.join(' ')}.\nAnd ${words.reverse().join(' ')} again.`,
        date: `2020-01-${String((ord % 28) + 1).padStart(2, '0')}`,
        category: ord % 2 === 0 ? 'even' : 'odd',
        lang: 'en',
      };
    });
    const built = build(docs, 100);
    const imported = await roundTrip(built);
    const restored = viaSnapshot(imported);
    // The look-up path is the one taken: thirteen articles against lists of hundreds.
    expect(seekingPays(13, 500)).toBe(true);
    expect(seekingPays(200, 500)).toBe(false);
    const queries = [
      'seldom common',
      'common seldom',
      'seldom often common',
      'often common seldom',
      'single common',
      'common often single',
      'seldom common often filler',
      'often seldo',
      'common sel',
      'seldom other',
      'seldom absent',
    ];
    const options: SearchOptions[] = [
      {},
      { sort: 'date' },
      { limit: 2, offset: 1 },
      { filters: { category: 'even' } },
      { filters: { category: 'odd' } },
    ];
    for (const query of queries) {
      for (const option of options) {
        const expected = searchWithTotal(built, query, option);
        expect(searchWithTotal(imported, query, option), `${query} ${JSON.stringify(option)}`).toEqual(expected);
        expect(searchWithTotal(restored, query, option), `${query} ${JSON.stringify(option)}`).toEqual(expected);
      }
    }
    expect(searchWithTotal(imported, 'seldom common')).toMatchObject({ total: 7 });
    expect(searchWithTotal(imported, 'single often common').hits.map((hit) => hit.id)).toEqual(['d293']);
  });

  it('ends its warm-up with searches of more and more common words, rarer bands first', async () => {
    // 3,000 articles; four bands of 24 words each, in 5, 20, 60 and 200 articles (the warm-up's bands
    // are docCount / 1000–300, / 300–100, / 100–30 and / 30–10 occurrences: 3–10, 10–30, 30–100, 100–300).
    const bands = [
      ['rare', 5],
      ['some', 20],
      ['many', 60],
      ['most', 200],
    ] as const;
    const name = (k: number): string => String.fromCharCode(97 + (k % 26), 97 + Math.floor(k / 26));
    const docs: SearchDoc[] = Array.from({ length: 3000 }, (_, ord) => {
      const words = ['filler'];
      for (const [band, count] of bands) {
        const period = 3000 / count;
        for (let k = 0; k < 24; k += 1) if (ord % period === k % period) words.push(`${band}${name(k)}`);
      }
      return {
        id: `d${ord}`,
        ord,
        title: `Item ${ord}`,
        text: words.join(' '),
        date: null,
        category: null,
        lang: 'en',
      };
    });
    const built = build(docs, 500);
    const engine = await roundTrip(built);
    const warm = warmUpQueries(engine);
    const training = warm.slice(-32);
    // A built index (no postings of its own yet) gets the coverage searches only.
    expect(warmUpQueries(built).map(({ query }) => query)).toEqual(warm.slice(0, -32).map(({ query }) => query));
    // Eight searches per band, in band order: each of two or three words of that band (the last cut to a prefix).
    training.forEach(({ query }, i) => {
      const band = bands[Math.floor(i / 8)]?.[0] ?? '';
      const words = query.split(' ');
      expect(words.length, query).toBeGreaterThanOrEqual(2);
      expect(words.length, query).toBeLessThanOrEqual(3);
      for (const word of words) expect(word.startsWith(band.slice(0, 3)), `${query} in band ${band}`).toBe(true);
    });
    expect(training.some(({ query }) => /^\S+ \S{3}$/.test(query))).toBe(true);
    // More matches band after band: that is what lets V8 optimize the engine's loops before a reader searches.
    const matches = training.map(({ query, options }) => searchWithTotal(engine, query, options).total);
    const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
    const perBand = [0, 1, 2, 3].map((b) => median(matches.slice(b * 8, b * 8 + 8)));
    for (let b = 1; b < 4; b += 1)
      expect(perBand[b], `band ${b}: ${perBand.join(', ')}`).toBeGreaterThan(perBand[b - 1] ?? 0);
  });

  it('picks the first k in order as a full sort would, ties included', () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const byValue = (a: { v: number; i: number }, b: { v: number; i: number }) => b.v - a.v || a.i - b.i;
    for (const n of [0, 1, 5, 50, 500]) {
      const items = Array.from({ length: n }, (_, i) => ({ v: Math.floor(random() * 10), i }));
      for (const k of [0, 1, 3, 20, 64, 65, 1000]) {
        expect(firstInOrder(items, k, byValue)).toEqual([...items].sort(byValue).slice(0, k));
      }
    }
  });

  describe.skipIf(!existsSync(EN_NEWS))('on en-news (needs ../shared/corpus or FOLIO_SHARED_CORPUS)', () => {
    it('answers exactly as the built index', { timeout: 60_000 }, async () => {
      const raw = JSON.parse(readFileSync(EN_NEWS, 'utf8')) as {
        articles: Array<{ id: string; title: string; category: string | null; body: string[] }>;
      };
      const docs: SearchDoc[] = raw.articles.map((article, ord) => ({
        id: article.id,
        ord,
        title: article.title,
        text: article.body.join('\n'),
        date: null,
        category: article.category,
        lang: 'en',
      }));
      const built = build(docs, 500);
      const imported = await roundTrip(built);
      const restored = viaSnapshot(imported);
      const everyFortieth = docs.filter((_, i) => i % 40 === 0);
      // Three-word phrases as written, stopwords kept (the slowest kind to score): first of each paragraph.
      const phrases = everyFortieth.flatMap((doc) =>
        doc.text.split('\n').flatMap((line) => {
          const words = line.split(/\s+/).filter(Boolean);
          return words.length >= 3 ? [words.slice(0, 3).join(' ')] : [];
        }),
      );
      const queries = [...probeQueries(everyFortieth, 8), ...phrases];
      expect(queries.length).toBeGreaterThan(500);
      for (const query of queries) {
        const expected = searchWithTotal(built, query, { limit: 20 });
        expect(searchWithTotal(imported, query, { limit: 20 }), query).toEqual(expected);
        expect(searchWithTotal(restored, query, { limit: 20 }), query).toEqual(expected);
      }

      // The worker's warm-up (src/search/worker.ts): words of the index itself, every path, no answer changed.
      const fresh = viaSnapshot(imported);
      const warm = warmUpQueries(fresh);
      const texts = warm.map((w) => w.query);
      const words = texts.filter((q) => /^\p{L}+$/u.test(q));
      expect(
        words.some((q) => q.length === 3),
        'a prefix',
      ).toBe(true);
      expect(
        words.some((q) => q.length > 3),
        'a word',
      ).toBe(true);
      expect(
        texts.some((q) => q.split(' ').length === 2),
        'two words',
      ).toBe(true);
      expect(
        warm.some((w) => w.query.split(' ').length === 3 && w.options.sort === 'date'),
        'three words by date',
      ).toBe(true);
      expect(
        warm.some((w) => w.options.filters?.category !== undefined),
        'a filter',
      ).toBe(true);
      for (const { query, options } of warm) {
        expect(searchWithTotal(fresh, query, options).total, query).toBeGreaterThan(0);
      }
      for (const query of queries.slice(0, 200)) {
        expect(searchWithTotal(fresh, query, { limit: 20 }), query).toEqual(
          searchWithTotal(built, query, { limit: 20 }),
        );
      }
    });
  });
});
