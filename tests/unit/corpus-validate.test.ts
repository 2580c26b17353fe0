import { describe, expect, it } from 'vitest';
import {
  canonicalLang,
  formatIssue,
  isChunk,
  isManifest,
  MAX_TEXT_CHARS,
  stripControlChars,
  validateArticle,
  validateInputs,
  type CorpusIssue,
} from '../../src/corpus/validate.ts';
import type { Article, Chunk, Manifest } from '../../src/corpus/types.ts';

const at = { file: 'news.json', index: 4 };

function article(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'tide-1',
    title: 'Tidal turbine passes its first winter',
    date: '2024-03-01',
    category: 'Research',
    body: ['The turbine kept turning through every storm.'],
    ...overrides,
  };
}

function errorsOf(value: unknown): CorpusIssue[] {
  const checked = validateArticle(value, at);
  return checked.ok ? [] : checked.errors;
}

function onlyError(value: unknown): CorpusIssue {
  const errors = errorsOf(value);
  expect(errors).toHaveLength(1);
  const [error] = errors;
  if (!error) throw new Error('no error');
  return error;
}

describe('validateArticle', () => {
  it('accepts a complete article and returns it cleaned', () => {
    const checked = validateArticle(
      article({
        title: '  Spaced title  ',
        summary: 'Short.',
        tags: ['energy', ' energy ', ''],
        lang: 'zh-cn',
        images: [{ src: 'images/turbine.svg', alt: 'A turbine', caption: 'In the strait' }],
        url: 'https://example.org/tide-1',
        translations: { zh: 'tide-1-zh' },
      }),
      at,
    );
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.article.input).toMatchObject({
      id: 'tide-1',
      title: 'Spaced title',
      tags: ['energy'],
      lang: 'zh-CN',
      translations: { zh: 'tide-1-zh' },
    });
    expect(checked.article.date).toBe('2024-03-01');
    expect(checked.warnings).toEqual([]);
  });

  it('names file, index, id and field, with "expected …, got …"', () => {
    const error = onlyError(article({ title: 42 }));
    expect(error).toEqual({
      file: 'news.json',
      index: 4,
      id: 'tide-1',
      field: 'title',
      message: 'expected a non-empty string, got a number (42)',
    });
    expect(formatIssue(error)).toBe(
      'news.json articles[4] (id "tide-1") title: expected a non-empty string, got a number (42)',
    );
  });

  it('reports a missing, non-string or empty id', () => {
    const missing = onlyError(article({ id: undefined }));
    expect(missing).toMatchObject({ field: 'id', message: 'expected a string, got nothing' });
    expect(missing.id).toBeUndefined();
    expect(onlyError(article({ id: 7 }))).toMatchObject({
      field: 'id',
      message: 'expected a string, got a number (7)',
    });
    expect(onlyError(article({ id: '  ' }))).toMatchObject({
      field: 'id',
      message: expect.stringContaining('non-empty'),
    });
  });

  it('reports a missing or empty title', () => {
    expect(onlyError(article({ title: undefined }))).toMatchObject({ field: 'title', id: 'tide-1' });
    expect(onlyError(article({ title: '   ' }))).toMatchObject({ field: 'title' });
    // Nothing but control characters is as empty as nothing.
    expect(onlyError(article({ title: '\u0007\u0000' }))).toMatchObject({ field: 'title' });
  });

  it('reports a missing, empty or mistyped body', () => {
    expect(onlyError(article({ body: undefined }))).toMatchObject({ field: 'body' });
    expect(onlyError(article({ body: [] }))).toMatchObject({
      field: 'body',
      message: 'expected at least one non-empty paragraph, got an empty array',
    });
    expect(onlyError(article({ body: ['', '  '] }))).toMatchObject({
      field: 'body',
      message: expect.stringContaining('blank'),
    });
    expect(onlyError(article({ body: '  ' }))).toMatchObject({ field: 'body' });
    expect(onlyError(article({ body: ['ok', 3] }))).toMatchObject({
      field: 'body[1]',
      message: 'expected a string, got a number (3)',
    });
    expect(onlyError(article({ body: { p: 'x' } }))).toMatchObject({
      field: 'body',
      message: expect.stringContaining('got an object'),
    });
  });

  it('accepts an HTML string body', () => {
    expect(errorsOf(article({ body: '<p>Hello</p>' }))).toEqual([]);
  });

  it('reads YYYY-MM-DD and ISO 8601 date-times and rejects unreadable dates', () => {
    for (const date of [
      '2024-02-29',
      '2024-03-01T10:00:00Z',
      '2024-03-01T10:00+08:00',
      '2024-03-01T10:00:00.123456-05:30',
      null,
    ]) {
      expect(errorsOf(article({ date }))).toEqual([]);
    }
    for (const date of [
      '2023-02-30',
      '2023-02-29',
      'yesterday',
      '2024-13-01',
      '2024-3-1',
      '2024-03-01T24:00Z',
      '03/01/2024',
    ]) {
      expect(onlyError(article({ date }))).toMatchObject({
        field: 'date',
        message: expect.stringContaining(JSON.stringify(date)),
      });
    }
    expect(onlyError(article({ date: 2024 }))).toMatchObject({
      field: 'date',
      message: expect.stringContaining('a number (2024)'),
    });
  });

  it('checks the type of every optional field', () => {
    expect(onlyError(article({ category: 5 }))).toMatchObject({ field: 'category' });
    expect(onlyError(article({ summary: ['x'] }))).toMatchObject({ field: 'summary' });
    expect(onlyError(article({ tags: 'a,b' }))).toMatchObject({ field: 'tags' });
    expect(onlyError(article({ tags: ['a', 1] }))).toMatchObject({ field: 'tags[1]' });
    expect(onlyError(article({ lang: 'english!' }))).toMatchObject({ field: 'lang' });
    expect(onlyError(article({ lang: 12 }))).toMatchObject({ field: 'lang' });
    expect(onlyError(article({ images: {} }))).toMatchObject({ field: 'images' });
    expect(onlyError(article({ images: ['a.png'] }))).toMatchObject({ field: 'images[0]' });
    expect(onlyError(article({ images: [{ src: 'a.png' }] }))).toMatchObject({ field: 'images[0].alt' });
    expect(onlyError(article({ images: [{ src: '', alt: '' }] }))).toMatchObject({ field: 'images[0].src' });
    expect(onlyError(article({ url: 3 }))).toMatchObject({ field: 'url' });
    expect(onlyError(article({ translations: ['zh'] }))).toMatchObject({ field: 'translations' });
    expect(onlyError(article({ translations: { zh: 3 } }))).toMatchObject({ field: 'translations.zh' });
    expect(onlyError(article({ translations: { '!!': 'x' } }))).toMatchObject({ field: 'translations.!!' });
    expect(onlyError('just a string')).toMatchObject({
      field: '',
      message: 'expected an article object, got "just a string"',
    });
  });

  it('lists every error of an article, not just the first', () => {
    const fields = errorsOf({ id: 'x', title: '', date: 'soon', body: [] }).map((e) => e.field);
    expect(fields).toEqual(['title', 'date', 'body']);
  });

  it('treats null optional fields as absent', () => {
    expect(
      errorsOf(article({ summary: null, tags: null, lang: null, images: null, url: null, translations: null })),
    ).toEqual([]);
  });

  it('drops javascript: links and images with a warning rather than failing', () => {
    const checked = validateArticle(
      article({ url: 'javascript:alert(1)', images: [{ src: 'javascript:alert(2)', alt: '' }] }),
      at,
    );
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.article.input.url).toBeUndefined();
    expect(checked.article.input.images).toEqual([]);
    expect(checked.warnings.map((w) => w.field)).toEqual(['images[0].src', 'url']);
  });

  it('strips control characters with a warning naming the field', () => {
    const checked = validateArticle(article({ title: 'Bell\u0007 here', body: ['one', 'two\u009b\u0000'] }), at);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.article.input.title).toBe('Bell here');
    expect(checked.article.input.body).toEqual(['one', 'two']);
    expect(checked.warnings).toEqual([
      { file: 'news.json', index: 4, id: 'tide-1', field: 'title', message: 'removed 1 control character (U+0007)' },
      {
        file: 'news.json',
        index: 4,
        id: 'tide-1',
        field: 'body[1]',
        message: 'removed 2 control characters (U+009B, U+0000)',
      },
    ]);
  });
});

