/**
 * Search quality, speed and memory: our engine (src/search/engine.ts) against MiniSearch on the
 * shared test corpora, with known-item queries (the article a query came from is its target).
 *
 *   npx tsx --expose-gc bench/search-quality.ts [--quick] [--corpus en-news,zh-news]
 *
 * Query rules (deterministic: mulberry32 seeded with the FNV-1a hash of the corpus name):
 * - Pick an article uniformly, then a query length uniformly, then one window of that length
 *   uniformly among all windows of the article's title (title queries) or of all its body
 *   paragraphs (body queries; a window never spans two paragraphs). When there is none, draw again.
 * - English windows: 2 or 3 consecutive words (title), 3 (body). Words are the text split on
 *   whitespace, each stripped of leading and trailing characters that are not letters or digits.
 * - Chinese windows (article lang zh): 2–4 (title) or 4–6 (body) consecutive Han characters inside
 *   one run of Han characters (never across punctuation, digits or Latin letters).
 * - Typo queries (English only): each English title query whose words include one of 5+ ASCII
 *   letters, with one random edit (delete, insert, replace or swap two neighbours, never the first
 *   or last letter) in the first such word, lower-cased. Same seed, drawn after the others.
 * Title queries report MRR@10 (the goal), body queries recall@10 (the goal); both are printed.
 * Latency is per query (the fastest of 3 runs, 1 with --quick: on a shared machine other processes
 * only add time), after 50 untimed queries of each kind, measured the same way in this process for
 * both engines, queries in the same order. Memory is the growth of V8 heap plus ArrayBuffers (our forward index lives in one) from
 * before a build to after it, with forced GCs (run with --expose-gc; without it the output says so
 * and the JSON has "gc": false).
 * The corpus text is read at run time from ../shared/corpus (or FOLIO_SHARED_CORPUS) and never
 * written anywhere; the JSON result holds only figures.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import MiniSearch from 'minisearch';
import { buildCorpus } from '../src/corpus/build.ts';
import type { Article, Chunk } from '../src/corpus/types.ts';
import { MINI_OPTIONS } from './lib/minisearch-config.ts';
import {
  addArticles,
  compactEngine,
  createEngine,
  exportIndex,
  importIndex,
  search,
  toSearchDoc,
  type Engine,
  type RankingParams,
  type SearchDoc,
} from '../src/search/engine.ts';

export const CORPORA = ['en-news', 'zh-news', 'en-reuters'] as const;
export type CorpusName = (typeof CORPORA)[number];
export type QueryKind = 'title' | 'body' | 'typo';

const QUERIES_PER_KIND = 300;
const QUICK_QUERIES_PER_KIND = 100;
const TOP_K = 10;
/** Articles per addArticles call, as the worker sends them. */
const BATCH_SIZE = 500;
/** Untimed queries of each kind first, so both engines are timed JIT-compiled (steady state). */
const WARMUP_QUERIES_PER_KIND = 50;
/** Each query is timed this many times and its fastest run kept: other processes' load only adds time. */
const TIMING_RUNS = 3;
const MAX_DRAWS_PER_QUERY = 1000;
const TITLE_WORDS: readonly number[] = [2, 3];
const TITLE_HAN: readonly number[] = [2, 3, 4];
const BODY_WORDS: readonly number[] = [3];
const BODY_HAN: readonly number[] = [4, 5, 6];
/** Typo queries change a word of at least this many letters. */
const MIN_TYPO_WORD = 5;
const TYPO_WORD = /^[A-Za-z]+$/;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz';
const EDIT_KINDS = 4;
const MIB = 1024 * 1024;
const P50 = 0.5;
const P95 = 0.95;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

const HAN_RUN = /\p{Script=Han}+/gu;
const HAN_CHAR = /\p{Script=Han}/u;
const EDGE_NON_WORD = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;

export interface Query {
  kind: QueryKind;
  text: string;
  target: string;
}

function sharedCorpusDir(): string {
  return process.env.FOLIO_SHARED_CORPUS ?? path.resolve('../shared/corpus');
}

