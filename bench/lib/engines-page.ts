/**
 * The engines page (browser code, bundled by engines-bundle.ts to /__bench/engines.js): our search
 * engine and the MiniSearch baseline side by side on the main thread of one page, on the corpus the
 * server maps to /corpus/, with the same queries. The bench calls `window.__engines.run(...)`.
 * Our engine is timed as the worker uses it (build from articles, or import of the pre-built index);
 * the page has no worker so the two engines see the same thread and throttle.
 */
import MiniSearch from 'minisearch';
import type { Chunk, Manifest } from '../../src/corpus/types.ts';
import {
  addArticles,
  compactEngine,
  createEngine,
  importIndex,
  search,
  toSearchDoc,
  type Engine,
  type SearchDoc,
} from '../../src/search/engine.ts';
import { MINI_OPTIONS } from './minisearch-config.ts';

/** Articles per addArticles / addAll call, as the worker gets them. */
const BATCH_SIZE = 500;
/** The results page the app asks for. */
const LIMIT = 20;

export interface EnginesRequest {
  queries: string[];
  /** Build our index from the articles (minutes for 100,000 articles under throttling). */
  buildOurs: boolean;
  miniSearch: boolean;
}

export interface EnginesResult {
  articles: number;
  /** fetch + JSON.parse of the chunks. */
  loadMs: number;
  ours: { buildMs: number | null; importMs: number | null; queryMs: number[] };
  miniSearch: { buildMs: number; queryMs: number[] } | null;
}

async function json<T>(file: string): Promise<T> {
  return (await (await fetch(`/corpus/${file}`)).json()) as T;
}

function timeQueries(queries: readonly string[], run: (q: string) => unknown): number[] {
  return queries.map((q) => {
    const start = performance.now();
    run(q);
    return performance.now() - start;
  });
}

/** Lets the page breathe between phases (and the bench's long-task record stay readable). */
const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

async function run(request: EnginesRequest): Promise<EnginesResult> {
  const started = performance.now();
  const manifest = await json<Manifest>('manifest.json');
  const chunks = await Promise.all(manifest.chunks.map((c) => json<Chunk>(c.file)));
  const docs: SearchDoc[] = chunks.flatMap((c) => c.articles.map(toSearchDoc)).sort((a, b) => a.ord - b.ord);
  const loadMs = performance.now() - started;
  await pause();

  let engine: Engine | null = null;
  let buildMs: number | null = null;
  if (request.buildOurs) {
    const start = performance.now();
    engine = createEngine();
    for (let i = 0; i < docs.length; i += BATCH_SIZE) addArticles(engine, docs.slice(i, i + BATCH_SIZE));
    compactEngine(engine);
    buildMs = performance.now() - start;
    await pause();
  }
  let importMs: number | null = null;
  if (manifest.index && manifest.index.length > 0) {
    const parts = await Promise.all(manifest.index.map(async (ref) => (await fetch(`/corpus/${ref.file}`)).text()));
    await pause();
    const start = performance.now();
    const imported = importIndex(JSON.parse(parts.join('')) as [string, string][]);
    importMs = performance.now() - start;
    engine ??= imported;
    await pause();
  }
  const ours = engine;
  const queryMs = ours ? timeQueries(request.queries, (q) => search(ours, q, { limit: LIMIT })) : [];
  await pause();

  let mini: EnginesResult['miniSearch'] = null;
  if (request.miniSearch) {
    const start = performance.now();
    const index = new MiniSearch<SearchDoc>(MINI_OPTIONS);
    for (let i = 0; i < docs.length; i += BATCH_SIZE) index.addAll(docs.slice(i, i + BATCH_SIZE));
    const miniBuildMs = performance.now() - start;
    await pause();
    mini = { buildMs: miniBuildMs, queryMs: timeQueries(request.queries, (q) => index.search(q).slice(0, LIMIT)) };
  }
  return { articles: docs.length, loadMs, ours: { buildMs, importMs, queryMs }, miniSearch: mini };
}

declare global {
  interface Window {
    __engines?: { run: typeof run };
  }
}
window.__engines = { run };