describe('limits, hints and locations', () => {
  it('refuses text over MAX_TEXT_CHARS in any field, naming it', () => {
    const long = 'x'.repeat(MAX_TEXT_CHARS + 1);
    expect(errorsOf(article({ tags: ['ok', long], summary: long })).map((e) => [e.field, e.message])).toEqual([
      ['summary', `expected at most ${MAX_TEXT_CHARS} characters, got ${MAX_TEXT_CHARS + 1}`],
      ['tags[1]', `expected at most ${MAX_TEXT_CHARS} characters, got ${MAX_TEXT_CHARS + 1}`],
    ]);
    expect(errorsOf(article({ body: long })).map((e) => e.field)).toEqual(['body']);
    expect(canonicalLang(`en-${long}`)).toBeNull();
  });

  it('hints at the usual language tag mistake', () => {
    expect(onlyError(article({ lang: 'zh_CN' })).message).toBe(
      'expected a BCP 47 language tag such as "en" or "zh-CN", got "zh_CN" (did you mean "zh-CN"?)',
    );
    expect(errorsOf(article({ lang: 'tlh' }))).toEqual([]);
  });

  it('puts field errors on their own line, and names one-article files without an index', () => {
    const checked = validateArticle(
      article({ title: '', date: 'soon' }),
      { file: 'a.md', index: 0, unit: null },
      { fieldLines: { title: 2, date: 3 }, problems: [{ severity: 'warning', field: 'body', message: 'note' }] },
    );
    expect(checked.ok).toBe(false);
    expect(checked.warnings.map(formatIssue)).toEqual(['a.md (id "tide-1") body: note']);
    if (checked.ok) return;
    expect(checked.errors.map(formatIssue)).toEqual([
      'a.md line 2 (id "tide-1") title: expected a non-empty string, got ""',
      'a.md line 3 (id "tide-1") date: expected a real YYYY-MM-DD date or ISO 8601 date-time, got "soon"',
    ]);
    const issue: CorpusIssue = { file: 'f.rss', index: 3, line: 9, unit: 'item', field: 'title', message: 'm' };
    expect(formatIssue(issue)).toBe('f.rss line 9 item[3] title: m');
  });
});

