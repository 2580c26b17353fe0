import { describe, expect, it } from 'vitest';
import {
  MAX_TERM_LENGTH,
  matchWord,
  parseQuery,
  prefixWithinOneEdit,
  scanTokens,
  tokenizeTerms,
  withinOneEdit,
  type Token,
} from '../../src/search/tokenize.ts';

/** Terms with their spans, as the highlighter collects them from scanTokens. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  scanTokens(text, (term, start, end, cjk) => tokens.push({ term, start, end, cjk }));
  return tokens;
}

describe('tokenizeTerms', () => {
  it('folds case, full-width forms and diacritics (NFKC-style), one code point at a time', () => {
    expect(tokenizeTerms('Hello, WÖRLD!')).toEqual(['hello', 'world']);
    expect(tokenizeTerms('ＧＯＶＥＲＮＭＥＮＴ ２０２４')).toEqual(['government', '2024']);
    expect(tokenizeTerms('Café crème, communiqué')).toEqual(['cafe', 'creme', 'communique']);
    // A decomposed accent (e + U+0301) folds like the precomposed one.
    expect(tokenizeTerms('cafe\u0301')).toEqual(['cafe']);
    expect(tokenizeTerms('İstanbul ﬁle')).toEqual(['istanbul', 'file']);
  });

  it('makes each Han, kana and bopomofo character a term of its own', () => {
    expect(tokenizeTerms('北京大学')).toEqual(['北', '京', '大', '学']);
    expect(tokenizeTerms('カタカナとひらがな')).toEqual(['カ', 'タ', 'カ', 'ナ', 'と', 'ひ', 'ら', 'が', 'な']);
    // Supplementary-plane ideographs stay whole.
    expect(tokenizeTerms('𠮷野家')).toEqual(['𠮷', '野', '家']);
  });

  it('keeps Latin words whole next to Chinese (mixed text)', () => {
    expect(tokenizeTerms('苹果iPhone发布会，售价5999元')).toEqual([
      '苹',
      '果',
      'iphone',
      '发',
      '布',
      '会',
      '售',
      '价',
      '5999',
      '元',
    ]);
  });

  it('splits on punctuation, symbols and spaces of any width', () => {
    expect(tokenizeTerms('U.S. rates—up 0.5%\u3000again')).toEqual(['u', 's', 'rates', 'up', '0', '5', 'again']);
    expect(tokenizeTerms('，。！？')).toEqual([]);
  });

  it('ignores soft hyphens and zero-width joiners inside words', () => {
    expect(tokenizeTerms('co\u00adoperate jo\u200dined')).toEqual(['cooperate', 'joined']);
  });

  it('cuts overlong words', () => {
    expect(tokenizeTerms('x'.repeat(500))).toEqual(['x'.repeat(MAX_TERM_LENGTH)]);
  });

  it('is idempotent: terms joined by spaces tokenize to themselves (the index relies on it)', () => {
    const samples = [
      'Gordon Brown’s “budget”, 2005',
      '北京大学iPhone发布会',
      'ＡＢＣ１２３ naïve façade',
      'a\u0000b\u202ec',
    ];
    for (const text of samples) {
      const terms = tokenizeTerms(text);
      expect(tokenizeTerms(terms.join(' '))).toEqual(terms);
    }
  });
});

describe('tokenize', () => {
  it('gives each term its span in the original text', () => {
    const text = 'Ｇｏｒｄｏｎ Brown 说北京';
    const tokens = tokenize(text);
    expect(tokens.map((t) => t.term)).toEqual(['gordon', 'brown', '说', '北', '京']);
    expect(tokens.map((t) => text.slice(t.start, t.end))).toEqual(['Ｇｏｒｄｏｎ', 'Brown', '说', '北', '京']);
    expect(tokens.map((t) => t.cjk)).toEqual([false, false, true, true, true]);
  });
});

describe('parseQuery', () => {
  it('makes the last word a prefix unless the query ends with a separator', () => {
    expect(parseQuery('gordon bro').groups).toEqual([
      { kind: 'word', term: 'gordon', prefix: false },
      { kind: 'word', term: 'bro', prefix: true },
    ]);
    expect(parseQuery('gordon bro ').groups.at(-1)).toEqual({ kind: 'word', term: 'bro', prefix: false });
  });

  it('groups adjacent CJK characters into runs, split by anything between them', () => {
    expect(parseQuery('北京大学 上海').groups).toEqual([
      { kind: 'cjk', chars: ['北', '京', '大', '学'] },
      { kind: 'cjk', chars: ['上', '海'] },
    ]);
    expect(parseQuery('iPhone发布').groups).toEqual([
      { kind: 'word', term: 'iphone', prefix: false },
      { kind: 'cjk', chars: ['发', '布'] },
    ]);
  });

  it('keeps only the first terms asked for', () => {
    expect(parseQuery('a b c d', 2).groups.map((g) => (g.kind === 'word' ? g.term : ''))).toEqual(['a', 'b']);
  });
});

describe('edit distance', () => {
  it('accepts one insertion, deletion, substitution or swap of neighbours', () => {
    expect(withinOneEdit('government', 'goverment')).toBe(true);
    expect(withinOneEdit('government', 'governmentt')).toBe(true);
    expect(withinOneEdit('government', 'governmant')).toBe(true);
    expect(withinOneEdit('government', 'govermnent')).toBe(true);
    expect(withinOneEdit('government', 'government')).toBe(true);
  });

  it('rejects two edits', () => {
    expect(withinOneEdit('government', 'guvernmant')).toBe(false);
    expect(withinOneEdit('government', 'governmen')).toBe(true);
    expect(withinOneEdit('government', 'governme')).toBe(false);
    expect(withinOneEdit('abc', 'cba')).toBe(false);
  });

  it('finds a mistyped prefix of a longer word', () => {
    expect(prefixWithinOneEdit('govr', 'government')).toBe(true);
    expect(prefixWithinOneEdit('gpve', 'government')).toBe(true);
    expect(prefixWithinOneEdit('xyzw', 'government')).toBe(false);
  });
});

describe('matchWord', () => {
  const word = (term: string, prefix = false) => ({ term, prefix });

  it('matches exactly, as a prefix (last word only) and with one typo (words of 4+ letters)', () => {
    expect(matchWord(word('brown'), 'brown')).toBe('exact');
    expect(matchWord(word('bro', true), 'brown')).toBe('prefix');
    expect(matchWord(word('bro'), 'brown')).toBe(null);
    expect(matchWord(word('brwon'), 'brown')).toBe('typo');
    expect(matchWord(word('cat'), 'cut')).toBe(null);
  });

  it('never treats numbers as typos', () => {
    expect(matchWord(word('1987'), '1986')).toBe(null);
  });

  it('accepts a mistyped word being typed only when asked to (a fallback)', () => {
    expect(matchWord(word('govr', true), 'government')).toBe(null);
    expect(matchWord(word('govr', true), 'government', true)).toBe('typo');
  });
});
