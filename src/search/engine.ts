/**
 * The search engine: pure (no postMessage, DOM or IndexedDB), shared by the worker and node.
 *
 * - A FlexSearch Document (fields `title` and `body`, tokenize 'strict', numeric ids = article
 *   ords) maps every term to the articles holding it. Terms come from our tokenizer
 *   (tokenize.ts): words, and single Han/kana characters.
 * - Beside it, a forward index keeps each article's terms in order as vocabulary ids in one
 *   Uint32Array. It answers what an inverted index cannot: whether query terms are adjacent (a
 *   phrase, or a Chinese substring), how often they occur, and how long each field is.
 * - Ranking is query likelihood: a title/body mixture of Dirichlet-smoothed term probabilities,
 *   plus the probability of the query as a phrase of the title or body (occurrences over windows
 *   of its length: a short title holding it beats a long one), plus the probability of its words in
 *   order, gaps allowed, in the title (a title remembered loosely). Only articles matching every
 *   part of the query are returned; when there are none, the best partial matches are returned instead.
 * - English words match exactly, as a prefix (the last word, while it is typed) and with one typo;
 *   a typo neighbour weighs little when the word typed is itself in the index.
 */
import { Document } from 'flexsearch';
import type { Article } from '../corpus/types.ts';
import {
  isCjkTerm,
  parseQuery,
  prefixWithinOneEdit,
  scanTokens,
  tokenizeTerms,
  typoEligible,
  withinOneEdit,
  type QueryGroup,
} from './tokenize.ts';
import { htmlToText } from './text.ts';
import { ENGINE_VERSION } from './version.ts';

// The light parts live apart, so the main thread can use them without loading FlexSearch.
export { htmlToText } from './text.ts';
export { ENGINE_VERSION, indexCacheKey } from './version.ts';

/** What the engine needs of an article. */
export interface SearchDoc {
  id: string;
  ord: number;
  title: string;
  /** Body paragraphs as plain text, one a line. */
  text: string;
  date: string | null;
  category: string | null;
  lang: string;
}

export type SearchField = 'title' | 'body';

export interface SearchFilters {
  category?: string;
  /** A language tag; `zh` also matches `zh-CN`. */
  lang?: string;
  /** First year (`YYYY`, or a longer `YYYY-MM[-DD]` prefix) to include; undated articles are left out. */
  from?: string;
  /** Last year (or month, or day) to include. */
  to?: string;
}

export type SearchSort = 'relevance' | 'date';

export interface SearchOptions {
  limit?: number;
  offset?: number;
  filters?: SearchFilters;
  sort?: SearchSort;
}

export interface SearchHit {
  ord: number;
  id: string;
  /** Log-likelihood of the query under the article: higher is better, only comparable within one search. */
  score: number;
  /** Fields where some part of the query matched. */
  fields: SearchField[];
  /** Every word and every Chinese run of the query matched. */
  complete: boolean;
}

export interface SearchResult {
  hits: SearchHit[];
  /** Matching articles in all: the complete matches, or the partial ones when there are none. */
  total: number;
}

/** Exported index: keys and strings, in the order `importIndex` must see them. */
export type ExportedIndex = Array<[string, string]>;

/** The knobs of the ranking; the defaults were tuned with bench/search-quality.ts. */
export interface RankingParams {
  /** Share of the title in the title/body mixture. */
  titleShare: number;
  /** Dirichlet smoothing (pseudo-terms) of the title and of the body. */
  titleSmoothing: number;
  bodySmoothing: number;
  /** Weight of the whole query found as a phrase, against its words found anywhere. */
  phraseBoost: number;
  /**
   * Weight of the query's words found in the title in order, not necessarily adjacent (a title
   * remembered loosely), normalised by the number of ways to pick that many of the title's terms.
   */
  orderedBoost: number;
  /** Weight of a completion of the last word, and of a word one typo away, against an exact word. */
  prefixWeight: number;
  typoWeight: number;
  /** Weight of a word one typo away when the word typed is itself in the index: likely meant as typed. */
  knownTypoWeight: number;
}

export const DEFAULT_RANKING: RankingParams = {
  titleShare: 0.5,
  titleSmoothing: 2,
  bodySmoothing: 50,
  phraseBoost: 10,
  orderedBoost: 100,
  prefixWeight: 0.5,
  typoWeight: 0.2,
  knownTypoWeight: 0.02,
};

export const DEFAULT_LIMIT = 20;
/** Terms of a query past this many are ignored: each term is one bit of a 32-bit mask. */
export const MAX_QUERY_TERMS = 32;
/** Completions of the last word kept (the most frequent): "a" alone would otherwise match everything. */
export const MAX_PREFIX_EXPANSIONS = 32;
/** Words one typo away kept (the most frequent). */
export const MAX_TYPO_EXPANSIONS = 16;
/** Partial matches scored in full when complete ones do not fill the page (best by a cheap estimate). */
export const MAX_PARTIAL_CANDIDATES = 200;
/**
 * Queries of up to this many words are scored from the postings' counts (scoreCounted); longer
 * ones scan (their per-article count rows would grow with the words).
 */
const MAX_COUNTED_GROUPS = 8;

const FIELDS = ['title', 'body'] as const;
/** FlexSearch returns a posting list whole (without copying) when it is no longer than the limit. */
const POSTINGS_LIMIT = Number.MAX_SAFE_INTEGER;
const INITIAL_CAPACITY = 1024;
/** Room for the forward index of a small corpus; it grows by half as needed. */
const INITIAL_TOKEN_CAPACITY = 1 << 16;
/** Background probability of a term the collection lacks: as if seen half a time. */
const UNSEEN_COUNT = 0.5;
const GROWTH = 1.5;
const NO_CATEGORY = 0;

/**
 * One field's postings: the ords holding term id t are ords[offsets[t] .. offsets[t + 1]), ascending;
 * counts[i] is how often the term occurs in ords[i]'s field (MAX_POSTING_COUNT: that often or more).
 */
interface FieldPostings {
  offsets: Uint32Array;
  ords: Uint32Array;
  counts: Uint8Array;
}

/** A posting's count saturates here (one byte): such an article is scored by scanning it. */
const MAX_POSTING_COUNT = 255;

/** A posting list: FlexSearch's array, or a view of FieldPostings. */
type Postings = Iterable<number> & { readonly length: number };

/** What FlexSearch indexes: each field's distinct terms (already tokenized), keyed by ord. */
type FieldDoc = { ord: number; title: string; body: string };
type FlexDocument = Document<FieldDoc>;

/** A Uint32Array that grows; reads past the end give 0. */
class GrowableU32 {
  data: Uint32Array;
  length = 0;

  constructor(capacity = INITIAL_CAPACITY) {
    this.data = new Uint32Array(capacity);
  }

  reserve(size: number): void {
    if (size <= this.data.length) return;
    const grown = new Uint32Array(Math.max(size, Math.ceil(this.data.length * GROWTH)));
    grown.set(this.data.subarray(0, this.length));
    this.data = grown;
  }

  push(value: number): void {
    if (this.length === this.data.length) this.reserve(this.length + 1);
    this.data[this.length] = value;
    this.length += 1;
  }

  set(index: number, value: number): void {
    this.reserve(index + 1);
    this.data[index] = value;
    if (index >= this.length) this.length = index + 1;
  }

  get(index: number): number {
    return index < this.length ? (this.data[index] ?? 0) : 0;
  }

  trim(): void {
    if (this.data.length > this.length) this.data = this.data.slice(0, this.length);
  }

  /** Takes `data` as its contents, without copying (a restored snapshot's arrays). */
  adopt(data: Uint32Array): void {
    this.data = data;
    this.length = data.length;
  }

  /** A copy of the contents, exactly as long (a structured clone copies a view's whole buffer). */
  copy(): Uint32Array {
    return this.data.slice(0, this.length);
  }
}

function createFlexDocument(): FlexDocument {
  // 'strict': whole terms only (prefixes come from our vocabulary); one bucket: we rank, not FlexSearch.
  const field = (name: (typeof FIELDS)[number]) => ({
    field: name,
    tokenize: 'strict' as const,
    resolution: 1,
    encode: tokenizeTerms,
  });
  return new Document<FieldDoc>({ document: { id: 'ord', index: FIELDS.map(field) } });
}

/** A search index over articles; build with addArticles or importIndex. */
export class Engine {
  readonly ranking: RankingParams;
  index: FlexDocument = createFlexDocument();
  // Vocabulary: term ↔ id, and how often each term occurs in all fields (collection frequency).
  terms: string[] = [];
  /** Term → id; a restored snapshot builds it only when the vocabulary grows (look-ups use sortedIds). */
  termIds: Map<string, number> | null = new Map<string, number>();
  readonly termCounts = new GrowableU32();
  /** Per term id: 1 for a CJK character. */
  readonly cjkTerms = new GrowableU32();
  // Forward index: every field's term ids in order; per ord, where each field starts and its length.
  readonly tokens = new GrowableU32(INITIAL_TOKEN_CAPACITY);
  readonly titleStart = new GrowableU32();
  readonly titleLength = new GrowableU32();
  readonly bodyStart = new GrowableU32();
  readonly bodyLength = new GrowableU32();
  // Per ord: a Bloom filter of its adjacent CJK character pairs (words [start, start + count) of
  // pairBits), so articles that cannot hold a Chinese run are skipped without scanning them.
  readonly pairBits = new GrowableU32();
  readonly filterStart = new GrowableU32();
  readonly filterWords = new GrowableU32();
  // Per ord: the stored fields filters and hits need.
  ids: (string | undefined)[] = [];
  dates: (string | null)[] = [];
  readonly categoryCodes = new GrowableU32();
  readonly langCodes = new GrowableU32();
  categories: (string | null)[] = [null];
  langs: string[] = [];
  docCount = 0;
  titleTokens = 0;
  bodyTokens = 0;
  // Built on demand (or restored) for exact, prefix and typo look-ups; dropped whenever the vocabulary grows.
  /** Term ids in term order (code units). */
  sortedIds: Uint32Array | null = null;
  /**
   * An imported index answers from these postings (per field: title, body), derived from the forward
   * index at import, instead of FlexSearch's: importing them is a few passes over typed arrays.
   */
  postingLists: FieldPostings[] | null = null;
  typoBuckets: TypoBuckets | null = null;
  /**
   * A word's typo neighbours, by word, as found last (`typoNeighbours`): finding them scans every term
   * of about its length, a quarter of a search's time, and a reader's searches share their words
   * (each key typed searches again; "the" and "said" are in many). Emptied whenever the forward index
   * grows, since new terms and counts change the answer.
   */
  readonly typoNeighbourCache = new Map<string, readonly number[]>();
  // Scratch space for searches, reused: group bits per ord, stamps per ord, query slots per term id.
  masks = new Uint32Array(0);
  stamps = new Uint32Array(0);
  /** Per ord: its row (plus one) among the articles being scored from posting counts, else 0. */
  rows = new Uint32Array(0);
  stamp = 0;
  slotBits = new Uint32Array(0);
  slotWeights = new Float64Array(0);
  /** Per term id in the query: its weight's index in Plan.weights. */
  slotClasses = new Uint8Array(0);

  constructor(ranking: Partial<RankingParams> = {}) {
    this.ranking = { ...DEFAULT_RANKING, ...ranking };
  }
}

export function createEngine(ranking: Partial<RankingParams> = {}): Engine {
  return new Engine(ranking);
}

export function documentCount(engine: Engine): number {
  return engine.docCount;
}

// ---------------------------------------------------------------------------------------------
// Articles in

export function toSearchDoc(article: Article): SearchDoc {
  return {
    id: article.id,
    ord: article.ord,
    title: article.title,
    text: htmlToText(article.html),
    date: article.date,
    category: article.category,
    lang: article.lang,
  };
}