describe('stripControlChars', () => {
  it('keeps tab, newline and real text; normalizes CR; removes C0, DEL and C1', () => {
    expect(stripControlChars('a\tb\nc').text).toBe('a\tb\nc');
    expect(stripControlChars('a\r\nb\rc').text).toBe('a\nb\nc');
    expect(stripControlChars('a\r\nb').removedCount).toBe(0);
    const cleaned = stripControlChars('\u0000x\u001by\u007fz\u0085');
    expect(cleaned.text).toBe('xyz');
    expect(cleaned.removed).toEqual(['U+0000', 'U+001B', 'U+007F', 'U+0085']);
  });

  it('keeps surrogate pairs and format characters, replaces lone surrogates', () => {
    expect(stripControlChars('😀 a\u200db \u202e').text).toBe('😀 a\u200db \u202e');
    const cleaned = stripControlChars('x\ud800y\udc00');
    expect(cleaned.text).toBe('x\ufffdy\ufffd');
    expect(cleaned.surrogates).toBe(2);
  });
});

describe('validateInputs', () => {
  it('flags a duplicate id naming both places, across files too', () => {
    const result = validateInputs([
      { file: 'a.json', articles: [article(), article({ id: 'other' })] },
      { file: 'b.json', articles: [article({ title: 'Again' })] },
      { file: 'a2.ndjson', articles: [article({ id: 'other' })], lines: [3] },
    ]);
    expect(result.valid.map((v) => `${v.file}#${v.index}`)).toEqual(['a.json#0', 'a.json#1']);
    expect(result.errors).toEqual([
      {
        file: 'b.json',
        index: 0,
        id: 'tide-1',
        field: 'id',
        message: 'expected a unique id, got "tide-1" again (first at a.json articles[0])',
      },
      {
        file: 'a2.ndjson',
        index: 0,
        line: 3,
        id: 'other',
        field: 'id',
        message: 'expected a unique id, got "other" again (first at a.json articles[1])',
      },
    ]);
  });
});

