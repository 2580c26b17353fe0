/**
 * Search tokenization shared by the index (engine.ts), queries and the highlighter (highlight.ts),
 * so all three agree on what a term is. Pure; runs in node, the page and the worker.
 *
 * - Every code point is folded on its own: NFKD (full-width and compatibility forms become plain
 *   letters and digits), lower case, combining diacritics U+0300–U+036F dropped, NFC.
 * - Han, kana and bopomofo characters are one term each: Chinese has no spaces, so substrings
 *   are found by matching runs of these one-character terms in order.
 * - Any other run of letters, marks and digits is one term (a "word").
 */

/** Longer words (URLs, base64, hostile input) are cut here: no one types them whole. */
export const MAX_TERM_LENGTH = 64;
/** Words shorter than this are never matched with a typo: too many short words are one edit apart. */
export const MIN_TYPO_LENGTH = 4;

const SEPARATOR = 0;
const WORD = 1;
const CJK = 2;
type CharClass = typeof SEPARATOR | typeof WORD | typeof CJK;

const ASCII_LIMIT = 0x80;
const FIRST_SUPPLEMENTARY = 0x10000;
const COMBINING_DIACRITICS = /[\u0300-\u036f]/g;
// Invisible inside words (soft hyphen, joiners, BOM): dropped, so they neither split nor change a word.
const IGNORABLE = /\u00ad|\u200c|\u200d|\u2060|\ufeff/g;
const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Bopomofo}]/u;
const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;
const DIGIT = /\p{N}/u;

/** ASCII classes by code: letters and digits are word characters, the rest separate words. */
const ASCII_CLASS = new Uint8Array(ASCII_LIMIT);
for (let code = 0; code < ASCII_LIMIT; code += 1) {
  const ch = String.fromCharCode(code);
  ASCII_CLASS[code] = /[A-Za-z0-9]/.test(ch) ? WORD : SEPARATOR;
}

/** One non-ASCII code point after folding: its pieces (usually one) and their classes. */
interface Folded {
  chars: string[];
  classes: CharClass[];
}

// A few thousand distinct code points at most in real text; folding each once keeps indexing fast.
const foldCache = new Map<number, Folded>();

function classify(ch: string): CharClass {
  if (CJK_CHAR.test(ch)) return CJK;
  return WORD_CHAR.test(ch) ? WORD : SEPARATOR;
}

function fold(codePoint: number): Folded {
  const cached = foldCache.get(codePoint);
  if (cached) return cached;
  const folded = String.fromCodePoint(codePoint)
    .normalize('NFKD')
    .toLowerCase()
    .replace(COMBINING_DIACRITICS, '')
    .replace(IGNORABLE, '')
    .normalize('NFC');
  const chars = Array.from(folded);
  const entry: Folded = { chars, classes: chars.map(classify) };
  foldCache.set(codePoint, entry);
  return entry;
}

/** Receives each term with its span [start, end) in the original text (UTF-16 offsets). */
export type TokenSink = (term: string, start: number, end: number, cjk: boolean) => void;

/** The tokenizer itself: calls `emit` for every term of `text`, in order. */
export function scanTokens(text: string, emit: TokenSink): void {
  // The word being built: `word` holds folded pieces, [asciiStart, i) a pending ASCII stretch.
  let word = '';
  let wordStart = -1;
  let wordEnd = 0;
  let asciiStart = -1;

  const flush = (): void => {
    if (wordStart < 0) return;
    if (asciiStart >= 0) word += text.slice(asciiStart, wordEnd).toLowerCase();
    emit(word.length > MAX_TERM_LENGTH ? word.slice(0, MAX_TERM_LENGTH) : word, wordStart, wordEnd, false);
    word = '';
    wordStart = -1;
    asciiStart = -1;
  };

  for (let i = 0; i < text.length;) {
    const code = text.charCodeAt(i);
    if (code < ASCII_LIMIT) {
      if (ASCII_CLASS[code] === WORD) {
        if (wordStart < 0) wordStart = i;
        if (asciiStart < 0) asciiStart = i;
        wordEnd = i + 1;
      } else {
        flush();
      }
      i += 1;
      continue;
    }
    const codePoint = text.codePointAt(i) ?? code;
    const width = codePoint >= FIRST_SUPPLEMENTARY ? 2 : 1;
    const { chars, classes } = fold(codePoint);
    // Close the pending ASCII stretch so this code point's own text never leaks into the word.
    if (asciiStart >= 0) {
      word += text.slice(asciiStart, i).toLowerCase();
      asciiStart = -1;
    }
    for (let k = 0; k < chars.length; k += 1) {
      const cls = classes[k];
      const ch = chars[k] ?? '';
      if (cls === WORD) {
        if (wordStart < 0) wordStart = i;
        word += ch;
        wordEnd = i + width;
      } else {
        flush();
        if (cls === CJK) emit(ch, i, i + width, true);
      }
    }
    i += width;
  }
  flush();
}

