/**
 * Our own highlighter: what a query matched, by the engine's rules (tokenize.ts): English words
 * exactly, as a prefix (the last word) or one typo away; Chinese runs as substrings. Matches are
 * found on the raw text, which comes out cut into parts, the matched ones marked; the page makes text
 * nodes and bare `<mark>` elements of them (src/ui/search/marked-parts.ts), so nothing is parsed as HTML.
 */
import { matchWord, parseQuery, scanTokens, type QueryGroup, type Token } from './tokenize.ts';

/** Same cap as the engine: later query terms are ignored. */
const MAX_QUERY_TERMS = 32;
export const DEFAULT_SNIPPET_LENGTH = 200;
/** Share of the snippet shown before its first match, so the match reads in context. */
const LEAD_SHARE = 0.25;
/** How far a snippet edge may move to land between words instead of inside one. */
const MAX_EDGE_SHIFT = 20;
const ELLIPSIS = '…';
const WHITESPACE = /\s/u;
const LINE_BREAKS = /[\r\n]+/g;

/** A matched stretch [start, end) of the text, and the query groups (words, CJK runs) it matched. */
export interface MatchSpan {
  start: number;
  end: number;
  groups: number[];
}

/** Runs of a CJK group, as written: the characters in order with nothing between them. */
function cjkSpans(tokens: readonly Token[], groups: readonly QueryGroup[]): MatchSpan[] {
  const spans: MatchSpan[] = [];
  groups.forEach((group, g) => {
    if (group.kind !== 'cjk') return;
    const { chars } = group;
    for (let i = 0; i + chars.length <= tokens.length; i += 1) {
      let j = 0;
      while (j < chars.length) {
        const token = tokens[i + j];
        const previous = tokens[i + j - 1];
        if (!token?.cjk || token.term !== chars[j] || (j > 0 && previous?.end !== token.start)) break;
        j += 1;
      }
      const first = tokens[i];
      const last = tokens[i + chars.length - 1];
      if (j === chars.length && first && last) spans.push({ start: first.start, end: last.end, groups: [g] });
    }
  });
  return spans;
}

/**
 * Where the query's words match, in one pass over the text: per word, its strict matches (exact,
 * prefix, one typo away), or, when it has none, its loose ones (a word being typed with a typo).
 * Also collects the text's tokens when a CJK group needs them (cjkSpans).
 */
function wordSpans(text: string, groups: readonly QueryGroup[], tokens: Token[] | null): MatchSpan[] {
  const words = groups.flatMap((group, g) => (group.kind === 'word' ? [{ group, g }] : []));
  const strict: MatchSpan[][] = groups.map(() => []);
  const loose: MatchSpan[][] = groups.map(() => []);
  scanTokens(text, (term, start, end, cjk) => {
    tokens?.push({ term, start, end, cjk });
    if (cjk) return;
    for (const { group, g } of words) {
      const found = strict[g] ?? [];
      if (matchWord(group, term) !== null) found.push({ start, end, groups: [g] });
      // Loose matches only count for a word with no strict one, and only a prefix has any.
      else if (group.prefix && found.length === 0 && matchWord(group, term, true) !== null)
        loose[g]?.push({ start, end, groups: [g] });
    }
  });
  return groups.flatMap((_, g) => ((strict[g]?.length ?? 0) > 0 ? (strict[g] ?? []) : (loose[g] ?? [])));
}

let lastQuery: string | undefined;
let lastGroups: readonly QueryGroup[] = [];

/** The query's groups, parsed once for a results page's forty titles and snippets (read-only). */
function queryGroups(query: string): readonly QueryGroup[] {
  if (query !== lastQuery) {
    lastGroups = parseQuery(query, MAX_QUERY_TERMS).groups;
    lastQuery = query;
  }
  return lastGroups;
}

/** Where the query matches `text`, sorted; overlapping or touching stretches are merged into one. */
export function findMatches(text: string, query: string): MatchSpan[] {
  const groups = queryGroups(query);
  if (groups.length === 0 || text === '') return [];
  const tokens: Token[] | null = groups.some((group) => group.kind === 'cjk') ? [] : null;
  const spans = wordSpans(text, groups, tokens);
  if (tokens) spans.push(...cjkSpans(tokens, groups));
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: MatchSpan[] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span.start <= last.end) {
      last.end = Math.max(last.end, span.end);
      for (const g of span.groups) if (!last.groups.includes(g)) last.groups.push(g);
    } else {
      merged.push({ ...span, groups: [...span.groups] });
    }
  }
  return merged;
}

/** A stretch of text, marked when it matched the query. */
export interface MarkedPart {
  text: string;
  mark: boolean;
}