describe('canonicalLang', () => {
  it('canonicalizes BCP 47 tags and rejects others', () => {
    expect(canonicalLang('en')).toBe('en');
    expect(canonicalLang('zh-hans-cn')).toBe('zh-Hans-CN');
    expect(canonicalLang('english')).toBeNull();
    expect(canonicalLang('')).toBeNull();
    expect(canonicalLang('en_US')).toBeNull();
  });
});

const HASH = 'a'.repeat(64);

function builtArticle(overrides: Partial<Article> = {}): Article {
  return {
    id: 'a',
    title: 'A',
    date: '2024-01-01',
    category: null,
    lang: 'en',
    html: '<p>x</p>',
    tags: [],
    images: [],
    translations: {},
    ord: 0,
    prev: null,
    next: { id: 'b', title: 'B' },
    ...overrides,
  };
}

function manifest(overrides: Partial<Manifest> = {}): Manifest {
  return {
    format: 1,
    hash: HASH,
    title: 'T',
    languages: ['en'],
    count: 2,
    dated: 2,
    counts: { lang: { en: 2 }, category: {} },
    categories: [],
    years: [2024],
    chunks: [{ file: `articles-${'a'.repeat(16)}.json`, hash: HASH, count: 2 }],
    ...overrides,
  };
}

describe('isManifest', () => {
  it('accepts a well-formed manifest', () => {
    expect(isManifest(manifest())).toBe(true);
    expect(isManifest(manifest({ index: [{ file: 'index-1.json', hash: HASH }] }))).toBe(true);
  });

  it('rejects wrong types, unsafe chunk paths and counts that disagree', () => {
    const bad: unknown[] = [
      null,
      [],
      { ...manifest(), format: 2 },
      { ...manifest(), hash: 'abc' },
      { ...manifest(), title: 3 },
      { ...manifest(), languages: 'en' },
      { ...manifest(), dated: 3 },
      { ...manifest(), counts: { lang: { en: '2' }, category: {} } },
      { ...manifest(), years: ['2024'] },
      { ...manifest(), chunks: [{ file: '../secret.json', hash: HASH, count: 2 }] },
      { ...manifest(), chunks: [{ file: 'https://evil.example/x.json', hash: HASH, count: 2 }] },
      { ...manifest(), chunks: [{ file: 'a.json', hash: HASH, count: 1 }] },
      { ...manifest(), index: [{ file: 'i.json' }] },
    ];
    for (const value of bad) expect(isManifest(value)).toBe(false);
  });
});

describe('isChunk', () => {
  it('accepts a chunk of well-formed articles', () => {
    const chunk: Chunk = {
      format: 1,
      articles: [builtArticle(), builtArticle({ id: 'b', summary: 's', url: 'https://x' })],
    };
    expect(isChunk(chunk)).toBe(true);
  });

  it('rejects a chunk with any mistyped article field', () => {
    const mistyped: Record<string, unknown>[] = [
      { id: 1 },
      { date: 20240101 },
      { html: null },
      { tags: [1] },
      { images: [{ src: 'x' }] },
      { translations: { zh: 1 } },
      { ord: -1 },
      { ord: 1.5 },
      { prev: { id: 'x' } },
      { summary: null },
    ];
    for (const fields of mistyped) {
      expect(isChunk({ format: 1, articles: [{ ...builtArticle(), ...fields }] })).toBe(false);
    }
    expect(isChunk({ format: 1, articles: {} })).toBe(false);
    expect(isChunk({ format: 0, articles: [] })).toBe(false);
  });
});
