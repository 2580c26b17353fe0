/**
 * Query latency of the engine in Node, as the search worker calls it (issue #7): `searchWithTotal`
 * with the app's options (20 hits, no filters, relevance) on an imported index (the worker's is
 * imported or restored, so it answers from the derived postings), over the browser bench's queries
 * (generateQueries, 40 per kind, typos included) and the quality bench's (300 per kind).
 *
 *   npx tsx bench/query-latency.ts [--corpus en-reuters] [--runs 5] [--slowest 15] [--profile out.cpuprofile]
 *
 * Each query's time is the fastest of `--runs` (other processes on a shared machine only add time),
 * after one untimed pass. Prints p50 / p95 / p99 / max per query set and the slowest queries.
 * `--profile` writes a V8 CPU profile of one more pass (open it in Chrome DevTools).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import {
  addArticles,
  compactEngine,
  createEngine,
  exportIndex,
  importIndex,
  searchWithTotal,
  toSearchDoc,
  type Engine,
} from '../src/search/engine.ts';
import { CORPORA, generateQueries, loadArticles, type CorpusName, type Query } from './search-quality.ts';

const BATCH_SIZE = 500;
const APP_LIMIT = 20;
const BROWSER_QUERIES_PER_KIND = 40;
const QUALITY_QUERIES_PER_KIND = 300;

function arg(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

function timeQueries(engine: Engine, queries: readonly Query[], runs: number): number[] {
  for (const q of queries) searchWithTotal(engine, q.text, { limit: APP_LIMIT, filters: {}, sort: 'relevance' });
  const best = queries.map(() => Number.POSITIVE_INFINITY);
  for (let run = 0; run < runs; run += 1) {
    queries.forEach((q, i) => {
      const start = performance.now();
      searchWithTotal(engine, q.text, { limit: APP_LIMIT, filters: {}, sort: 'relevance' });
      best[i] = Math.min(best[i] ?? Number.POSITIVE_INFINITY, performance.now() - start);
    });
  }
  return best;
}

function summary(label: string, times: readonly number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  const f = (v: number) => v.toFixed(2);
  return `${label.padEnd(24)} n=${String(sorted.length).padStart(4)}  p50 ${f(percentile(sorted, 50))}  p95 ${f(
    percentile(sorted, 95),
  )}  p99 ${f(percentile(sorted, 99))}  max ${f(sorted[sorted.length - 1] ?? 0)} ms`;
}

async function main(): Promise<void> {
  const corpus = (arg('--corpus') ?? 'en-reuters') as CorpusName;
  if (!CORPORA.includes(corpus)) throw new Error(`--corpus: one of ${CORPORA.join(', ')}`);
  const runs = Number(arg('--runs') ?? 5);
  const slowest = Number(arg('--slowest') ?? 15);
  const docs = loadArticles(corpus).map(toSearchDoc);
  const built = createEngine();
  for (let i = 0; i < docs.length; i += BATCH_SIZE) addArticles(built, docs.slice(i, i + BATCH_SIZE));
  compactEngine(built);
  const engine = importIndex(await exportIndex(built));
  const sets: Array<[string, Query[]]> = [
    ['browser bench', generateQueries(corpus, docs, BROWSER_QUERIES_PER_KIND)],
    ['quality bench', generateQueries(corpus, docs, QUALITY_QUERIES_PER_KIND)],
  ];
  const all: Array<{ q: Query; ms: number }> = [];
  for (const [label, queries] of sets) {
    const times = timeQueries(engine, queries, runs);
    console.log(summary(label, times));
    for (const kind of ['title', 'body', 'typo'] as const) {
      const of = times.filter((_, i) => queries[i]?.kind === kind);
      if (of.length > 0) console.log(summary(`  ${kind}`, of));
    }
    queries.forEach((q, i) => all.push({ q, ms: times[i] ?? 0 }));
  }
  console.log(`slowest ${slowest}:`);
  const seen = new Set<string>();
  for (const { q, ms } of [...all].sort((a, b) => b.ms - a.ms)) {
    if (seen.has(q.text)) continue;
    seen.add(q.text);
    const { total } = searchWithTotal(engine, q.text, { limit: APP_LIMIT });
    console.log(`  ${ms.toFixed(2).padStart(7)} ms  ${q.kind.padEnd(5)} total ${String(total).padStart(6)}  ${q.text}`);
    if (seen.size >= slowest) break;
  }
  const profile = arg('--profile');
  if (profile) {
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    for (const [, queries] of sets) timeQueries(engine, queries, 1);
    const { profile: data } = await session.post('Profiler.stop');
    writeFileSync(profile, JSON.stringify(data));
    console.log(`wrote ${profile}`);
  }
}

await main();