/** The term → id map, built from the vocabulary when a restored engine first needs it. */
function termIdMap(engine: Engine): Map<string, number> {
  if (!engine.termIds) {
    const map = new Map<string, number>();
    engine.terms.forEach((term, id) => map.set(term, id));
    engine.termIds = map;
  }
  return engine.termIds;
}

function internTerm(engine: Engine, term: string, cjk: boolean): number {
  const termIds = termIdMap(engine);
  let id = termIds.get(term);
  if (id === undefined) {
    id = engine.terms.length;
    engine.terms.push(term);
    termIds.set(term, id);
    engine.termCounts.push(0);
    engine.cjkTerms.push(cjk ? 1 : 0);
    engine.sortedIds = null;
    engine.typoBuckets = null;
  }
  return id;
}

function internCode(values: (string | null)[], value: string | null): number {
  const found = values.indexOf(value);
  if (found >= 0) return found;
  values.push(value);
  return values.length - 1;
}

/** Appends the terms of `text` to the forward index; returns its distinct terms, space-separated. */
function appendField(engine: Engine, text: string, seen: Set<number>): string {
  seen.clear();
  engine.typoNeighbourCache.clear();
  const distinct: string[] = [];
  scanTokens(text, (term, _start, _end, cjk) => {
    const id = internTerm(engine, term, cjk);
    engine.tokens.push(id);
    engine.termCounts.data[id] = (engine.termCounts.data[id] ?? 0) + 1;
    if (!seen.has(id)) {
      seen.add(id);
      distinct.push(term);
    }
  });
  return distinct.join(' ');
}

/** Filter bits per CJK pair: about 3% false positives per pair with three probes. */
const BITS_PER_PAIR = 8;
const PAIR_PROBES = 3;
const WORD_BITS = 32;
const WORD_SHIFT = 5;

function pairHash(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 12)) >>> 0;
}

/** The filter bit for probe `k` of a pair hash (double hashing). */
function probeBit(hash: number, k: number, mask: number): number {
  const step = ((hash >>> 17) | (hash << 15) | 1) >>> 0;
  return (hash + Math.imul(k, step)) & mask;
}

/** Calls `visit` with every pair of adjacent CJK characters in a field of the forward index. */
function forEachPair(engine: Engine, start: number, length: number, visit: (a: number, b: number) => void): void {
  const tokens = engine.tokens.data;
  const cjk = engine.cjkTerms.data;
  for (let p = start + 1; p < start + length; p += 1) {
    const a = tokens[p - 1] ?? 0;
    const b = tokens[p] ?? 0;
    if (cjk[a] && cjk[b]) visit(a, b);
  }
}

function buildPairFilter(engine: Engine, ord: number): void {
  const spans = [
    [engine.titleStart.get(ord), engine.titleLength.get(ord)],
    [engine.bodyStart.get(ord), engine.bodyLength.get(ord)],
  ] as const;
  let pairs = 0;
  for (const [start, length] of spans) forEachPair(engine, start, length, () => (pairs += 1));
  let words = 0;
  if (pairs > 0) {
    words = 1;
    while (words * WORD_BITS < pairs * BITS_PER_PAIR) words *= 2;
  }
  const first = engine.pairBits.length;
  engine.filterStart.set(ord, first);
  engine.filterWords.set(ord, words);
  if (words === 0) return;
  engine.pairBits.set(first + words - 1, 0);
  const bits = engine.pairBits.data;
  const mask = words * WORD_BITS - 1;
  for (const [start, length] of spans) {
    forEachPair(engine, start, length, (a, b) => {
      const hash = pairHash(a, b);
      for (let k = 0; k < PAIR_PROBES; k += 1) {
        const bit = probeBit(hash, k, mask);
        const word = first + (bit >>> WORD_SHIFT);
        bits[word] = (bits[word] ?? 0) | (1 << (bit & (WORD_BITS - 1)));
      }
    });
  }
}

/** False when the article surely has no CJK character `a` followed by `b`; true when it may. */
function mayHavePair(engine: Engine, ord: number, a: number, b: number): boolean {
  const words = engine.filterWords.data[ord] ?? 0;
  if (words === 0) return false;
  const first = engine.filterStart.data[ord] ?? 0;
  const bits = engine.pairBits.data;
  const mask = words * WORD_BITS - 1;
  const hash = pairHash(a, b);
  for (let k = 0; k < PAIR_PROBES; k += 1) {
    const bit = probeBit(hash, k, mask);
    if ((((bits[first + (bit >>> WORD_SHIFT)] ?? 0) >>> (bit & (WORD_BITS - 1))) & 1) === 0) return false;
  }
  return true;
}

function forgetCounts(engine: Engine, ord: number): void {
  const counts = engine.termCounts.data;
  const tokens = engine.tokens.data;
  const spans: Array<[number, number]> = [
    [engine.titleStart.get(ord), engine.titleLength.get(ord)],
    [engine.bodyStart.get(ord), engine.bodyLength.get(ord)],
  ];
  for (const [start, length] of spans) {
    for (let p = start; p < start + length; p += 1) {
      const id = tokens[p] ?? 0;
      counts[id] = (counts[id] ?? 1) - 1;
    }
  }
  engine.titleTokens -= engine.titleLength.get(ord);
  engine.bodyTokens -= engine.bodyLength.get(ord);
  engine.docCount -= 1;
}

function storeMeta(engine: Engine, doc: SearchDoc): void {
  engine.ids[doc.ord] = doc.id;
  engine.dates[doc.ord] = doc.date;
  engine.categoryCodes.set(doc.ord, doc.category === null ? NO_CATEGORY : internCode(engine.categories, doc.category));
  engine.langCodes.set(doc.ord, internCode(engine.langs, doc.lang));
}

function assertOrd(ord: number): void {
  if (!Number.isSafeInteger(ord) || ord < 0) throw new RangeError(`expected an ord >= 0, got ${ord}`);
}

/**
 * Indexes one batch of articles (call once per batch, yielding in between, to stay responsive).
 * An article whose ord is already indexed replaces the old one.
 */
export function addArticles(engine: Engine, docs: readonly SearchDoc[]): void {
  if (engine.postingLists) indexImported(engine);
  const seen = new Set<number>();
  for (const doc of docs) {
    assertOrd(doc.ord);
    if (engine.ids[doc.ord] !== undefined) forgetCounts(engine, doc.ord);
    engine.titleStart.set(doc.ord, engine.tokens.length);
    const title = appendField(engine, doc.title, seen);
    engine.titleLength.set(doc.ord, engine.tokens.length - engine.titleStart.get(doc.ord));
    engine.bodyStart.set(doc.ord, engine.tokens.length);
    const body = appendField(engine, doc.text, seen);
    engine.bodyLength.set(doc.ord, engine.tokens.length - engine.bodyStart.get(doc.ord));
    engine.titleTokens += engine.titleLength.get(doc.ord);
    engine.bodyTokens += engine.bodyLength.get(doc.ord);
    engine.docCount += 1;
    buildPairFilter(engine, doc.ord);
    storeMeta(engine, doc);
    engine.index.add({ ord: doc.ord, title, body });
  }
}

/** The distinct terms of one field of the forward index, space-separated (as appendField gives them). */
function fieldTerms(engine: Engine, start: number, length: number): string {
  const distinct = new Set<number>();
  for (let p = start; p < start + length; p += 1) distinct.add(engine.tokens.data[p] ?? 0);
  return [...distinct].map((id) => engine.terms[id] ?? '').join(' ');
}

/** Before an imported index takes new articles: FlexSearch gets the imported ones, and answers again. */
function indexImported(engine: Engine): void {
  engine.postingLists = null;
  engine.ids.forEach((id, ord) => {
    if (id === undefined) return;
    const title = fieldTerms(engine, engine.titleStart.get(ord), engine.titleLength.get(ord));
    const body = fieldTerms(engine, engine.bodyStart.get(ord), engine.bodyLength.get(ord));
    engine.index.add({ ord, title, body });
  });
}

/** Derives per-field postings from the forward index; `ords` ascending, so lists come out in ord order. */
function buildPostings(engine: Engine, ords: readonly number[]): FieldPostings[] {
  const vocabulary = engine.terms.length;
  const tokens = engine.tokens.data;
  // Per term id, the last article (its index in `ords`, plus one) that counted it.
  const seen = new Uint32Array(vocabulary);
  const fields = [
    [engine.titleStart.data, engine.titleLength.data],
    [engine.bodyStart.data, engine.bodyLength.data],
  ] as const;
  return fields.map(([starts, lengths]) => {
    const offsets = new Uint32Array(vocabulary + 1);
    seen.fill(0);
    ords.forEach((ord, i) => {
      const start = starts[ord] ?? 0;
      const end = start + (lengths[ord] ?? 0);
      for (let p = start; p < end; p += 1) {
        const id = tokens[p] ?? 0;
        if (seen[id] === i + 1) continue;
        seen[id] = i + 1;
        offsets[id + 1] = (offsets[id + 1] ?? 0) + 1;
      }
    });
    for (let t = 0; t < vocabulary; t += 1) offsets[t + 1] = (offsets[t + 1] ?? 0) + (offsets[t] ?? 0);
    const lists = new Uint32Array(offsets[vocabulary] ?? 0);
    const counts = new Uint8Array(lists.length);
    const next = offsets.slice(0, vocabulary);
    seen.fill(0);
    ords.forEach((ord, i) => {
      const start = starts[ord] ?? 0;
      const end = start + (lengths[ord] ?? 0);
      for (let p = start; p < end; p += 1) {
        const id = tokens[p] ?? 0;
        if (seen[id] === i + 1) {
          // This article's posting for the term is the last one written.
          const at = (next[id] ?? 1) - 1;
          if ((counts[at] ?? 0) < MAX_POSTING_COUNT) counts[at] = (counts[at] ?? 0) + 1;
          continue;
        }
        seen[id] = i + 1;
        const at = next[id] ?? 0;
        lists[at] = ord;
        counts[at] = 1;
        next[id] = at + 1;
      }
    });
    return { offsets, ords: lists, counts };
  });
}