/** Loads a corpus through the real corpus builder, so the engine sees built articles (HTML bodies). */
export function loadArticles(name: CorpusName): Article[] {
  const raw = JSON.parse(readFileSync(path.join(sharedCorpusDir(), `${name}.json`), 'utf8')) as {
    lang: string;
    articles: unknown[];
  };
  const result = buildCorpus([{ file: `${name}.json`, articles: raw.articles, defaultLang: raw.lang }], {
    title: name,
    skipInvalid: true,
    sanitizeHtml: (html) => html,
    sha256Hex: (text) => createHash('sha256').update(text).digest('hex'),
  });
  const articles: Article[] = [];
  for (const [file, text] of result.files) {
    if (file !== 'manifest.json') articles.push(...(JSON.parse(text) as Chunk).articles);
  }
  return articles.sort((a, b) => a.ord - b.ord);
}

export function fnv1a(text: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME) >>> 0;
  return hash;
}

/** mulberry32: small, fast and the same everywhere. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T | undefined {
  return items[Math.floor(random() * items.length)];
}

function words(text: string): string[] {
  return text
    .split(/\s+/u)
    .map((word) => word.replace(EDGE_NON_WORD, ''))
    .filter((word) => word !== '');
}

/** Every run of `length` consecutive units (words, or Han characters) of one text. */
function windows(units: readonly string[], length: number, joiner: string): string[] {
  const found: string[] = [];
  for (let start = 0; start + length <= units.length; start += 1) {
    found.push(units.slice(start, start + length).join(joiner));
  }
  return found;
}

/** The windows of a text: of its words, or of each of its runs of Han characters. */
function textWindows(text: string, length: number, zh: boolean): string[] {
  if (!zh) return windows(words(text), length, ' ');
  return [...text.matchAll(HAN_RUN)].flatMap((run) => windows([...run[0]], length, ''));
}

/** One random edit strictly inside `word`: delete, insert, replace, or swap two neighbours. */
function misspell(random: () => number, word: string): string {
  const at = 1 + Math.floor(random() * (word.length - 2));
  const letter = ALPHABET[Math.floor(random() * ALPHABET.length)] ?? 'e';
  switch (Math.floor(random() * EDIT_KINDS)) {
    case 0:
      return word.slice(0, at) + word.slice(at + 1);
    case 1:
      return word.slice(0, at) + letter + word.slice(at);
    case 2:
      return word.slice(0, at) + letter + word.slice(at + 1);
    default:
      return word.slice(0, at) + (word[at + 1] ?? '') + (word[at] ?? '') + word.slice(at + 2);
  }
}

function typoQueries(random: () => number, titleQueries: readonly Query[]): Query[] {
  const queries: Query[] = [];
  for (const query of titleQueries) {
    const words = query.text.split(' ');
    const index = words.findIndex((word) => word.length >= MIN_TYPO_WORD && TYPO_WORD.test(word));
    const word = words[index];
    if (word === undefined) continue;
    words[index] = misspell(random, word.toLowerCase());
    queries.push({ kind: 'typo', text: words.join(' '), target: query.target });
  }
  return queries;
}

export function generateQueries(name: string, docs: readonly SearchDoc[], perKind: number): Query[] {
  const random = mulberry32(fnv1a(name));
  const queries: Query[] = [];
  for (const kind of ['title', 'body'] as const) {
    for (let n = 0; n < perKind; n += 1) {
      for (let draw = 0; draw < MAX_DRAWS_PER_QUERY; draw += 1) {
        const doc = pick(random, docs);
        if (!doc) break;
        const zh = doc.lang === 'zh' || doc.lang.startsWith('zh-');
        const lengths = kind === 'title' ? (zh ? TITLE_HAN : TITLE_WORDS) : zh ? BODY_HAN : BODY_WORDS;
        const length = pick(random, lengths) ?? 0;
        const sources = kind === 'title' ? [doc.title] : doc.text.split('\n');
        const text = pick(
          random,
          sources.flatMap((source) => textWindows(source, length, zh)),
        );
        if (text !== undefined) {
          queries.push({ kind, text, target: doc.id });
          break;
        }
      }
    }
  }
  return [
    ...queries,
    ...typoQueries(
      random,
      queries.filter((q) => q.kind === 'title'),
    ),
  ];
}