/** text[start, end) cut into parts, the spans inside it marked; `oneLine` turns line breaks into spaces. */
function cut(text: string, spans: readonly MatchSpan[], start: number, end: number, oneLine = false): MarkedPart[] {
  const parts: MarkedPart[] = [];
  const add = (from: number, to: number, mark: boolean): void => {
    if (to <= from) return;
    const slice = text.slice(from, to);
    parts.push({ text: oneLine ? slice.replace(LINE_BREAKS, ' ') : slice, mark });
  };
  let at = start;
  for (const span of spans) {
    const from = Math.max(span.start, start);
    const to = Math.min(span.end, end);
    if (to <= from) continue;
    add(at, from, false);
    add(from, to, true);
    at = to;
  }
  add(at, end, false);
  return parts;
}

/** The whole text in parts, every match of the query marked. */
export function highlightParts(text: string, query: string): MarkedPart[] {
  return cut(text, findMatches(text, query), 0, text.length);
}

const LOW_SURROGATE_FIRST = 0xdc00;
const LOW_SURROGATE_LAST = 0xdfff;

function isLowSurrogate(code: number): boolean {
  return code >= LOW_SURROGATE_FIRST && code <= LOW_SURROGATE_LAST;
}

function isBoundary(text: string, index: number): boolean {
  return (
    index <= 0 || index >= text.length || WHITESPACE.test(text[index - 1] ?? '') || WHITESPACE.test(text[index] ?? '')
  );
}

/** Moves a cut to a nearby gap between words (it stays put inside a long word or CJK text). */
function snapStart(text: string, start: number, limit: number): number {
  for (let i = start; i <= Math.min(limit, start + MAX_EDGE_SHIFT); i += 1) if (isBoundary(text, i)) return i;
  return start;
}

function snapEnd(text: string, end: number, limit: number): number {
  for (let i = end; i >= Math.max(limit, end - MAX_EDGE_SHIFT); i -= 1) if (isBoundary(text, i)) return i;
  return end;
}

/** The window of `maxLength` characters holding the most distinct query parts (then the most matches). */
function bestWindow(spans: readonly MatchSpan[], maxLength: number): number {
  let best = 0;
  let bestGroups = -1;
  let bestCount = -1;
  spans.forEach((anchor, i) => {
    const groups = new Set<number>();
    let count = 0;
    for (let j = i; j < spans.length; j += 1) {
      const span = spans[j];
      if (!span || span.end > anchor.start + maxLength) break;
      for (const g of span.groups) groups.add(g);
      count += 1;
    }
    if (groups.size > bestGroups || (groups.size === bestGroups && count > bestCount)) {
      best = i;
      bestGroups = groups.size;
      bestCount = count;
    }
  });
  return best;
}

/** Drops the whitespace at both ends of the text the parts make up (marks never start or end with any). */
function trimParts(parts: MarkedPart[]): MarkedPart[] {
  const first = parts[0];
  if (first && !first.mark) first.text = first.text.trimStart();
  const last = parts[parts.length - 1];
  if (last && !last.mark) last.text = last.text.trimEnd();
  return parts.filter((part) => part.text !== '');
}

/**
 * A stretch of about `maxLength` characters of `text` around its best match, in parts, the matches
 * marked; `…` shows where it was cut. Without a match, the start of the text.
 */
export function snippetParts(text: string, query: string, maxLength = DEFAULT_SNIPPET_LENGTH): MarkedPart[] {
  const trimmed = text.trim();
  const spans = findMatches(trimmed, query);
  if (trimmed.length <= maxLength) return cut(trimmed, spans, 0, trimmed.length, true);
  const anchor = spans[bestWindow(spans, maxLength)];
  let start = 0;
  if (anchor) {
    const lead = Math.floor(maxLength * LEAD_SHARE);
    start = Math.max(0, Math.min(anchor.start - lead, trimmed.length - maxLength));
    start = snapStart(trimmed, start, anchor.start);
  }
  let end = Math.min(trimmed.length, start + maxLength);
  end = snapEnd(trimmed, end, anchor ? anchor.end : start + 1);
  // Never cut a surrogate pair in two.
  if (isLowSurrogate(trimmed.charCodeAt(start))) start += 1;
  if (isLowSurrogate(trimmed.charCodeAt(end))) end -= 1;
  const parts = trimParts(cut(trimmed, spans, start, end, true));
  if (start > 0) parts.unshift({ text: ELLIPSIS, mark: false });
  if (end < trimmed.length) parts.push({ text: ELLIPSIS, mark: false });
  return parts;
}