/** Releases the spare room of the growable arrays: call once the last batch is in. */
export function compactEngine(engine: Engine): void {
  for (const array of [
    engine.tokens,
    engine.termCounts,
    engine.titleStart,
    engine.titleLength,
    engine.bodyStart,
    engine.bodyLength,
    engine.cjkTerms,
    engine.pairBits,
    engine.filterStart,
    engine.filterWords,
    engine.categoryCodes,
    engine.langCodes,
  ]) {
    array.trim();
  }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary look-ups: exact, prefix, typo

interface Expansion {
  id: number;
  weight: number;
}

function sortedIds(engine: Engine): Uint32Array {
  if (!engine.sortedIds) {
    const termIds = termIdMap(engine);
    engine.sortedIds = Uint32Array.from([...engine.terms].sort(), (term) => termIds.get(term) ?? 0);
  }
  return engine.sortedIds;
}

/** Index in sortedIds of the first term not below `term`. */
function lowerBound(engine: Engine, sorted: Uint32Array, term: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((engine.terms[sorted[mid] ?? 0] ?? '') < term) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The id of `term`, if the vocabulary has it: the map when there is one, else a binary search. */
function findTerm(engine: Engine, term: string): number | undefined {
  if (engine.termIds) return engine.termIds.get(term);
  const sorted = sortedIds(engine);
  const at = lowerBound(engine, sorted, term);
  const id = sorted[at];
  return id !== undefined && engine.terms[id] === term ? id : undefined;
}

const SIGNATURE_BITS = 32;
/** Letters one edit changes in a word's letter set, at most: a cheap filter before the real comparison. */
const MAX_SIGNATURE_CHANGES = 2;

/** Which letters (hashed into 32 bits) a word has; one edit flips at most two bits. */
function letterSignature(term: string): number {
  let signature = 0;
  for (let i = 0; i < term.length; i += 1) signature |= 1 << (term.charCodeAt(i) % SIGNATURE_BITS);
  return signature;
}

function popcount(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) as number;
}

/**
 * Typo candidates by length (ascending ids within a length): the terms of length n are
 * ids[starts[n] .. starts[n + 1]), with their letter signatures beside them.
 */
interface TypoBuckets {
  starts: Uint32Array;
  ids: Uint32Array;
  signatures: Int32Array;
}

/** Typo candidates by length: only words within one character of the query's length are compared. */
function typoBuckets(engine: Engine): TypoBuckets {
  if (engine.typoBuckets) return engine.typoBuckets;
  const eligible: number[] = [];
  let longest = 0;
  engine.terms.forEach((term, id) => {
    if (!typoEligible(term)) return;
    eligible.push(id);
    longest = Math.max(longest, term.length);
  });
  const starts = new Uint32Array(longest + 2);
  for (const id of eligible) {
    const length = engine.terms[id]?.length ?? 0;
    starts[length + 1] = (starts[length + 1] ?? 0) + 1;
  }
  for (let n = 1; n < starts.length; n += 1) starts[n] = (starts[n] ?? 0) + (starts[n - 1] ?? 0);
  const next = starts.slice(0, longest + 1);
  const ids = new Uint32Array(eligible.length);
  const signatures = new Int32Array(eligible.length);
  for (const id of eligible) {
    const term = engine.terms[id] ?? '';
    const at = next[term.length] ?? 0;
    ids[at] = id;
    signatures[at] = letterSignature(term);
    next[term.length] = at + 1;
  }
  engine.typoBuckets = { starts, ids, signatures };
  return engine.typoBuckets;
}

function mostFrequent(engine: Engine, ids: number[], keep: number): number[] {
  if (ids.length <= keep) return ids;
  const counts = engine.termCounts.data;
  return ids.sort((a, b) => (counts[b] ?? 0) - (counts[a] ?? 0)).slice(0, keep);
}

function completions(engine: Engine, prefix: string): number[] {
  const sorted = sortedIds(engine);
  const ids: number[] = [];
  for (let i = lowerBound(engine, sorted, prefix); i < sorted.length; i += 1) {
    const id = sorted[i] ?? 0;
    const term = engine.terms[id] ?? '';
    if (!term.startsWith(prefix)) break;
    if (term !== prefix) ids.push(id);
  }
  return mostFrequent(engine, ids, MAX_PREFIX_EXPANSIONS);
}

/** The bucket range [first, end) of typo candidates `length` characters long. */
function bucketRange({ starts }: TypoBuckets, length: number): [number, number] {
  if (length < 0 || length + 1 >= starts.length) return [0, 0];
  return [starts[length] ?? 0, starts[length + 1] ?? 0];
}

/** Typo neighbours kept for this many words at most (the oldest found goes first). */
const TYPO_CACHE_WORDS = 512;

function typoNeighbours(engine: Engine, term: string, exactId: number | undefined): readonly number[] {
  const cache = engine.typoNeighbourCache;
  const known = cache.get(term);
  if (known) return known;
  const found = findTypoNeighbours(engine, term, exactId);
  if (cache.size >= TYPO_CACHE_WORDS) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(term, found);
  return found;
}

function findTypoNeighbours(engine: Engine, term: string, exactId: number | undefined): number[] {
  const buckets = typoBuckets(engine);
  const { ids: candidates, signatures } = buckets;
  const signature = letterSignature(term);
  const ids: number[] = [];
  for (let length = term.length - 1; length <= term.length + 1; length += 1) {
    const [first, end] = bucketRange(buckets, length);
    for (let i = first; i < end; i += 1) {
      if (popcount(signature ^ (signatures[i] ?? 0)) > MAX_SIGNATURE_CHANGES) continue;
      const id = candidates[i] ?? 0;
      if (id !== exactId && withinOneEdit(term, engine.terms[id] ?? '')) ids.push(id);
    }
  }
  return mostFrequent(engine, ids, MAX_TYPO_EXPANSIONS);
}

/** A word still being typed with a typo in it: terms starting within one edit of it. */
function typoCompletions(engine: Engine, prefix: string): number[] {
  const ids: number[] = [];
  const buckets = typoBuckets(engine);
  const shortest = Math.max(0, prefix.length - 1);
  const first = shortest < buckets.starts.length ? (buckets.starts[shortest] ?? 0) : buckets.ids.length;
  for (let i = first; i < buckets.ids.length; i += 1) {
    const id = buckets.ids[i] ?? 0;
    if (prefixWithinOneEdit(prefix, engine.terms[id] ?? '')) ids.push(id);
  }
  return mostFrequent(engine, ids, MAX_PREFIX_EXPANSIONS);
}

function expandWord(engine: Engine, group: { term: string; prefix: boolean }): Expansion[] {
  const { prefixWeight, knownTypoWeight } = engine.ranking;
  const exact = findTerm(engine, group.term);
  const typoWeight = exact === undefined ? engine.ranking.typoWeight : knownTypoWeight;
  const expansions: Expansion[] = exact === undefined ? [] : [{ id: exact, weight: 1 }];
  if (group.prefix) {
    for (const id of completions(engine, group.term)) expansions.push({ id, weight: prefixWeight });
  }
  if (typoEligible(group.term)) {
    const known = new Set(expansions.map((e) => e.id));
    for (const id of typoNeighbours(engine, group.term, exact)) {
      if (!known.has(id)) expansions.push({ id, weight: typoWeight });
    }
    if (group.prefix && expansions.length === 0) {
      for (const id of typoCompletions(engine, group.term)) expansions.push({ id, weight: typoWeight });
    }
  }
  return expansions;
}

// ---------------------------------------------------------------------------------------------
// Search

interface Scored {
  ord: number;
  score: number;
  complete: boolean;
  /** Bit 0: matched in the title; bit 1: in the body. */
  fields: number;
}

const IN_TITLE = 1;
const IN_BODY = 2;

function ensureScratch(engine: Engine): void {
  const ords = engine.ids.length;
  if (engine.masks.length < ords) {
    engine.masks = new Uint32Array(Math.ceil(ords * GROWTH));
    engine.stamps = new Uint32Array(engine.masks.length);
    engine.rows = new Uint32Array(engine.masks.length);
    engine.stamp = 0;
  }
  const vocabulary = engine.terms.length;
  if (engine.slotBits.length < vocabulary) {
    engine.slotBits = new Uint32Array(Math.ceil(vocabulary * GROWTH));
    engine.slotWeights = new Float64Array(engine.slotBits.length);
    engine.slotClasses = new Uint8Array(engine.slotBits.length);
  }
}

function nextStamp(engine: Engine): number {
  engine.stamp += 1;
  if (engine.stamp === 0xffffffff) {
    engine.stamps.fill(0);
    engine.stamp = 1;
  }
  return engine.stamp;
}

/** Postings of an imported index, per field, in ascending ord order. */
function sortedPostings(engine: Engine, termId: number): Uint32Array[] {
  return (engine.postingLists ?? []).map(({ offsets, ords }) =>
    ords.subarray(offsets[termId] ?? 0, offsets[termId + 1] ?? 0),
  );
}

/** Article ords holding `termId`, per field (FlexSearch's own lists: never modify them). */
function postings(engine: Engine, termId: number): Postings[] {
  if (engine.postingLists) return sortedPostings(engine, termId);
  const term = engine.terms[termId] ?? '';
  const results = engine.index.search(term, { limit: POSTINGS_LIMIT });
  return results.map((entry) => entry.result as number[]);
}

/**
 * Ords that may hold a CJK run: those holding its rarest character whose pair filters accept every
 * adjacent pair of the run (no false negatives; the run itself is checked when scoring).
 */
function runCandidates(engine: Engine, run: number[]): number[] {
  let rarest: Postings[] = [];
  let rarestSize = Number.POSITIVE_INFINITY;
  for (const id of new Set(run)) {
    const lists = postings(engine, id);
    const size = lists.reduce((sum, list) => sum + list.length, 0);
    if (size < rarestSize) {
      rarest = lists;
      rarestSize = size;
    }
  }
  const stamp = nextStamp(engine);
  const candidates: number[] = [];
  for (const list of rarest) {
    for (const ord of list) {
      if (engine.stamps[ord] === stamp) continue;
      engine.stamps[ord] = stamp;
      let possible = true;
      for (let j = 1; possible && j < run.length; j += 1)
        possible = mayHavePair(engine, ord, run[j - 1] ?? 0, run[j] ?? 0);
      if (possible) candidates.push(ord);
    }
  }
  return candidates;
}

/**
 * The query as matched against the vocabulary. Each query term is a slot (one bit): a word's slot
 * accepts the word and its completions or typo neighbours, a CJK run has one slot per character.
 * engine.slotBits/slotWeights hold, per term id, the slots it fills and its weight.
 */
interface Plan {
  groupCount: number;
  /**
   * Per group: its first slot, its number of slots, its collection probability, its idf (of an
   * intersected plan, only the listed group's until widenPlan: only partial matches use idfs).
   */
  firstSlot: Int32Array;
  slotCount: Int32Array;
  collection: Float64Array;
  idf: Float64Array;
  slots: number;
  /** When the whole query is one CJK run: its term ids, counted by a faster scan. */
  run: Uint32Array | null;
  /** Term ids given slot bits, to clear afterwards. */
  slotted: number[];
  /** Scratch for countOrdered: one entry per group, plus one. */
  ways: Float64Array;
  /** Every ord matching some group, and its group bits in engine.masks. */
  touched: number[];
  /** Per group: the term ids filling its (first) slot; empty for a CJK run. */
  expansions: number[][];
  /** Every group is a word (no CJK run). */
  wordsOnly: boolean;
  /**
   * Plan's `intersect`: the group whose articles alone `touched` lists (the other groups only
   * marked those), so only the complete matches are there; null when every group's are (widenPlan).
   */
  intersected: number | null;
  /**
   * The distinct weights of the query's terms. A word's weighted count is summed per weight (how
   * many occurrences of each), then weighed: the same sum to the last bit whether the occurrences
   * were counted by a scan (countField) or taken from the postings (countTallies).
   */
  weights: number[];
}

/**
 * `intersect` (a query of words only, answered from the postings): the group with the fewest postings
 * marks its articles, and each further group (by size) only adds its bit to those holding every group
 * before it (readHeld, or seekEach: each looked up in its lists when they are few). `touched` then holds
 * the first group's articles, not every article matching some group: the complete matches are the
 * same, but the partial ones are not all there, nor the other groups' idfs (`Plan.intersected`;
 * searchWithTotal widens the plan when it needs them).
 */
function plan(engine: Engine, parsed: QueryGroup[], intersect = false): Plan {
  const total = Math.max(1, engine.titleTokens + engine.bodyTokens);
  const counts = engine.termCounts.data;
  const docs = Math.max(1, engine.docCount);
  const groupCount = parsed.length;
  const planned: Plan = {
    groupCount,
    firstSlot: new Int32Array(groupCount),
    slotCount: new Int32Array(groupCount),
    collection: new Float64Array(groupCount),
    idf: new Float64Array(groupCount),
    slots: 0,
    run: null,
    slotted: [],
    ways: new Float64Array(groupCount + 1),
    touched: [],
    expansions: [],
    wordsOnly: parsed.every((group) => group.kind === 'word'),
    weights: [],
    intersected: null,
  };
  const deferred = intersect && planned.wordsOnly && groupCount > 1;
  const { slotted, touched } = planned;
  const addSlot = (id: number, bit: number, weight: number): void => {
    if (engine.slotBits[id] === 0) slotted.push(id);
    engine.slotBits[id] = (engine.slotBits[id] ?? 0) | (1 << bit);
    engine.slotWeights[id] = Math.max(engine.slotWeights[id] ?? 0, weight);
  };
  let slot = 0;
  parsed.forEach((group, g) => {
    const bit = 1 << g;
    let collection = 0;
    let matched = 0;
    planned.firstSlot[g] = slot;
    const expansions: number[] = [];
    planned.expansions.push(expansions);
    if (group.kind === 'word') {
      for (const { id, weight } of expandWord(engine, group)) {
        expansions.push(id);
        addSlot(id, slot, weight);
        collection += (weight * (counts[id] ?? 0)) / total;
        if (!deferred) matched += markAll(engine, touched, postings(engine, id), bit);
      }
      planned.slotCount[g] = 1;
      slot += 1;
    } else {
      const ids = group.chars.map((ch) => findTerm(engine, ch));
      collection = 1;
      ids.forEach((id, j) => {
        if (id !== undefined) addSlot(id, slot + j, 1);
        collection *= (id === undefined ? 0 : (counts[id] ?? 0)) / total;
      });
      const known = ids.filter((id): id is number => id !== undefined);
      if (known.length === ids.length) {
        matched = markAll(engine, touched, [runCandidates(engine, known)], bit);
        if (groupCount === 1) planned.run = Uint32Array.from(known);
      }
      planned.slotCount[g] = ids.length;
      slot += ids.length;
    }
    // Never zero: a group absent from the collection still gets a small smoothed probability.
    planned.collection[g] = Math.max(collection, UNSEEN_COUNT / total);
    planned.idf[g] = Math.log(1 + docs / (1 + matched));
  });
  if (deferred) {
    const lists = planned.expansions.map((ids) => ids.flatMap((id) => sortedPostings(engine, id)));
    const sizes = lists.map((group) => group.reduce((n, list) => n + list.length, 0));
    const order = parsed.map((_, g) => g).sort((a, b) => (sizes[a] ?? 0) - (sizes[b] ?? 0) || a - b);
    const first = order[0] ?? 0;
    const matched = markAll(engine, touched, lists[first] ?? [], 1 << first);
    planned.idf[first] = Math.log(1 + docs / (1 + matched));
    // The articles holding every group so far (sorted once some list is to be looked up in); each
    // further group keeps those it holds.
    let alive = Uint32Array.from(touched);
    let sorted = false;
    let held = 1 << first;
    const { masks } = engine;
    for (const g of order.slice(1)) {
      const bit = 1 << g;
      for (const list of lists[g] ?? []) {
        if (seekingPays(alive.length, list.length)) {
          if (!sorted) alive.sort();
          sorted = true;
          seekEach(list, alive, (ord) => (masks[ord] = (masks[ord] ?? 0) | bit));
        } else readHeld(engine, list, held, bit);
      }
      held |= bit;
      let kept = 0;
      for (const ord of alive) if (((masks[ord] ?? 0) & bit) !== 0) alive[kept++] = ord;
      alive = alive.subarray(0, kept);
    }
    planned.intersected = first;
  }
  planned.slots = slot;
  for (const id of slotted) {
    const weight = engine.slotWeights[id] ?? 0;
    let at = planned.weights.indexOf(weight);
    if (at < 0) at = planned.weights.push(weight) - 1;
    engine.slotClasses[id] = at;
  }
  return planned;
}

/** Adds `bit` to the articles of `lists`, listing in `touched` those marked for the first time; returns how many got it. */
function markAll(engine: Engine, touched: number[], lists: readonly Postings[], bit: number): number {
  let marked = 0;
  for (const list of lists) {
    for (const ord of list) {
      const mask = engine.masks[ord] ?? 0;
      if (mask & bit) continue;
      if (mask === 0) touched.push(ord);
      engine.masks[ord] = mask | bit;
      marked += 1;
    }
  }
  return marked;
}

/**
 * The first index at or after `from` where `list` (ascending) holds `ord` or more, `list.length` when
 * none: steps that double from `from`, then halving between the last two (O(log gap)).
 */
export function seek(list: Uint32Array, from: number, ord: number): number {
  const n = list.length;
  if (from >= n || (list[from] ?? 0) >= ord) return from;
  let low = from;
  let step = 1;
  let high = from + 1;
  while (high < n && (list[high] ?? 0) < ord) {
    low = high;
    step *= 2;
    high = low + step;
  }
  if (high > n) high = n;
  while (high - low > 1) {
    const middle = (low + high) >>> 1;
    if ((list[middle] ?? 0) < ord) low = middle;
    else high = middle;
  }
  return high;
}

/**
 * Looking up `wanted` ords (ascending) one by one in an ascending list of `size` beats reading the
 * list through when they are this much fewer: each look-up costs a few doubling and halving steps.
 */
export function seekingPays(wanted: number, size: number): boolean {
  return wanted * (2 * Math.log2(size / Math.max(1, wanted) + 1) + 2) < size;
}

/** Adds `bit` to the articles of `list` that hold all of `held`, reading the list through. */
function readHeld(engine: Engine, list: Uint32Array, held: number, bit: number): void {
  const { masks } = engine;
  for (const ord of list) {
    const mask = masks[ord] ?? 0;
    if ((mask & held) === held) masks[ord] = mask | bit;
  }
}

/**
 * Calls `found` with each of `wanted` (ascending) that `list` (ascending) holds, and its index there,
 * looking each up in turn (seek): for articles far fewer than the list's postings (seekingPays).
 */
function seekEach(list: Uint32Array, wanted: Uint32Array, found: (ord: number, at: number) => void): void {
  let at = 0;
  for (const ord of wanted) {
    at = seek(list, at, ord);
    if (at >= list.length) return;
    if (list[at] === ord) found(ord, at);
  }
}

/**
 * An intersected plan made whole: every group's articles marked and listed in `touched`, as the
 * full plan would have them, and the other groups' idfs counted from them. For the partial
 * matches, when no article has every word.
 */
function widenPlan(engine: Engine, planned: Plan): void {
  const listed = planned.intersected;
  if (listed === null) return;
  const { touched } = planned;
  const docs = Math.max(1, engine.docCount);
  planned.expansions.forEach((ids, g) => {
    if (g === listed) return;
    const bit = 1 << g;
    for (const id of ids) markAll(engine, touched, postings(engine, id), bit);
    let matched = 0;
    for (const ord of touched) if (((engine.masks[ord] ?? 0) & bit) !== 0) matched += 1;
    planned.idf[g] = Math.log(1 + docs / (1 + matched));
  });
  planned.intersected = null;
}

function clearPlan(engine: Engine, planned: Plan): void {
  for (const id of planned.slotted) {
    engine.slotBits[id] = 0;
    engine.slotWeights[id] = 0;
  }
  for (const ord of planned.touched) engine.masks[ord] = 0;
}

/** Weight of the slots [first, first + count) matched from `p` on, or 0 when one does not match. */
function runWeight(
  tokens: Uint32Array,
  bits: Uint32Array,
  weights: Float64Array,
  p: number,
  end: number,
  first: number,
  count: number,
): number {
  if (p + count > end) return 0;
  let weight = 1;
  for (let j = 0; j < count; j += 1) {
    const id = tokens[p + j] ?? 0;
    if ((((bits[id] ?? 0) >>> (first + j)) & 1) === 0) return 0;
    weight *= weights[id] ?? 0;
  }
  return weight;
}

function logAddExp(a: number, b: number): number {
  const max = Math.max(a, b);
  return max + Math.log(Math.exp(a - max) + Math.exp(b - max));
}

/**
 * Counts the matches of each group in one field: a word's occurrences per weight in
 * tally[(offset + g) * weights + class], a CJK run's weighted matches in counts[offset + g]
 * (settleCounts adds the two). Returns the phrase's weighted matches.
 */
function countField(
  engine: Engine,
  planned: Plan,
  start: number,
  length: number,
  counts: Float64Array,
  tally: Float64Array,
  offset: number,
): number {
  const tokens = engine.tokens.data;
  const bits = engine.slotBits;
  const weights = engine.slotWeights;
  const classes = engine.slotClasses;
  const classCount = planned.weights.length;
  const { groupCount, firstSlot, slotCount, slots } = planned;
  const withPhrase = groupCount > 1;
  const end = start + length;
  let phrase = 0;
  for (let p = start; p < end; p += 1) {
    const id = tokens[p] ?? 0;
    const slotBits = bits[id] ?? 0;
    if (slotBits === 0) continue;
    for (let g = 0; g < groupCount; g += 1) {
      const first = firstSlot[g] ?? 0;
      if (((slotBits >>> first) & 1) === 0) continue;
      const count = slotCount[g] ?? 1;
      if (count === 1) {
        const at = (offset + g) * classCount + (classes[id] ?? 0);
        tally[at] = (tally[at] ?? 0) + 1;
      } else {
        counts[offset + g] = (counts[offset + g] ?? 0) + runWeight(tokens, bits, weights, p, end, first, count);
      }
    }
    if (withPhrase && slotBits & 1) phrase += runWeight(tokens, bits, weights, p, end, 0, slots);
  }
  return phrase;
}

/** Adds the tallied word occurrences, weighed, to counts[from .. from + n). */
function settleCounts(planned: Plan, counts: Float64Array, tally: Float64Array, from: number, n: number): void {
  const { weights } = planned;
  const classCount = weights.length;
  for (let i = from; i < from + n; i += 1) {
    let weighted = 0;
    for (let c = 0; c < classCount; c += 1) weighted += (weights[c] ?? 0) * (tally[i * classCount + c] ?? 0);
    counts[i] = (counts[i] ?? 0) + weighted;
  }
}

/**
 * Ways the query's groups occur in order, not necessarily adjacent, in one field (each way
 * weighted by its words' weights): a subsequence count, one pass over the field.
 */
function countOrdered(engine: Engine, planned: Plan, start: number, length: number, ways: Float64Array): number {
  const tokens = engine.tokens.data;
  const bits = engine.slotBits;
  const weights = engine.slotWeights;
  const { groupCount, firstSlot, slotCount } = planned;
  const end = start + length;
  ways.fill(0);
  ways[0] = 1;
  for (let p = start; p < end; p += 1) {
    const id = tokens[p] ?? 0;
    const slotBits = bits[id] ?? 0;
    if (slotBits === 0) continue;
    // Last group first, so one term never counts for two neighbouring groups at once.
    for (let g = groupCount - 1; g >= 0; g -= 1) {
      const first = firstSlot[g] ?? 0;
      if (((slotBits >>> first) & 1) === 0) continue;
      const count = slotCount[g] ?? 1;
      const weight = count === 1 ? (weights[id] ?? 0) : runWeight(tokens, bits, weights, p, end, first, count);
      ways[g + 1] = (ways[g + 1] ?? 0) + (ways[g] ?? 0) * weight;
    }
  }
  return ways[groupCount] ?? 0;
}

/** n choose k, as a float (title lengths are small). */
function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let result = 1;
  for (let i = 0; i < k; i += 1) result = (result * (n - i)) / (i + 1);
  return result;
}