/** The terms of `text` in order, duplicates kept (the FlexSearch `encode` function and the forward index). */
export function tokenizeTerms(text: string): string[] {
  const terms: string[] = [];
  scanTokens(text, (term) => {
    terms.push(term);
  });
  return terms;
}

export interface Token {
  term: string;
  start: number;
  end: number;
  cjk: boolean;
}

/** True for a one-character Han/kana/bopomofo term. */
export function isCjkTerm(term: string): boolean {
  const codePoint = term.codePointAt(0);
  if (codePoint === undefined || codePoint < ASCII_LIMIT) return false;
  return term.length <= 2 && CJK_CHAR.test(term);
}

export function hasDigit(term: string): boolean {
  return DIGIT.test(term);
}

/** A word may be matched with one typo: long enough, and not a number (1986 is not a typo of 1987). */
export function typoEligible(term: string): boolean {
  return term.length >= MIN_TYPO_LENGTH && !hasDigit(term) && !isCjkTerm(term);
}

function tailsEqual(a: string, i: number, la: number, b: string, j: number, lb: number): boolean {
  if (la - i !== lb - j) return false;
  for (; i < la; i += 1, j += 1) if (a.charCodeAt(i) !== b.charCodeAt(j)) return false;
  return true;
}

/** Whether a[0, la) and b[0, lb) are at most one edit apart; allocation-free, it runs over the vocabulary. */
function oneEditApart(a: string, la: number, b: string, lb: number): boolean {
  if (la - lb > 1 || lb - la > 1) return false;
  let i = 0;
  while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i += 1;
  if (i === la && i === lb) return true;
  if (la === lb) {
    // One substitution, or two neighbours swapped.
    if (tailsEqual(a, i + 1, la, b, i + 1, lb)) return true;
    return (
      i + 1 < la &&
      a.charCodeAt(i) === b.charCodeAt(i + 1) &&
      a.charCodeAt(i + 1) === b.charCodeAt(i) &&
      tailsEqual(a, i + 2, la, b, i + 2, lb)
    );
  }
  return la > lb ? tailsEqual(a, i + 1, la, b, i, lb) : tailsEqual(a, i, la, b, i + 1, lb);
}

/** Optimal string alignment distance of at most 1: one insertion, deletion, substitution or swap. */
export function withinOneEdit(a: string, b: string): boolean {
  return oneEditApart(a, a.length, b, b.length);
}

/** True when some prefix of `term` is within one edit of `prefix` (a mistyped word being typed). */
export function prefixWithinOneEdit(prefix: string, term: string): boolean {
  const length = prefix.length;
  for (let cut = length - 1; cut <= length + 1; cut += 1) {
    if (cut >= 1 && cut <= term.length && oneEditApart(prefix, length, term, cut)) return true;
  }
  return false;
}

/** One part of a query: a word, or a run of CJK characters that must appear together. */
export type QueryGroup = { kind: 'word'; term: string; prefix: boolean } | { kind: 'cjk'; chars: string[] };

export interface ParsedQuery {
  groups: QueryGroup[];
}

/**
 * Splits a query into groups. CJK characters with nothing between them form one run; the last
 * word is a prefix (still being typed) unless the query ends with a space or punctuation.
 * Only the first `maxTerms` terms are kept.
 */
export function parseQuery(query: string, maxTerms = Number.POSITIVE_INFINITY): ParsedQuery {
  const groups: QueryGroup[] = [];
  let kept = 0;
  let lastEnd = -1;
  let endsWithWord = false;
  scanTokens(query, (term, start, end, cjk) => {
    if (kept >= maxTerms) return;
    kept += 1;
    const previous = groups[groups.length - 1];
    if (cjk) {
      if (previous?.kind === 'cjk' && start === lastEnd) previous.chars.push(term);
      else groups.push({ kind: 'cjk', chars: [term] });
    } else {
      groups.push({ kind: 'word', term, prefix: false });
    }
    lastEnd = end;
    endsWithWord = !cjk && end === query.length;
  });
  const last = groups[groups.length - 1];
  if (last?.kind === 'word' && endsWithWord) last.prefix = true;
  return { groups };
}

/** How a document word matches a query word, best first; the highlighter and the engine share these rules. */
export type WordMatch = 'exact' | 'prefix' | 'typo' | null;

/**
 * Matches a document word against a query word. `loose` also accepts a word being typed with a
 * typo (a prefix one edit away): the engine only falls back to that when nothing else matches.
 */
export function matchWord(group: { term: string; prefix: boolean }, term: string, loose = false): WordMatch {
  if (term === group.term) return 'exact';
  if (group.prefix && term.startsWith(group.term)) return 'prefix';
  // Most words are too long or too short to be one edit away: settled before the regular expressions.
  const gap = term.length - group.term.length;
  if ((gap > 1 || gap < -1) && !(loose && group.prefix)) return null;
  if (!typoEligible(group.term) || hasDigit(term)) return null;
  if (typoEligible(term) && withinOneEdit(group.term, term)) return 'typo';
  if (loose && group.prefix && prefixWithinOneEdit(group.term, term)) return 'typo';
  return null;
}
