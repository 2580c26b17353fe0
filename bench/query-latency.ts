/**
 * Query latency of the engine in Node, as the search worker calls it (issue #7): `searchWithTotal`
 * with the app's options (20 hits, no filters, relevance) on an imported index (the worker's is
 * imported or restored, so it answers from the derived postings), over the browser bench's queries
 * (generateQueries, 40 per kind, typos included) and the quality bench's (300 per kind).
 *
 *   npx tsx bench/query-latency.ts [--corpus en-reuters] [--runs 5] [--slowest 15] [--first] [--warm-up] [--profile out.cpuprofile]
 *   npx tsx bench/query-latency.ts --built .tmp/bench/corpus-v2-scale-100k-<hash>/corpus [--runs 3]
 *
 * Each query's time is the fastest of `--runs` (other processes on a shared machine only add time),
 * after one untimed pass (`--first`: the first pass alone, as the browser bench runs each query once in a
 * fresh worker). Prints p50 / p95 / p99 / max per query set and the slowest queries.
 * `--profile` writes a V8 CPU profile of one more pass (open it in Chrome DevTools).
 * `--built <dir>`: a corpus the browser bench built (scale-100k included), with the queries it ran
 * there (`queries-40.json` beside the folder) instead of the quality bench's sets.
 * `--against <engine.ts>`: another engine module (an older one: `git show <rev>:src/search/engine.ts >
 * src/search/_old.tmp.ts`), timed side by side with this one in the same process, each query's
 * searches alternated (wall time, median of `--runs`), and their answers compared.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Session } from 'node:inspector/promises';
import * as thisEngine from '../src/search/engine.ts';
import { searchWithTotal, toSearchDoc, warmUpQueries, type Engine, type SearchDoc } from '../src/search/engine.ts';
import { CORPORA, generateQueries, loadArticles, type CorpusName, type Query } from './search-quality.ts';
import { cachedQueries, readSearchDocs } from './lib/prepare.ts';

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

/** CPU time of this process (user and system, all threads), ms: other processes on the machine do not count. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function timeQueries(engine: Engine, queries: readonly Query[], runs: number, warmUp = true): number[] {
  if (warmUp)
    for (const q of queries) searchWithTotal(engine, q.text, { limit: APP_LIMIT, filters: {}, sort: 'relevance' });
  const best = queries.map(() => Number.POSITIVE_INFINITY);
  for (let run = 0; run < runs; run += 1) {
    queries.forEach((q, i) => {
      const start = cpuMs();
      searchWithTotal(engine, q.text, { limit: APP_LIMIT, filters: {}, sort: 'relevance' });
      best[i] = Math.min(best[i] ?? Number.POSITIVE_INFINITY, cpuMs() - start);
    });
  }
  return best;
}

type EngineModule = typeof thisEngine;

/** Builds and imports an index of `docs` with `module`, as the worker gets it. */
async function importedEngine(module: EngineModule, docs: readonly SearchDoc[]): Promise<Engine> {
  const built = module.createEngine();
  for (let i = 0; i < docs.length; i += BATCH_SIZE) module.addArticles(built, docs.slice(i, i + BATCH_SIZE));
  module.compactEngine(built);
  return module.importIndex(await module.exportIndex(built));
}

/** `--against`: each query searched by both engines in turn, `runs` times; median wall time per query. */
function sideBySide(
  label: string,
  queries: readonly Query[],
  other: EngineModule,
  otherEngine: Engine,
  engine: Engine,
  runs: number,
): void {
  const options = { limit: APP_LIMIT, filters: {}, sort: 'relevance' as const };
  const times = [queries.map((): number[] => []), queries.map((): number[] => [])];
  let differing = 0;
  queries.forEach((q) => {
    const a = JSON.stringify(other.searchWithTotal(otherEngine, q.text, options));
    if (a !== JSON.stringify(searchWithTotal(engine, q.text, options))) differing += 1;
  });
  for (let run = 0; run < runs; run += 1) {
    queries.forEach((q, i) => {
      const sides = [
        () => other.searchWithTotal(otherEngine, q.text, options),
        () => searchWithTotal(engine, q.text, options),
      ];
      for (const side of (run + i) % 2 === 0 ? [0, 1] : [1, 0]) {
        const start = performance.now();
        sides[side]?.();
        times[side]?.[i]?.push(performance.now() - start);
      }
    });
  }
  const medians = times.map((perQuery) => perQuery.map((t) => [...t].sort((x, y) => x - y)[t.length >> 1] ?? 0));
  const total = (m: number[]): string => m.reduce((sum, t) => sum + t, 0).toFixed(0);
  console.log(`${summary(`${label}: against`, medians[0] ?? [])}, all ${total(medians[0] ?? [])} ms`);
  console.log(`${summary(`${label}: this`, medians[1] ?? [])}, all ${total(medians[1] ?? [])} ms`);
  console.log(`answers differing: ${differing} of ${queries.length}`);
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
  const builtDir = arg('--built');
  if (!builtDir && !CORPORA.includes(corpus)) throw new Error(`--corpus: one of ${CORPORA.join(', ')}`);
  const runs = Number(arg('--runs') ?? 5);
  const slowest = Number(arg('--slowest') ?? 15);
  const first = process.argv.includes('--first');
  const docs = builtDir ? readSearchDocs(builtDir) : loadArticles(corpus).map(toSearchDoc);
  const engine = await importedEngine(thisEngine, docs);
  // `--warm-up`: the worker's warm-up searches first (what a fresh worker does once an index is ready).
  if (process.argv.includes('--warm-up')) {
    const start = cpuMs();
    const warm = warmUpQueries(engine);
    for (const { query, options } of warm) searchWithTotal(engine, query, options);
    console.log(
      `warm-up: ${warm.length} searches in ${(cpuMs() - start).toFixed(1)} ms CPU: ${warm.map((w) => w.query).join(' | ')}`,
    );
  }
  const prepared = builtDir ? cachedQueries(builtDir, BROWSER_QUERIES_PER_KIND) : null;
  if (builtDir && !prepared) throw new Error(`--built: no queries-${BROWSER_QUERIES_PER_KIND}.json beside ${builtDir}`);
  const sets: Array<[string, Query[]]> = prepared
    ? [['browser bench', prepared.queries]]
    : [
        ['browser bench', generateQueries(corpus, docs, BROWSER_QUERIES_PER_KIND)],
        ['quality bench', generateQueries(corpus, docs, QUALITY_QUERIES_PER_KIND)],
      ];
  const againstPath = arg('--against');
  if (againstPath) {
    const other = (await import(resolve(againstPath))) as EngineModule;
    const otherEngine = await importedEngine(other, docs);
    for (const [label, queries] of sets) sideBySide(label, queries, other, otherEngine, engine, runs);
    return;
  }
  const all: Array<{ q: Query; ms: number }> = [];
  for (const [label, queries] of sets) {
    const times = first ? timeQueries(engine, queries, 1, false) : timeQueries(engine, queries, runs);
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