/** Occurrences of `run` in one field: jumps between occurrences of its first term (native indexOf). */
function countRun(engine: Engine, run: Uint32Array, start: number, length: number): number {
  const field = engine.tokens.data.subarray(start, start + length);
  const first = run[0] ?? 0;
  let count = 0;
  for (let p = field.indexOf(first); p >= 0 && p + run.length <= length; p = field.indexOf(first, p + 1)) {
    let j = 1;
    while (j < run.length && field[p + j] === run[j]) j += 1;
    if (j === run.length) count += 1;
  }
  return count;
}

/** The score of an article from its per-group counts (title, then body) and its phrase and ordered matches. */
function finishScore(
  engine: Engine,
  ord: number,
  planned: Plan,
  counts: Float64Array,
  titlePhrase: number,
  bodyPhrase: number,
  titleOrdered: number,
): Scored {
  const { titleShare, titleSmoothing, bodySmoothing, phraseBoost, orderedBoost } = engine.ranking;
  const { groupCount, collection, slots } = planned;
  const titleLength = engine.titleLength.data[ord] ?? 0;
  const bodyLength = engine.bodyLength.data[ord] ?? 0;
  const titleNorm = titleShare / (titleLength + titleSmoothing);
  const bodyNorm = (1 - titleShare) / (bodyLength + bodySmoothing);
  let logLikelihood = 0;
  let complete = true;
  let fields = 0;
  for (let g = 0; g < groupCount; g += 1) {
    const inTitle = counts[g] ?? 0;
    const inBody = counts[groupCount + g] ?? 0;
    const background = collection[g] ?? 0;
    logLikelihood += Math.log(
      titleNorm * (inTitle + titleSmoothing * background) + bodyNorm * (inBody + bodySmoothing * background),
    );
    if (inTitle + inBody === 0) complete = false;
    if (inTitle > 0) fields |= IN_TITLE;
    if (inBody > 0) fields |= IN_BODY;
  }
  // The phrase and the ordered words as a query drawn from one field: occurrences over the ways
  // to draw that many terms from it (windows, or ordered picks), so a short title's match counts more.
  const phraseProbability =
    titleShare * (titlePhrase / Math.max(1, titleLength - slots + 1)) +
    (1 - titleShare) * (bodyPhrase / Math.max(1, bodyLength - slots + 1));
  const orderedProbability = titleOrdered > 0 ? (titleShare * titleOrdered) / choose(titleLength, groupCount) : 0;
  const extra = phraseBoost * phraseProbability + orderedBoost * orderedProbability;
  const score = extra > 0 ? logAddExp(logLikelihood, Math.log(extra)) : logLikelihood;
  return { ord, score, complete, fields };
}