// ---------------------------------------------------------------------------------------------
// The two engines behind one interface

interface Contender {
  name: string;
  build(docs: readonly SearchDoc[]): void;
  /** Ids of the best TOP_K articles. */
  query(text: string): string[];
  exportSize(): Promise<{ bytes: number; importMs?: number }>;
  release(): void;
}

function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

export function ours(ranking: Partial<RankingParams> = {}): Contender {
  let engine: Engine | null = null;
  return {
    name: 'folio',
    build(docs) {
      engine = createEngine(ranking);
      for (let i = 0; i < docs.length; i += BATCH_SIZE) addArticles(engine, docs.slice(i, i + BATCH_SIZE));
      compactEngine(engine);
    },
    query(text) {
      return engine ? search(engine, text, { limit: TOP_K }).map((hit) => hit.id) : [];
    },
    async exportSize() {
      if (!engine) return { bytes: 0 };
      const data = await exportIndex(engine);
      const bytes = data.reduce((sum, [key, value]) => sum + utf8Bytes(key) + utf8Bytes(value), 0);
      const start = performance.now();
      importIndex(data, ranking);
      return { bytes, importMs: performance.now() - start };
    },
    release() {
      engine = null;
    },
  };
}

/** The baseline, configured for the same job: title boost, prefix on the last word, one typo from 4 letters. */
export function miniSearch(): Contender {
  const options = MINI_OPTIONS;
  let index: MiniSearch<SearchDoc> | null = null;
  let ids: string[] = [];
  return {
    name: 'minisearch',
    build(docs) {
      index = new MiniSearch(options);
      ids = [];
      for (const doc of docs) ids[doc.ord] = doc.id;
      for (let i = 0; i < docs.length; i += BATCH_SIZE) index.addAll(docs.slice(i, i + BATCH_SIZE));
    },
    query(text) {
      if (!index) return [];
      return index
        .search(text)
        .slice(0, TOP_K)
        .map((result) => ids[result.id as number] ?? '');
    },
    exportSize() {
      if (!index) return Promise.resolve({ bytes: 0 });
      const json = JSON.stringify(index);
      const start = performance.now();
      MiniSearch.loadJSON(json, options);
      return Promise.resolve({ bytes: utf8Bytes(json), importMs: performance.now() - start });
    },
    release() {
      index = null;
      ids = [];
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The ceiling: no engine can beat, in expectation, ranking articles by the probability that the
// query rules above produce the query from them (Bayes; articles are drawn uniformly). The
// oracle knows that probability exactly, case included. Ties are broken at random, in expectation.

interface Ceiling {
  mrr10: number;
  recall10: number;
  /** Queries found in more than TOP_K articles: no ranking can promise those a place in the top 10. */
  ambiguous: number;
}

function unitCount(text: string, zh: boolean): number {
  return zh ? [...text].length : text.split(' ').length;
}

export function ceiling(docs: readonly SearchDoc[], queries: readonly Query[], kind: QueryKind): Ceiling {
  const ofKind = queries.filter((q) => q.kind === kind);
  const wanted = new Set(ofKind.map((q) => q.text));
  const zhOf = (doc: SearchDoc): boolean => doc.lang === 'zh' || doc.lang.startsWith('zh-');
  const lengths = new Set(ofKind.map((q) => unitCount(q.text, HAN_CHAR.test(q.text))));
  // P(query | article) = windows equal to the query / windows of that length in the article.
  const probability = new Map<string, Map<number, number>>();
  docs.forEach((doc, index) => {
    const zh = zhOf(doc);
    const sources = kind === 'title' ? [doc.title] : doc.text.split('\n');
    for (const length of lengths) {
      const all = sources.flatMap((source) => textWindows(source, length, zh));
      const counts = new Map<string, number>();
      for (const text of all) if (wanted.has(text)) counts.set(text, (counts.get(text) ?? 0) + 1);
      for (const [text, count] of counts) {
        const perDoc = probability.get(text) ?? new Map<number, number>();
        perDoc.set(index, count / all.length);
        probability.set(text, perDoc);
      }
    }
  });
  const indexOf = new Map(docs.map((doc, index) => [doc.id, index]));
  let reciprocal = 0;
  let recall = 0;
  let ambiguous = 0;
  for (const query of ofKind) {
    const perDoc = probability.get(query.text) ?? new Map<number, number>();
    const own = perDoc.get(indexOf.get(query.target) ?? -1) ?? 0;
    let better = 0;
    let tied = 0;
    for (const p of perDoc.values()) {
      if (p > own) better += 1;
      else if (p === own) tied += 1;
    }
    if (perDoc.size > TOP_K) ambiguous += 1;
    // The target is equally likely at any place among the `tied` articles with its probability.
    for (let k = 0; k < tied; k += 1) {
      const rank = better + k + 1;
      if (rank <= TOP_K) {
        reciprocal += 1 / rank / tied;
        recall += 1 / tied;
      }
    }
  }
  const count = Math.max(1, ofKind.length);
  return { mrr10: reciprocal / count, recall10: recall / count, ambiguous };
}

// ---------------------------------------------------------------------------------------------
// Measuring

const gc = (globalThis as { gc?: () => void }).gc;

function memoryNow(): number {
  gc?.();
  gc?.();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

export interface KindScore {
  queries: number;
  mrr10: number;
  recall10: number;
  p50Ms: number;
  p95Ms: number;
}

export function scoreQueries(
  contender: Pick<Contender, 'query'>,
  queries: readonly Query[],
  kind: QueryKind,
  options: { misses?: Query[]; runs?: number } = {},
): KindScore {
  const times: number[] = [];
  let reciprocal = 0;
  let found = 0;
  const ofKind = queries.filter((q) => q.kind === kind);
  for (const query of ofKind) {
    let ids: string[] = [];
    const runs: number[] = [];
    for (let run = 0; run < (options.runs ?? 1); run += 1) {
      const start = performance.now();
      ids = contender.query(query.text);
      runs.push(performance.now() - start);
    }
    times.push(Math.min(...runs));
    const rank = ids.indexOf(query.target);
    if (rank >= 0) {
      reciprocal += 1 / (rank + 1);
      found += 1;
    } else {
      options.misses?.push(query);
    }
  }
  times.sort((a, b) => a - b);
  const count = Math.max(1, ofKind.length);
  return {
    queries: ofKind.length,
    mrr10: reciprocal / count,
    recall10: found / count,
    p50Ms: quantile(times, P50),
    p95Ms: quantile(times, P95),
  };
}

interface EngineResult {
  buildMs: number;
  heapMiB: number;
  exportBytes: number;
  importMs: number | null;
  title: KindScore;
  body: KindScore;
  typo: KindScore;
}

interface CorpusResult {
  corpus: CorpusName;
  articles: number;
  ceiling: Record<Exclude<QueryKind, 'typo'>, Ceiling>;
  engines: Record<string, EngineResult>;
}

async function measure(contender: Contender, docs: readonly SearchDoc[], queries: readonly Query[], runs: number) {
  const before = memoryNow();
  const start = performance.now();
  contender.build(docs);
  const buildMs = performance.now() - start;
  const heapMiB = (memoryNow() - before) / MIB;
  for (const kind of ['title', 'body', 'typo'] as const) {
    for (const query of queries.filter((q) => q.kind === kind).slice(0, WARMUP_QUERIES_PER_KIND)) {
      contender.query(query.text);
    }
  }
  const title = scoreQueries(contender, queries, 'title', { runs });
  const body = scoreQueries(contender, queries, 'body', { runs });
  const typo = scoreQueries(contender, queries, 'typo');
  const exported = await contender.exportSize();
  contender.release();
  const result: EngineResult = {
    buildMs,
    heapMiB,
    exportBytes: exported.bytes,
    importMs: exported.importMs ?? null,
    title,
    body,
    typo,
  };
  return result;
}

function format(value: number, digits: number): string {
  return value.toFixed(digits);
}

function printTable(results: readonly CorpusResult[]): void {
  const header = [
    'corpus',
    'engine',
    'title MRR@10',
    'title R@10',
    'body MRR@10',
    'body R@10',
    'typo MRR@10',
    'p50 ms',
    'p95 ms',
    'build ms',
    'heap MiB',
    'export MB',
    'import ms',
  ];
  const rows = [header];
  for (const result of results) {
    const { title, body } = result.ceiling;
    rows.push([
      result.corpus,
      'ceiling',
      format(title.mrr10, 3),
      format(title.recall10, 3),
      format(body.mrr10, 3),
      format(body.recall10, 3),
      ...Array<string>(header.length - 6).fill('-'),
    ]);
    for (const [name, r] of Object.entries(result.engines)) {
      const times = [r.title.p50Ms, r.title.p95Ms, r.body.p50Ms, r.body.p95Ms];
      rows.push([
        result.corpus,
        name,
        format(r.title.mrr10, 3),
        format(r.title.recall10, 3),
        format(r.body.mrr10, 3),
        format(r.body.recall10, 3),
        r.typo.queries > 0 ? format(r.typo.mrr10, 3) : '-',
        `${format(times[0] ?? 0, 2)} / ${format(times[2] ?? 0, 2)}`,
        `${format(times[1] ?? 0, 2)} / ${format(times[3] ?? 0, 2)}`,
        format(r.buildMs, 0),
        format(r.heapMiB, 1),
        format(r.exportBytes / 1e6, 2),
        r.importMs === null ? '-' : format(r.importMs, 0),
      ]);
    }
  }
  const widths = header.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  '));
  console.log('(p50/p95: title queries / body queries; ceiling: Bayes-optimal ranking for these query rules)');
  for (const result of results) {
    const { title, body } = result.ceiling;
    console.log(
      `${result.corpus}: queries found in more than ${TOP_K} articles: title ${title.ambiguous}, body ${body.ambiguous}`,
    );
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const only = args[args.indexOf('--corpus') + 1];
  const corpora = args.includes('--corpus') && only ? CORPORA.filter((c) => only.split(',').includes(c)) : CORPORA;
  if (!existsSync(sharedCorpusDir())) {
    console.log(`skipped: no shared corpus folder at ${sharedCorpusDir()} (set FOLIO_SHARED_CORPUS)`);
    return;
  }
  if (!gc) console.log('note: run with --expose-gc for reliable memory figures');
  const perKind = quick ? QUICK_QUERIES_PER_KIND : QUERIES_PER_KIND;
  const results: CorpusResult[] = [];
  for (const corpus of corpora) {
    const docs = loadArticles(corpus).map(toSearchDoc);
    const queries = generateQueries(corpus, docs, perKind);
    const engines: Record<string, EngineResult> = {};
    for (const contender of [ours(), miniSearch()]) {
      engines[contender.name] = await measure(contender, docs, queries, quick ? 1 : TIMING_RUNS);
      console.error(`${corpus}: ${contender.name} done`);
    }
    const bound = { title: ceiling(docs, queries, 'title'), body: ceiling(docs, queries, 'body') };
    const typos = queries.filter((q) => q.kind === 'typo').length;
    console.error(`${corpus}: ${docs.length} articles, ${queries.length - typos} queries (+${typos} with a typo)`);
    results.push({ corpus, articles: docs.length, ceiling: bound, engines });
  }
  printTable(results);
  const outDir = path.resolve('bench/results');
  mkdirSync(outDir, { recursive: true });
  const out = path.join(outDir, 'search-quality.json');
  const summary = { date: new Date().toISOString(), quick, node: process.version, gc: Boolean(gc), results };
  writeFileSync(out, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await main();
}
