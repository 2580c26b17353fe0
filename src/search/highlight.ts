/**
 * Our own highlighter: safe HTML with `<mark>` around what a query matched, by the engine's rules
 * (tokenize.ts): English words exactly, as a prefix (the last word) or one typo away; Chinese runs
 * as substrings. Matches are found on the raw text, then every slice of text is escaped before
 * any markup is added, so the only tags in the output are our own bare `<mark>` and `</mark>`.
 */
import { matchWord, parseQuery, tokenize, type QueryGroup, type Token } from './tokenize.ts';

/** Same cap as the engine: later query terms are ignored. */
const MAX_QUERY_TERMS = 32;
export const DEFAULT_SNIPPET_LENGTH = 200;
/** Share of the snippet shown before its first match, so the match reads in context. */
const LEAD_SHARE = 0.25;
/** How far a snippet edge may move to land between words instead of inside one. */
const MAX_EDGE_SHIFT = 20;
const ELLIPSIS = '…';
const MARK_OPEN = '<mark>';
const MARK_CLOSE = '</mark>';

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const HTML_SPECIAL = /[&<>"']/g;
const WHITESPACE = /\s/u;
const LINE_BREAKS = /[\r\n]+/g;

/** Text → HTML text, safe in element content and in quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(HTML_SPECIAL, (ch) => HTML_ESCAPES[ch] ?? ch);
}

/** A matched stretch [start, end) of the text, and the query groups (words, CJK runs) it matched. */
export interface MatchSpan {
  start: number;
  end: number;
  groups: number[];
}

function wordSpans(tokens: readonly Token[], groups: readonly QueryGroup[]): MatchSpan[] {
  const spans: MatchSpan[] = [];
  const found = new Set<number>();
  for (const loose of [false, true]) {
    groups.forEach((group, g) => {
      if (group.kind !== 'word' || (loose && found.has(g))) return;
      for (const token of tokens) {
        if (!token.cjk && matchWord(group, token.term, loose) !== null) {
          spans.push({ start: token.start, end: token.end, groups: [g] });
          found.add(g);
        }
      }
    });
  }
  return spans;
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

/** Where the query matches `text`, sorted; overlapping or touching stretches are merged into one. */
export function findMatches(text: string, query: string): MatchSpan[] {
  const { groups } = parseQuery(query, MAX_QUERY_TERMS);
  if (groups.length === 0 || text === '') return [];
  const tokens = tokenize(text);
  const spans = [...wordSpans(tokens, groups), ...cjkSpans(tokens, groups)];
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

/** Escapes text[start, end) and marks the spans inside it; `oneLine` turns line breaks into spaces. */
function render(text: string, spans: readonly MatchSpan[], start: number, end: number, oneLine = false): string {
  let html = '';
  let at = start;
  const plain = (from: number, to: number): string => {
    const slice = text.slice(from, to);
    return escapeHtml(oneLine ? slice.replace(LINE_BREAKS, ' ') : slice);
  };
  for (const span of spans) {
    const from = Math.max(span.start, start);
    const to = Math.min(span.end, end);
    if (to <= from) continue;
    html += plain(at, from) + MARK_OPEN + plain(from, to) + MARK_CLOSE;
    at = to;
  }
  return html + plain(at, end);
}

/** The whole text as safe HTML, with `<mark>` around every match of the query. */
export function highlight(text: string, query: string): string {
  return render(text, findMatches(text, query), 0, text.length);
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

/**
 * A stretch of about `maxLength` characters of `text` around its best match, as safe HTML with
 * marks; `…` shows where it was cut. Without a match, the start of the text.
 */
export function snippet(text: string, query: string, maxLength = DEFAULT_SNIPPET_LENGTH): string {
  const trimmed = text.trim();
  const spans = findMatches(trimmed, query);
  if (trimmed.length <= maxLength) return render(trimmed, spans, 0, trimmed.length, true);
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
  const body = render(trimmed, spans, start, end, true).trim();
  return (start > 0 ? ELLIPSIS : '') + body + (end < trimmed.length ? ELLIPSIS : '');
}