/** Ways the query's groups occur in order in the title (0 for a one-group query, or with orderedBoost 0). */
function titleOrderedCount(engine: Engine, planned: Plan, titleStart: number, titleLength: number): number {
  return planned.groupCount > 1 && engine.ranking.orderedBoost > 0
    ? countOrdered(engine, planned, titleStart, titleLength, planned.ways)
    : 0;
}

/** Scores one article against the planned query by scanning its terms in order. */
function scoreArticle(engine: Engine, ord: number, planned: Plan, counts: Float64Array, tally: Float64Array): Scored {
  const { groupCount, run } = planned;
  counts.fill(0);
  tally.fill(0);
  const titleStart = engine.titleStart.data[ord] ?? 0;
  const titleLength = engine.titleLength.data[ord] ?? 0;
  const bodyStart = engine.bodyStart.data[ord] ?? 0;
  const bodyLength = engine.bodyLength.data[ord] ?? 0;
  let titlePhrase = 0;
  let bodyPhrase = 0;
  if (run) {
    counts[0] = countRun(engine, run, titleStart, titleLength);
    counts[1] = countRun(engine, run, bodyStart, bodyLength);
  } else {
    titlePhrase = countField(engine, planned, titleStart, titleLength, counts, tally, 0);
    bodyPhrase = countField(engine, planned, bodyStart, bodyLength, counts, tally, groupCount);
    settleCounts(planned, counts, tally, 0, 2 * groupCount);
  }
  // In order in the title, gaps allowed (adjacent matches included): a loosely remembered title.
  const titleOrdered = titleOrderedCount(engine, planned, titleStart, titleLength);
  return finishScore(engine, ord, planned, counts, titlePhrase, bodyPhrase, titleOrdered);
}

/** Articles, and the same ascending once something needed them so (made at most once). */
interface SortedOrds {
  ords: readonly number[];
  sorted: Uint32Array | null;
}

/**
 * One field's tallies of the articles `ords` (as countField makes them; row i starts at
 * tally[i * groupCount * weights]), summed from the field's postings' counts instead of scanning it:
 * a term's list is read through, or, when `order.ords` are far fewer, each of them (in ascending
 * order: `order.sorted`) is looked up in it. `saturated[i]` becomes 1 when some count hit
 * MAX_POSTING_COUNT: that article must be scanned.
 */
function countTallies(
  engine: Engine,
  planned: Plan,
  field: FieldPostings,
  order: SortedOrds,
  saturated: Uint8Array,
): Uint32Array {
  const { ords } = order;
  const { groupCount, expansions } = planned;
  const classCount = planned.weights.length;
  const rowSize = groupCount * classCount;
  const { rows } = engine;
  ords.forEach((ord, i) => (rows[ord] = i + 1));
  const fieldTally = new Uint32Array(ords.length * rowSize);
  const { offsets, ords: lists, counts } = field;
  const add = (row: number, i: number, column: number): void => {
    const count = counts[i] ?? 0;
    if (count >= MAX_POSTING_COUNT) saturated[row - 1] = 1;
    const at = (row - 1) * rowSize + column;
    fieldTally[at] = (fieldTally[at] ?? 0) + count;
  };
  for (let g = 0; g < groupCount; g += 1) {
    for (const id of expansions[g] ?? []) {
      const column = g * classCount + (engine.slotClasses[id] ?? 0);
      const begin = offsets[id] ?? 0;
      const end = offsets[id + 1] ?? 0;
      if (seekingPays(ords.length, end - begin)) {
        // Few articles against a long list: each is looked up in it.
        order.sorted ??= Uint32Array.from(ords).sort();
        seekEach(lists.subarray(begin, end), order.sorted, (ord, at) => add(rows[ord] ?? 0, begin + at, column));
        continue;
      }
      for (let i = begin; i < end; i += 1) {
        const row = rows[lists[i] ?? 0] ?? 0;
        if (row !== 0) add(row, i, column);
      }
    }
  }
  for (const ord of ords) rows[ord] = 0;
  return fieldTally;
}

/**
 * Weighted occurrences of the whole query as a phrase in one field, found from the `occurrences`
 * occurrences of group `anchor`'s terms there (the field holds exactly that many) instead of a scan
 * of every term: the same sum as countField's. The look stops at the anchor's last occurrence.
 */
function anchoredPhrase(
  engine: Engine,
  planned: Plan,
  anchor: number,
  start: number,
  length: number,
  occurrences: number,
): number {
  const tokens = engine.tokens.data;
  const bits = engine.slotBits;
  const weights = engine.slotWeights;
  const offset = planned.firstSlot[anchor] ?? 0;
  const { slots } = planned;
  const end = start + length;
  // Where the anchor can stand in a phrase that fits the field; starts ascending, as countField meets them.
  const first = start + offset;
  const last = end - slots + offset;
  const ids = planned.expansions[anchor] ?? [];
  let phrase = 0;
  let left = occurrences;
  if (ids.length === 1) {
    // One term: a plain comparison per position, no look-up.
    const id = ids[0] ?? 0;
    for (let p = start; left > 0 && p <= last; p += 1) {
      if (tokens[p] !== id) continue;
      left -= 1;
      if (p >= first) phrase += runWeight(tokens, bits, weights, p - offset, end, 0, slots);
    }
    return phrase;
  }
  for (let p = start; left > 0 && p <= last; p += 1) {
    if ((((bits[tokens[p] ?? 0] ?? 0) >>> offset) & 1) === 0) continue;
    left -= 1;
    if (p >= first) phrase += runWeight(tokens, bits, weights, p - offset, end, 0, slots);
  }
  return phrase;
}

/**
 * scoreArticle for a query of words on an imported index: the title is scanned (it is short), the
 * body's counts come from countTallies (row `row` of `bodyTally`), and its phrase is looked for only
 * where every group occurs, from the occurrences of the group occurring least.
 */
function scoreCounted(
  engine: Engine,
  ord: number,
  planned: Plan,
  counts: Float64Array,
  tally: Float64Array,
  bodyTally: Uint32Array,
  titleTally: Uint32Array | null,
  row: number,
): Scored {
  const { groupCount } = planned;
  const rowSize = groupCount * planned.weights.length;
  const from = row * rowSize;
  counts.fill(0);
  tally.fill(0);
  const titleStart = engine.titleStart.data[ord] ?? 0;
  const titleLength = engine.titleLength.data[ord] ?? 0;
  // A title holding none of the words (its postings say so) has nothing to scan: no counts, no phrase.
  let inTitle = titleTally === null;
  for (let i = from; !inTitle && i < from + rowSize; i += 1) inTitle = (titleTally?.[i] ?? 0) > 0;
  const titlePhrase = inTitle ? countField(engine, planned, titleStart, titleLength, counts, tally, 0) : 0;
  for (let i = 0; i < rowSize; i += 1) tally[rowSize + i] = bodyTally[from + i] ?? 0;
  settleCounts(planned, counts, tally, 0, 2 * groupCount);
  // The anchor: the group with the fewest occurrences in the body (each counted once, by the tally).
  const classCount = planned.weights.length;
  let anchor = 0;
  let fewest = Number.POSITIVE_INFINITY;
  for (let g = 0; g < groupCount; g += 1) {
    let occurrences = 0;
    for (let c = 0; c < classCount; c += 1) occurrences += tally[rowSize + g * classCount + c] ?? 0;
    if (occurrences < fewest) {
      fewest = occurrences;
      anchor = g;
    }
  }
  const bodyStart = engine.bodyStart.data[ord] ?? 0;
  const bodyLength = engine.bodyLength.data[ord] ?? 0;
  const bodyPhrase =
    groupCount > 1 && fewest > 0 ? anchoredPhrase(engine, planned, anchor, bodyStart, bodyLength, fewest) : 0;
  const titleOrdered = inTitle ? titleOrderedCount(engine, planned, titleStart, titleLength) : 0;
  return finishScore(engine, ord, planned, counts, titlePhrase, bodyPhrase, titleOrdered);
}

const MAX_INSERTED_FIRST = 64;
/** A bound this close below the page's last score is still checked: rounding may differ between the two. */
const BOUND_SLACK = 1e-9;

/** The first `k` of `items` in `compare` order (a full sort's first k, without sorting them all). */
export function firstInOrder<T>(items: readonly T[], k: number, compare: (a: T, b: T) => number): T[] {
  if (k <= 0) return [];
  // Inserting costs up to k moves per item: past a few dozen, sorting them all is cheaper.
  if (k > MAX_INSERTED_FIRST) return [...items].sort(compare).slice(0, k);
  const best: T[] = [];
  for (const item of items) insertInOrder(best, item, k, compare);
  return best;
}

/** Puts `item` into `best` (the first k so far, in order) if it belongs there. */
function insertInOrder<T>(best: T[], item: T, k: number, compare: (a: T, b: T) => number): void {
  const worst = best[best.length - 1];
  if (best.length === k && worst !== undefined && compare(item, worst) >= 0) return;
  let at = best.length;
  while (at > 0 && compare(item, best[at - 1] as T) < 0) at -= 1;
  best.splice(at, 0, item);
  if (best.length > k) best.pop();
}

/** Weighs row `row` of a tally (countTallies) into per-group counts: out[g]. */
function settleRow(planned: Plan, tally: Uint32Array, row: number, out: Float64Array): void {
  const { groupCount, weights } = planned;
  const classCount = weights.length;
  const first = row * groupCount * classCount;
  for (let g = 0; g < groupCount; g += 1) {
    let weighted = 0;
    for (let c = 0; c < classCount; c += 1) weighted += (weights[c] ?? 0) * (tally[first + g * classCount + c] ?? 0);
    out[g] = weighted;
  }
}

/**
 * An upper bound of exp(score) from the per-group counts alone, with no scan: each phrase
 * occurrence holds one occurrence of every word, each weighing at least the phrase's weight, so a
 * field holds the phrase at most as often as its rarest word; the title's ordered picks are at
 * most the product of its words' counts. The likelihood part is exact (finishScore's, unlogged).
 */
