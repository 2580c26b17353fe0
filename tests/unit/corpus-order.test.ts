import { describe, expect, it } from 'vitest';
import { guessLang } from '../../src/corpus/lang.ts';
import { compareArticles, normalizeDate, orderArticles, type UnorderedArticle } from '../../src/corpus/order.ts';

function unordered(id: string, date: string | null, lang = 'en'): UnorderedArticle {
  return {
    id,
    title: `Title ${id}`,
    date,
    category: null,
    lang,
    html: '<p>x</p>',
    tags: [],
    images: [],
    translations: {},
  };
}

describe('normalizeDate', () => {
  it('keeps YYYY-MM-DD and turns date-times into UTC ISO strings', () => {
    expect(normalizeDate('2024-02-29')).toBe('2024-02-29');
    expect(normalizeDate('2024-03-01T10:00:00Z')).toBe('2024-03-01T10:00:00.000Z');
    expect(normalizeDate('2024-03-01T08:00+08:00')).toBe('2024-03-01T00:00:00.000Z');
    expect(normalizeDate('2024-03-01 08:00:00.5-0100')).toBe('2024-03-01T09:00:00.500Z');
    expect(normalizeDate('2024-03-01T10:00')).toBe('2024-03-01T10:00:00.000Z');
    expect(normalizeDate('0099-01-01T00:00Z')).toBe('0099-01-01T00:00:00.000Z');
  });

  it('rejects impossible and unreadable dates', () => {
    for (const value of [
      '2023-02-29',
      '2100-02-29',
      '2024-04-31',
      '2024-00-10',
      '2024-01-01T25:00Z',
      'yesterday',
      '',
      '2024-01-01T10:00+24:00',
    ]) {
      expect(normalizeDate(value)).toBeNull();
    }
  });
});

describe('compareArticles', () => {
  it('orders by date, then by id in code-unit order (not locale order)', () => {
    const ids = ['b', 'B', 'a', 'Z', 'é', 'e', '10', '9'];
    const sorted = ids
      .map((id) => unordered(id, '2024-01-01'))
      .sort(compareArticles)
      .map((a) => a.id);
    // Code units: digits < upper case < lower case < accented; localeCompare would interleave cases.
    expect(sorted).toEqual(['10', '9', 'B', 'Z', 'a', 'b', 'e', 'é']);
  });

  it('puts a bare date before date-times of the same day, and undated last by id', () => {
    const list = [
      unordered('u-b', null),
      unordered('t', '2024-01-01T08:00:00.000Z'),
      unordered('u-a', null),
      unordered('d', '2024-01-01'),
      unordered('old', '1999-12-31'),
    ];
    expect([...list].sort(compareArticles).map((a) => a.id)).toEqual(['old', 'd', 't', 'u-a', 'u-b']);
  });
});

describe('orderArticles', () => {
  it('assigns ord in corpus order and links neighbours within a language', () => {
    const ordered = orderArticles([
      unordered('en-3', '2024-03-01'),
      unordered('zh-1', '2024-01-15', 'zh'),
      unordered('en-1', '2024-01-01'),
      unordered('en-undated', null),
      unordered('zh-2', '2024-02-15', 'zh'),
      unordered('en-2', '2024-02-01'),
    ]);
    expect(ordered.map((a) => [a.id, a.ord])).toEqual([
      ['en-1', 0],
      ['zh-1', 1],
      ['en-2', 2],
      ['zh-2', 3],
      ['en-3', 4],
      ['en-undated', 5],
    ]);
    const byId = new Map(ordered.map((a) => [a.id, a]));
    expect(byId.get('en-1')?.prev).toBeNull();
    expect(byId.get('en-1')?.next).toEqual({ id: 'en-2', title: 'Title en-2' });
    expect(byId.get('en-2')?.prev).toEqual({ id: 'en-1', title: 'Title en-1' });
    expect(byId.get('en-3')?.next).toEqual({ id: 'en-undated', title: 'Title en-undated' });
    expect(byId.get('en-undated')?.next).toBeNull();
    expect(byId.get('zh-1')?.prev).toBeNull();
    expect(byId.get('zh-1')?.next?.id).toBe('zh-2');
    expect(byId.get('zh-2')?.next).toBeNull();
  });
});

describe('guessLang', () => {
  it('says zh for mostly-Han text and en otherwise', () => {
    expect(guessLang('港光科学院的研究人员完成了潮汐涡轮机测试')).toBe('zh');
    expect(guessLang('港光科学院 (Harbourlight) 发布 2024 年报告')).toBe('zh');
    expect(guessLang('The turbine passed its first winter.')).toBe('en');
    expect(guessLang('An English text quoting 潮汐 once.')).toBe('en');
    expect(guessLang('12345 !!!')).toBe('en');
  });

  it('says ja when kana are mixed in, and ko for Hangul', () => {
    expect(guessLang('港の潮力タービンは最初の冬を乗り越えた')).toBe('ja');
    expect(guessLang('항구의 조력 터빈이 첫 겨울을 견뎌냈다')).toBe('ko');
    expect(guessLang('港口潮汐涡轮机安然度过第一个冬天')).toBe('zh');
    expect(guessLang('Une turbine a passé son premier hiver à Brest')).toBe('en');
  });
});