function scoreBound(engine: Engine, ord: number, planned: Plan, inTitle: Float64Array, inBody: Float64Array): number {
  const { titleShare, titleSmoothing, bodySmoothing, phraseBoost, orderedBoost } = engine.ranking;
  const { groupCount, collection, slots } = planned;
  const titleLength = engine.titleLength.data[ord] ?? 0;
  const bodyLength = engine.bodyLength.data[ord] ?? 0;
  const titleNorm = titleShare / (titleLength + titleSmoothing);
  const bodyNorm = (1 - titleShare) / (bodyLength + bodySmoothing);
  let likelihood = 1;
  let titleFewest = Number.POSITIVE_INFINITY;
  let bodyFewest = Number.POSITIVE_INFINITY;
  let titleProduct = 1;
  for (let g = 0; g < groupCount; g += 1) {
    const t = inTitle[g] ?? 0;
    const b = inBody[g] ?? 0;
    const background = collection[g] ?? 0;
    likelihood *= titleNorm * (t + titleSmoothing * background) + bodyNorm * (b + bodySmoothing * background);
    titleFewest = Math.min(titleFewest, t);
    bodyFewest = Math.min(bodyFewest, b);
    titleProduct *= t;
  }
  const phrase =
    titleShare * (titleFewest / Math.max(1, titleLength - slots + 1)) +
    (1 - titleShare) * (bodyFewest / Math.max(1, bodyLength - slots + 1));
  const ordered =
    titleProduct > 0 && orderedBoost > 0 ? (titleShare * titleProduct) / choose(titleLength, groupCount) : 0;
  return likelihood + phraseBoost * phrase + orderedBoost * ordered;
}

/**
 * The first `need` of `candidates` (ords holding every word of a query of words, on an imported
 * index), in `sort` order. By date, only those are scored. By relevance, each article gets an upper
 * bound from its posting counts (scoreBound); the articles with the best bounds are scored, then
 * only those whose bound reaches the page found so far: the rest are never scanned. The result is
 * the same as scoring them all.
 */
function rankCounted(
  engine: Engine,
  planned: Plan,
  candidates: readonly number[],
  need: number,
  sort: SearchSort,
  scratch: { counts: Float64Array; tally: Float64Array },
): Scored[] {
  const { counts, tally } = scratch;
  const [title, body] = engine.postingLists ?? [];
  if (!title || !body) throw new Error('search: no postings');
  const saturated = new Uint8Array(candidates.length);
  const order: SortedOrds = { ords: candidates, sorted: null };
  const bodyTally = countTallies(engine, planned, body, order, saturated);
  // By relevance, the titles' tallies too (for the bounds): then a title without the words is not scanned.
  let titleTally: Uint32Array | null = null;
  const exact = (row: number): Scored => {
    const ord = candidates[row] ?? 0;
    return saturated[row]
      ? scoreArticle(engine, ord, planned, counts, tally)
      : scoreCounted(engine, ord, planned, counts, tally, bodyTally, titleTally, row);
  };
  const rows = candidates.map((_, row) => row);
  if (sort === 'date') {
    const newest = byDate(engine);
    const ordOf = (row: number): Scored => ({ ord: candidates[row] ?? 0, score: 0, complete: true, fields: 0 });
    return firstInOrder(rows, need, (a, b) => newest(ordOf(a), ordOf(b))).map(exact);
  }
  if (need > MAX_INSERTED_FIRST) return firstInOrder(rows.map(exact), need, byRelevance);
  titleTally = countTallies(engine, planned, title, order, saturated);
  const { groupCount } = planned;
  const inTitle = new Float64Array(groupCount);
  const inBody = new Float64Array(groupCount);
  const bounds = new Float64Array(rows.length);
  for (const row of rows) {
    if (saturated[row]) {
      bounds[row] = Number.POSITIVE_INFINITY;
      continue;
    }
    settleRow(planned, titleTally, row, inTitle);
    settleRow(planned, bodyTally, row, inBody);
    bounds[row] = scoreBound(engine, candidates[row] ?? 0, planned, inTitle, inBody);
  }
  const best: Scored[] = [];
  const scored = new Uint8Array(rows.length);
  const byBound = (a: number, b: number): number =>
    (bounds[b] ?? 0) - (bounds[a] ?? 0) || (candidates[a] ?? 0) - (candidates[b] ?? 0);
  for (const row of firstInOrder(rows, need, byBound)) {
    insertInOrder(best, exact(row), need, byRelevance);
    scored[row] = 1;
  }
  // Scores are logs, the bounds are not; rounding may differ, so a bound just below still counts.
  const reach = (): number =>
    best.length === need ? Math.exp(best[need - 1]?.score ?? Number.NEGATIVE_INFINITY) * (1 - BOUND_SLACK) : 0;
  let lowest = reach();
  for (const row of rows) {
    if (scored[row] || (bounds[row] ?? 0) < lowest) continue;
    insertInOrder(best, exact(row), need, byRelevance);
    lowest = reach();
  }
  return best;
}

function filterTest(engine: Engine, filters: SearchFilters | undefined): ((ord: number) => boolean) | null {
  if (!filters) return null;
  const { category, lang, from, to } = filters;
  const tests: Array<(ord: number) => boolean> = [];
  if (category !== undefined) {
    const code = engine.categories.indexOf(category);
    tests.push((ord) => code > NO_CATEGORY && engine.categoryCodes.get(ord) === code);
  }
  if (lang !== undefined) {
    const codes = new Set<number>();
    engine.langs.forEach((value, code) => {
      if (value === lang || value.startsWith(`${lang}-`)) codes.add(code);
    });
    tests.push((ord) => codes.has(engine.langCodes.get(ord)));
  }
  if (from !== undefined) {
    tests.push((ord) => {
      const date = engine.dates[ord];
      return date != null && date.slice(0, from.length) >= from;
    });
  }
  if (to !== undefined) {
    tests.push((ord) => {
      const date = engine.dates[ord];
      return date != null && date.slice(0, to.length) <= to;
    });
  }
  if (tests.length === 0) return null;
  return (ord) => tests.every((test) => test(ord));
}

function byRelevance(a: Scored, b: Scored): number {
  return b.score - a.score || a.ord - b.ord;
}

function byDate(engine: Engine): (a: Scored, b: Scored) => number {
  // Newest first; undated last. Corpus order already sorts by date, so ord breaks ties the same way.
  return (a, b) => {
    const da = engine.dates[a.ord] ?? '';
    const db = engine.dates[b.ord] ?? '';
    if (da !== db) return da < db ? 1 : -1;
    return b.ord - a.ord;
  };
}

function toHit(engine: Engine, scored: Scored): SearchHit {
  return {
    ord: scored.ord,
    id: engine.ids[scored.ord] ?? '',
    score: scored.score,
    fields: FIELDS.filter((_, f) => (scored.fields >>> f) & 1),
    complete: scored.complete,
  };
}

/** Searches, returning the page asked for and how many articles match in all. */
export function searchWithTotal(engine: Engine, query: string, options: SearchOptions = {}): SearchResult {
  const limit = options.limit ?? DEFAULT_LIMIT;
  const offset = options.offset ?? 0;
  const parsed = parseQuery(query, MAX_QUERY_TERMS).groups;
  if (parsed.length === 0 || engine.docCount === 0 || limit <= 0) return { hits: [], total: 0 };
  ensureScratch(engine);
  const counted = engine.postingLists !== null && parsed.length <= MAX_COUNTED_GROUPS;
  const planned = plan(engine, parsed, counted);
  try {
    const { groupCount } = planned;
    const full = 2 ** groupCount - 1;
    const accept = filterTest(engine, options.filters);
    const counts = new Float64Array(groupCount * 2);
    const tally = new Float64Array(groupCount * 2 * planned.weights.length);
    const complete: Scored[] = [];
    const partial: Scored[] = [];
    // Ords holding every group (by the postings), and those missing some group outright.
    const candidates: number[] = [];
    const rest: number[] = [];
    const split = (): void => {
      for (const ord of planned.touched) {
        if (accept && !accept(ord)) continue;
        (engine.masks[ord] === full ? candidates : rest).push(ord);
      }
    };
    split();
    if (planned.intersected !== null && candidates.length === 0) {
      // No complete match: the partial ones are wanted, so every group's articles are marked after all.
      widenPlan(engine, planned);
      rest.length = 0;
      split();
    }
    if (counted && planned.wordsOnly && candidates.length > 0) {
      // Every word occurs in each candidate (the postings say so): all are complete matches.
      const sort = options.sort ?? 'relevance';
      const ordered = rankCounted(engine, planned, candidates, offset + limit, sort, { counts, tally });
      return {
        hits: ordered.slice(offset, offset + limit).map((scored) => toHit(engine, scored)),
        total: candidates.length,
      };
    }
    for (const ord of candidates) {
      const scored = scoreArticle(engine, ord, planned, counts, tally);
      (scored.complete ? complete : partial).push(scored);
    }
    const partialTotal = partial.length + rest.length;
    if (complete.length === 0) {
      // No article has it all: the best partial matches by a cheap estimate, then scored in full.
      const estimate = (ord: number): number => {
        const mask = engine.masks[ord] ?? 0;
        let sum = 0;
        for (let g = 0; g < groupCount; g += 1) if ((mask >>> g) & 1) sum += planned.idf[g] ?? 0;
        return sum;
      };
      const best = rest
        .map((ord) => ({ ord, estimate: estimate(ord) }))
        .sort((a, b) => b.estimate - a.estimate || a.ord - b.ord)
        .slice(0, MAX_PARTIAL_CANDIDATES);
      for (const { ord } of best) partial.push(scoreArticle(engine, ord, planned, counts, tally));
    }
    const matches = complete.length > 0 ? complete : partial;
    const ordered = firstInOrder(matches, offset + limit, options.sort === 'date' ? byDate(engine) : byRelevance);
    const hits = ordered.slice(offset, offset + limit).map((scored) => toHit(engine, scored));
    return { hits, total: complete.length > 0 ? complete.length : partialTotal };
  } finally {
    clearPlan(engine, planned);
  }
}

/** Terms of each kind a warm-up takes from the vocabulary. */
const WARM_UP_TERMS = 6;
/** Latin terms shorter than this are left out of the warm-up (prefixes and typos need letters). */
const WARM_UP_MIN_LENGTH = 4;
/**
 * Warm-up terms occur this often (collection frequency): common enough to match, rare enough that
 * the warm-up itself stays cheap (the most frequent words are the slowest searches there are).
 */
const WARM_UP_MIN_COUNT = 8;
const WARM_UP_MAX_COUNT = 64;

/**
 * Searches that exercise every path of the engine on this index, made from its own vocabulary (so
 * they fit any language): a word, phrases of two and three, a prefix, a typo, a rare word beside
 * another, Chinese runs when the index has Chinese, by date and with a filter; then, on an index
 * answering from its postings, 32 searches of more and more common words (trainingQueries). The
 * worker runs them once, a task each, after an index becomes ready: the first searches of a fresh
 * worker paid V8's compilation and the engine's lazily built tables, and its first large ones ran
 * the engine's loops unoptimized (bench/query-latency.ts `--first`, docs/ARCHITECTURE.md).
 */
export function warmUpQueries(engine: Engine): { query: string; options: SearchOptions }[] {
  const counts = engine.termCounts.data;
  const words: string[] = [];
  const runs: string[] = [];
  let rare: string | undefined;
  const letters = /^\p{L}+$/u;
  for (let id = 0; id < engine.terms.length; id += 1) {
    if (words.length >= WARM_UP_TERMS && runs.length >= WARM_UP_TERMS && rare !== undefined) break;
    const term = engine.terms[id] ?? '';
    const count = counts[id] ?? 0;
    if (count === 0) continue;
    if (engine.cjkTerms.data[id] === 1) {
      if (runs.length < WARM_UP_TERMS && count >= WARM_UP_MIN_COUNT && count <= WARM_UP_MAX_COUNT) runs.push(term);
    } else if (term.length >= WARM_UP_MIN_LENGTH && letters.test(term)) {
      if (count <= 2) rare ??= term;
      else if (words.length < WARM_UP_TERMS && count >= WARM_UP_MIN_COUNT && count <= WARM_UP_MAX_COUNT)
        words.push(term);
    }
  }
  const queries: { query: string; options: SearchOptions }[] = [];
  const add = (query: string, options: SearchOptions = {}): void => {
    if (query.trim() !== '') queries.push({ query, options: { limit: DEFAULT_LIMIT, ...options } });
  };
  const [a, b, c, d, e] = words;
  if (a) add(a);
  if (a && b) add(`${a} ${b}`);
  if (a && b && c) add(`${c} ${a} ${b}`, { sort: 'date' });
  if (d) add(d.slice(0, 3));
  if (e) add(`${e.slice(0, 1)}${e.slice(2, 3)}${e.slice(1, 2)}${e.slice(3)}`);
  if (rare && a) add(`${rare} ${a}`);
  if (runs.length >= 2) add(`${runs[0]}${runs[1]}`);
  if (runs.length >= 4) add(`${runs[2]}${runs[3]} ${runs[0]}`);
  const category = engine.categories.find((name) => name !== null);
  if (a && category) add(a, { filters: { category } });
  // Only an index answering from its postings (imported or restored): a built one's searches take the
  // slower full path anyway, and the worker caches it, so the next visit restores it with postings.
  if (engine.postingLists) for (const query of trainingQueries(engine)) add(query);
  return queries;
}

/**
 * The bands of the searches the warm-up ends with (trainingQueries), rarer first: [a, b, n] is n
 * searches of terms occurring between docCount / a and docCount / b times. Each band's searches
 * have more matches than the last's, and find the engine better optimized.
 */
const TRAINING_BANDS: readonly (readonly [number, number, number])[] = [
  [1000, 300, 8],
  [300, 100, 8],
  [100, 30, 8],
  [30, 10, 8],
];

/**
 * Phrases of two and three words of the index, and of two words the second cut to a prefix (CJK
 * runs of two characters in a Chinese index), in bands of more and more common terms: searches
 * with hundreds or thousands of complete matches, so the engine's loops over postings and
 * candidates run long enough for V8 to optimize them before the reader's first searches do (the
 * coverage searches before them are small on purpose: they only compile every path). The most
 * common words are left out: they are the slowest searches there are, and a reader's search
 * coming in during one would wait for it.
 */
function trainingQueries(engine: Engine): string[] {
  const counts = engine.termCounts.data;
  const letters = /^\p{L}+$/u;
  const bands = TRAINING_BANDS.map(([a, b, n]) => ({
    n,
    low: engine.docCount / a,
    high: engine.docCount / b,
    latin: [] as string[],
    cjk: [] as string[],
  }));
  let open = bands.length;
  for (let id = 0; id < engine.terms.length && open > 0; id += 1) {
    const count = counts[id] ?? 0;
    const band = bands.find(({ low, high }) => count >= low && count <= high);
    if (!band || band.latin.length + band.cjk.length >= band.n * 3) continue;
    const term = engine.terms[id] ?? '';
    if (engine.cjkTerms.data[id] === 1) band.cjk.push(term);
    else if (term.length >= WARM_UP_MIN_LENGTH && letters.test(term)) band.latin.push(term);
    if (band.latin.length + band.cjk.length === band.n * 3) open -= 1;
  }
  return bands.flatMap(({ n, latin, cjk }) => {
    const queries: string[] = [];
    const words = latin.length >= cjk.length ? latin : cjk;
    const join = words === latin ? ' ' : '';
    for (let i = 0; queries.length < n && i + 2 < words.length; i += 3) {
      const [a = '', b = '', c = ''] = words.slice(i, i + 3);
      const kind = queries.length % 3;
      if (kind === 0) queries.push(`${a}${join}${b}`);
      else if (kind === 1) queries.push(`${a}${join}${b}${join}${c}`);
      else queries.push(words === latin ? `${a} ${b.slice(0, 3)}` : `${a}${b} ${c}`);
    }
    return queries;
  });
}

/** Searches; hits best first (or newest first with sort 'date'). */
export function search(engine: Engine, query: string, options: SearchOptions = {}): SearchHit[] {
  return searchWithTotal(engine, query, options).hits;
}

// ---------------------------------------------------------------------------------------------
// Export and import

const META_KEY = 'folio.meta';
const DOCS_KEY = 'folio.docs';
const VOCABULARY_KEY = 'folio.vocabulary';
const TOKENS_KEY = 'folio.tokens';
const TERM_SEPARATOR = '\n';
const VARINT_LOW_BITS = 0x7f;
const VARINT_MORE = 0x80;
const VARINT_SHIFT = 7;
const BASE64_CHUNK = 0x8000;

interface ExportedMeta {
  version: number;
  docs: number;
  terms: number;
}

/** Per-article fields, as parallel arrays in ord order. */
interface ExportedDocs {
  ords: number[];
  ids: string[];
  dates: (string | null)[];
  categories: (string | null)[];
  categoryCodes: number[];
  langs: string[];
  langCodes: number[];
  titleLengths: number[];
  bodyLengths: number[];
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += BASE64_CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + BASE64_CHUNK));
  }
  return btoa(binary);
}

function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Term ids as LEB128 varints: most ids fit in one or two bytes instead of four. */
function encodeVarints(values: Uint32Array): Uint8Array {
  const maxBytesPerValue = 5;
  const out = new Uint8Array(values.length * maxBytesPerValue);
  let n = 0;
  for (let value of values) {
    while (value > VARINT_LOW_BITS) {
      out[n++] = (value & VARINT_LOW_BITS) | VARINT_MORE;
      value >>>= VARINT_SHIFT;
    }
    out[n++] = value;
  }
  return out.slice(0, n);
}

function decodeVarints(bytes: Uint8Array, count: number): Uint32Array {
  const values = new Uint32Array(count);
  let p = 0;
  for (let i = 0; i < count; i += 1) {
    let value = 0;
    let shift = 0;
    let byte: number;
    do {
      if (p >= bytes.length) throw new Error('search index: token data ends early');
      byte = bytes[p++] ?? 0;
      value += (byte & VARINT_LOW_BITS) * 2 ** shift;
      shift += VARINT_SHIFT;
    } while (byte & VARINT_MORE);
    values[i] = value;
  }
  return values;
}

/** Exports the index (FlexSearch's part and ours) as [key, string] pairs for storage or a file. */
export function exportIndex(engine: Engine): Promise<ExportedIndex> {
  const entries: ExportedIndex = [];
  const meta: ExportedMeta = { version: ENGINE_VERSION, docs: engine.docCount, terms: engine.terms.length };
  entries.push([META_KEY, JSON.stringify(meta)]);
  const docs: ExportedDocs = {
    ords: [],
    ids: [],
    dates: [],
    categories: engine.categories,
    categoryCodes: [],
    langs: engine.langs,
    langCodes: [],
    titleLengths: [],
    bodyLengths: [],
  };
  const live = new GrowableU32(engine.tokens.length);
  engine.ids.forEach((id, ord) => {
    if (id === undefined) return;
    docs.ords.push(ord);
    docs.ids.push(id);
    docs.dates.push(engine.dates[ord] ?? null);
    docs.categoryCodes.push(engine.categoryCodes.get(ord));
    docs.langCodes.push(engine.langCodes.get(ord));
    for (const [start, length, lengths] of [
      [engine.titleStart.get(ord), engine.titleLength.get(ord), docs.titleLengths],
      [engine.bodyStart.get(ord), engine.bodyLength.get(ord), docs.bodyLengths],
    ] as const) {
      lengths.push(length);
      for (let p = start; p < start + length; p += 1) live.push(engine.tokens.data[p] ?? 0);
    }
  });
  entries.push([DOCS_KEY, JSON.stringify(docs)]);
  entries.push([VOCABULARY_KEY, engine.terms.join(TERM_SEPARATOR)]);
  entries.push([TOKENS_KEY, bytesToBase64(encodeVarints(live.data.subarray(0, live.length)))]);
  // FlexSearch's maps are not exported: import derives the postings from the forward index, which is
  // faster than parsing the maps and halves the index (ENGINE_VERSION 2).
  return Promise.resolve(entries);
}

function isNumberArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'number' && Number.isSafeInteger(item));
}

function isExportedMeta(value: unknown): value is ExportedMeta {
  if (typeof value !== 'object' || value === null) return false;
  const meta = value as Record<string, unknown>;
  return typeof meta.version === 'number' && typeof meta.docs === 'number' && typeof meta.terms === 'number';
}

function isExportedDocs(value: unknown, count: number): value is ExportedDocs {
  if (typeof value !== 'object' || value === null) return false;
  const docs = value as Record<string, unknown>;
  const sameLength = (array: unknown): boolean => Array.isArray(array) && array.length === count;
  return (
    isNumberArray(docs.ords) &&
    sameLength(docs.ords) &&
    Array.isArray(docs.ids) &&
    sameLength(docs.ids) &&
    docs.ids.every((id) => typeof id === 'string') &&
    sameLength(docs.dates) &&
    Array.isArray(docs.categories) &&
    Array.isArray(docs.langs) &&
    isNumberArray(docs.categoryCodes) &&
    isNumberArray(docs.langCodes) &&
    isNumberArray(docs.titleLengths) &&
    sameLength(docs.titleLengths) &&
    isNumberArray(docs.bodyLengths) &&
    sameLength(docs.bodyLengths)
  );
}

/**
 * Rebuilds an engine from exportIndex's output. Throws when the data was made by another
 * ENGINE_VERSION or is damaged: the caller then builds the index afresh.
 */
export function importIndex(
  data: ExportedIndex | Record<string, string>,
  ranking: Partial<RankingParams> = {},
): Engine {
  const entries = new Map(Array.isArray(data) ? data : Object.entries(data));
  const metaText = entries.get(META_KEY);
  const meta: unknown = metaText === undefined ? undefined : JSON.parse(metaText);
  if (!isExportedMeta(meta)) throw new Error('search index: no metadata');
  if (meta.version !== ENGINE_VERSION) {
    throw new Error(`search index: made by engine version ${meta.version}, expected ${ENGINE_VERSION}`);
  }
  const docs: unknown = JSON.parse(entries.get(DOCS_KEY) ?? 'null');
  if (!isExportedDocs(docs, meta.docs)) throw new Error('search index: article data is damaged');
  const vocabulary = entries.get(VOCABULARY_KEY);
  const terms = vocabulary === undefined || vocabulary === '' ? [] : vocabulary.split(TERM_SEPARATOR);
  if (terms.length !== meta.terms) throw new Error('search index: vocabulary is damaged');

  const engine = createEngine(ranking);
  terms.forEach((term) => internTerm(engine, term, isCjkTerm(term)));
  engine.categories.splice(0, engine.categories.length, ...docs.categories);
  engine.langs.splice(0, engine.langs.length, ...docs.langs);
  const tokenCount = [...docs.titleLengths, ...docs.bodyLengths].reduce((sum, n) => sum + n, 0);
  const tokens = decodeVarints(base64ToBytes(entries.get(TOKENS_KEY) ?? ''), tokenCount);
  engine.tokens.reserve(tokenCount);
  engine.tokens.data.set(tokens);
  engine.tokens.length = tokenCount;
  const counts = engine.termCounts.data;
  for (const id of tokens) {
    if (id >= terms.length) throw new Error('search index: token data is damaged');
    counts[id] = (counts[id] ?? 0) + 1;
  }
  let position = 0;
  docs.ords.forEach((ord, i) => {
    assertOrd(ord);
    const titleLength = docs.titleLengths[i] ?? 0;
    const bodyLength = docs.bodyLengths[i] ?? 0;
    engine.titleStart.set(ord, position);
    engine.titleLength.set(ord, titleLength);
    engine.bodyStart.set(ord, position + titleLength);
    engine.bodyLength.set(ord, bodyLength);
    position += titleLength + bodyLength;
    engine.titleTokens += titleLength;
    engine.bodyTokens += bodyLength;
    engine.ids[ord] = docs.ids[i];
    engine.dates[ord] = docs.dates[i] ?? null;
    engine.categoryCodes.set(ord, docs.categoryCodes[i] ?? NO_CATEGORY);
    engine.langCodes.set(ord, docs.langCodes[i] ?? 0);
  });
  engine.docCount = docs.ords.length;
  for (const ord of docs.ords) buildPairFilter(engine, ord);
  compactEngine(engine);
  const ascending = docs.ords.every((ord, i) => i === 0 || ord > (docs.ords[i - 1] ?? 0));
  engine.postingLists = buildPostings(engine, ascending ? docs.ords : [...docs.ords].sort((a, b) => a - b));
  return engine;
}

// ---------------------------------------------------------------------------------------------
// Snapshot: the IndexedDB cache

/** Bump when IndexSnapshot's layout changes (ENGINE_VERSION covers tokenizing and ranking). */
export const SNAPSHOT_VERSION = 2;
const SNAPSHOT_KIND = 'folio.snapshot';

/**
 * The whole engine as typed arrays and a few strings, for a structured clone (IndexedDB): a restore
 * adopts the arrays as they are, with no parsing, counting or posting lists to derive. Holds what an
 * import would derive (postings) and what the first search would (term order, typo buckets).
 */
export interface IndexSnapshot {
  kind: typeof SNAPSHOT_KIND;
  snapshotVersion: number;
  engineVersion: number;
  docCount: number;
  titleTokens: number;
  bodyTokens: number;
  /** The vocabulary, terms joined by TERM_SEPARATOR, in id order. */
  vocabulary: string;
  termCount: number;
  /** Per term id: collection frequency, and 1 for a CJK character. */
  termCounts: Uint32Array;
  cjkTerms: Uint32Array;
  /** Term ids in term order. */
  sortedIds: Uint32Array;
  typoStarts: Uint32Array;
  typoIds: Uint32Array;
  typoSignatures: Int32Array;
  /** The forward index, and per ord where each field starts and how long it is. */
  tokens: Uint32Array;
  titleStart: Uint32Array;
  titleLength: Uint32Array;
  bodyStart: Uint32Array;
  bodyLength: Uint32Array;
  /** Per ord: its CJK pair Bloom filter's words in pairBits. */
  pairBits: Uint32Array;
  filterStart: Uint32Array;
  filterWords: Uint32Array;
  /** Per ord (undefined: no article at that ord). */
  ids: (string | undefined)[];
  dates: (string | null)[];
  categoryCodes: Uint32Array;
  langCodes: Uint32Array;
  categories: (string | null)[];
  langs: string[];
  /** Per-field postings (FieldPostings) of the title and of the body. */
  titleOffsets: Uint32Array;
  titleOrds: Uint32Array;
  titleCounts: Uint8Array;
  bodyOffsets: Uint32Array;
  bodyOrds: Uint32Array;
  bodyCounts: Uint8Array;
}

/** Ords holding an article, ascending. */
function liveOrds(engine: Engine): number[] {
  const ords: number[] = [];
  engine.ids.forEach((id, ord) => {
    if (id !== undefined) ords.push(ord);
  });
  return ords;
}

/**
 * The engine as an IndexSnapshot (copies: the engine may change afterwards). Derives the postings of
 * a built index, the term order and the typo buckets, so that restoring needs none of them.
 */
export function snapshotIndex(engine: Engine): IndexSnapshot {
  const [title, body] = engine.postingLists ?? buildPostings(engine, liveOrds(engine));
  if (!title || !body) throw new Error('search index: no postings');
  const typo = typoBuckets(engine);
  return {
    kind: SNAPSHOT_KIND,
    snapshotVersion: SNAPSHOT_VERSION,
    engineVersion: ENGINE_VERSION,
    docCount: engine.docCount,
    titleTokens: engine.titleTokens,
    bodyTokens: engine.bodyTokens,
    vocabulary: engine.terms.join(TERM_SEPARATOR),
    termCount: engine.terms.length,
    termCounts: engine.termCounts.copy(),
    cjkTerms: engine.cjkTerms.copy(),
    sortedIds: sortedIds(engine).slice(),
    typoStarts: typo.starts.slice(),
    typoIds: typo.ids.slice(),
    typoSignatures: typo.signatures.slice(),
    tokens: engine.tokens.copy(),
    titleStart: engine.titleStart.copy(),
    titleLength: engine.titleLength.copy(),
    bodyStart: engine.bodyStart.copy(),
    bodyLength: engine.bodyLength.copy(),
    pairBits: engine.pairBits.copy(),
    filterStart: engine.filterStart.copy(),
    filterWords: engine.filterWords.copy(),
    ids: engine.ids.slice(),
    dates: engine.dates.slice(),
    categoryCodes: engine.categoryCodes.copy(),
    langCodes: engine.langCodes.copy(),
    categories: engine.categories.slice(),
    langs: engine.langs.slice(),
    titleOffsets: title.offsets.slice(),
    titleOrds: title.ords.slice(),
    titleCounts: title.counts.slice(),
    bodyOffsets: body.offsets.slice(),
    bodyOrds: body.ords.slice(),
    bodyCounts: body.counts.slice(),
  };
}

function damaged(what: string): never {
  throw new Error(`search index snapshot: ${what} is damaged`);
}

function u32(value: unknown, what: string, length?: number): Uint32Array {
  if (!(value instanceof Uint32Array) || (length !== undefined && value.length !== length)) damaged(what);
  return value;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** A field's postings: offsets rising from 0 to the end of ords (the ords themselves are not scanned). */
function checkedPostings(offsets: unknown, ords: unknown, counts: unknown, terms: number, what: string): FieldPostings {
  const checkedOffsets = u32(offsets, what, terms + 1);
  const checkedOrds = u32(ords, what, checkedOffsets[terms]);
  if (!(counts instanceof Uint8Array) || counts.length !== checkedOrds.length) damaged(what);
  if (checkedOffsets[0] !== 0) damaged(what);
  for (let t = 0; t < terms; t += 1) if ((checkedOffsets[t] ?? 0) > (checkedOffsets[t + 1] ?? 0)) damaged(what);
  return { offsets: checkedOffsets, ords: checkedOrds, counts };
}

/**
 * An engine over a snapshot's arrays (adopted, not copied). Throws when the value is not a snapshot
 * of this SNAPSHOT_VERSION and ENGINE_VERSION, or is damaged: the caller then fetches or builds the
 * index again. Checks types, lengths and per-article spans, not every token or posting (a scan of
 * megabytes): reads past an array give undefined (`?? 0`), so a wrong value there only mis-ranks.
 */
export function restoreSnapshot(value: unknown, ranking: Partial<RankingParams> = {}): Engine {
  if (typeof value !== 'object' || value === null) throw new Error('search index snapshot: not a snapshot');
  const s = value as Partial<Record<keyof IndexSnapshot, unknown>>;
  if (s.kind !== SNAPSHOT_KIND) throw new Error('search index snapshot: not a snapshot');
  if (s.snapshotVersion !== SNAPSHOT_VERSION || s.engineVersion !== ENGINE_VERSION) {
    throw new Error(
      `search index snapshot: made by version ${String(s.snapshotVersion)}/${String(s.engineVersion)}, ` +
        `expected ${SNAPSHOT_VERSION}/${ENGINE_VERSION}`,
    );
  }
  const { docCount, titleTokens, bodyTokens, termCount, vocabulary } = s;
  if (!isCount(docCount) || !isCount(titleTokens) || !isCount(bodyTokens) || !isCount(termCount)) {
    damaged('the counts');
  }
  if (typeof vocabulary !== 'string') damaged('the vocabulary');
  const terms = termCount === 0 ? [] : vocabulary.split(TERM_SEPARATOR);
  if (terms.length !== termCount) damaged('the vocabulary');
  const { ids, dates, categories, langs } = s;
  if (!Array.isArray(ids) || !Array.isArray(dates) || ids.length !== dates.length) damaged('the articles');
  const ords = ids.length;
  let live = 0;
  for (let ord = 0; ord < ords; ord += 1) {
    const id: unknown = ids[ord];
    const date: unknown = dates[ord];
    if (id !== undefined) live += 1;
    if ((id !== undefined && typeof id !== 'string') || (date !== null && typeof date !== 'string')) {
      damaged('the articles');
    }
  }
  if (live !== docCount) damaged('the articles');
  if (!Array.isArray(categories) || !categories.every((c) => c === null || typeof c === 'string')) {
    damaged('the categories');
  }
  if (!Array.isArray(langs) || !langs.every((lang) => typeof lang === 'string')) damaged('the languages');

  const tokens = u32(s.tokens, 'the forward index');
  const perOrd = (array: unknown, what: string) => u32(array, what, ords);
  const titleStart = perOrd(s.titleStart, 'the title spans');
  const titleLength = perOrd(s.titleLength, 'the title spans');
  const bodyStart = perOrd(s.bodyStart, 'the body spans');
  const bodyLength = perOrd(s.bodyLength, 'the body spans');
  const filterStart = perOrd(s.filterStart, 'the pair filters');
  const filterWords = perOrd(s.filterWords, 'the pair filters');
  const pairBits = u32(s.pairBits, 'the pair filters');
  const categoryCodes = perOrd(s.categoryCodes, 'the categories');
  const langCodes = perOrd(s.langCodes, 'the languages');
  for (let ord = 0; ord < ords; ord += 1) {
    if ((titleStart[ord] ?? 0) + (titleLength[ord] ?? 0) > tokens.length) damaged('the title spans');
    if ((bodyStart[ord] ?? 0) + (bodyLength[ord] ?? 0) > tokens.length) damaged('the body spans');
    if ((filterStart[ord] ?? 0) + (filterWords[ord] ?? 0) > pairBits.length) damaged('the pair filters');
    if ((categoryCodes[ord] ?? 0) >= categories.length) damaged('the categories');
    if (ids[ord] !== undefined && (langCodes[ord] ?? 0) >= langs.length) damaged('the languages');
  }
  const sorted = u32(s.sortedIds, 'the term order', termCount);
  const typoStarts = u32(s.typoStarts, 'the typo buckets');
  const typoIds = u32(s.typoIds, 'the typo buckets', typoStarts[typoStarts.length - 1] ?? 0);
  const typoSignatures = s.typoSignatures;
  if (!(typoSignatures instanceof Int32Array) || typoSignatures.length !== typoIds.length) {
    damaged('the typo buckets');
  }
  const title = checkedPostings(s.titleOffsets, s.titleOrds, s.titleCounts, termCount, 'the title postings');
  const body = checkedPostings(s.bodyOffsets, s.bodyOrds, s.bodyCounts, termCount, 'the body postings');

  const engine = createEngine(ranking);
  engine.terms = terms;
  // Look-ups binary-search sortedIds; the map is built only if the vocabulary grows (addArticles).
  engine.termIds = null;
  engine.sortedIds = sorted;
  engine.typoBuckets = { starts: typoStarts, ids: typoIds, signatures: typoSignatures };
  engine.termCounts.adopt(u32(s.termCounts, 'the term counts', termCount));
  engine.cjkTerms.adopt(u32(s.cjkTerms, 'the CJK terms', termCount));
  engine.tokens.adopt(tokens);
  engine.titleStart.adopt(titleStart);
  engine.titleLength.adopt(titleLength);
  engine.bodyStart.adopt(bodyStart);
  engine.bodyLength.adopt(bodyLength);
  engine.pairBits.adopt(pairBits);
  engine.filterStart.adopt(filterStart);
  engine.filterWords.adopt(filterWords);
  engine.categoryCodes.adopt(categoryCodes);
  engine.langCodes.adopt(langCodes);
  engine.ids = ids as (string | undefined)[];
  engine.dates = dates as (string | null)[];
  engine.categories = categories as (string | null)[];
  engine.langs = langs as string[];
  engine.docCount = docCount;
  engine.titleTokens = titleTokens;
  engine.bodyTokens = bodyTokens;
  engine.postingLists = [title, body];
  return engine;
}
