/**
 * Turns runs into medians, prints them, and writes the "Browser benchmarks" section of
 * BENCHMARKS.md (between `<!-- browser:begin -->` and `<!-- browser:end -->`), goals beside figures.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { RunFigures } from './measure.ts';
import type { PreparedCorpus, TransferSizes } from './prepare.ts';
import { median, medianOf, quantile } from './stats.ts';

const P50 = 0.5;
const P95 = 0.95;
const BEGIN = '<!-- browser:begin -->';
const END = '<!-- browser:end -->';
const SECTION = '## Browser benchmarks';

/** Issue 7's goals. */
export const GOALS = {
  coldOverFloor: 2,
  warmSearchReadyMs: 300,
  queryP95Ms: 10,
  longTaskAfterPaintMs: 50,
  appJsBytes: 60_000,
  widgetJsBytes: 70_000,
  scaleQueryP95Ms: 50,
} as const;
export const GOAL_CORPUS = 'en-reuters';
export const SCALE_CORPUS = 'scale-100k';

export interface CorpusSummary {
  corpus: string;
  articles: number;
  chunks: number;
  runs: number;
  probeQuery: string;
  floorMs: number | null;
  coldFirstListPaintMs: number | null;
  coldFirstResultsMs: number | null;
  coldSearchReadyMs: number | null;
  /** Runs where the bench had to search again (cold, warm). */
  searchRetries: { cold: number; warm: number };
  coldImportEndMs: number | null;
  coldWorkerReadyMs: number | null;
  coldIndexCachedMs: number | null;
  coldOverFloor: number | null;
  longestTaskLoadMs: number | null;
  longestTaskAfterPaintMs: number | null;
  coldTransferredBytes: number | null;
  warmFirstListPaintMs: number | null;
  warmSearchReadyMs: number | null;
  warmLongestTaskMs: number | null;
  queries: number;
  queryTimeouts: number;
  queryP50Ms: number | null;
  queryP95Ms: number | null;
  workerQueryP50Ms: number | null;
  workerQueryP95Ms: number | null;
  longestTaskSearchMs: number | null;
  heapMainMiB: number | null;
  heapWorkerMiB: number | null;
  sizes: TransferSizes;
}

export function summarize(corpus: PreparedCorpus, runs: readonly RunFigures[]): CorpusSummary {
  const m = (pick: (r: RunFigures) => number | null): number | null => medianOf(runs.map(pick));
  const floorMs = m((r) => r.floorMs);
  const coldSearchReadyMs = m((r) => r.cold.searchReadyMs);
  return {
    corpus: corpus.name,
    articles: corpus.articles,
    chunks: corpus.chunks,
    runs: runs.length,
    probeQuery: corpus.probeQuery,
    floorMs,
    coldFirstListPaintMs: m((r) => r.cold.firstListPaintMs),
    coldFirstResultsMs: m((r) => r.cold.firstResultsMs),
    coldSearchReadyMs,
    searchRetries: {
      cold: runs.filter((r) => r.cold.searchRetried).length,
      warm: runs.filter((r) => r.warm.searchRetried).length,
    },
    coldImportEndMs: m((r) => r.cold.importEndMs),
    coldWorkerReadyMs: m((r) => r.cold.workerReadyMs),
    coldIndexCachedMs: m((r) => r.cold.indexCachedMs),
    coldOverFloor: floorMs && coldSearchReadyMs !== null ? coldSearchReadyMs / floorMs : null,
    longestTaskLoadMs: m((r) => r.cold.longestTaskMs),
    longestTaskAfterPaintMs: m((r) => r.cold.longestTaskAfterPaintMs),
    coldTransferredBytes: m((r) => r.cold.transferredBytes),
    warmFirstListPaintMs: m((r) => r.warm.firstListPaintMs),
    warmSearchReadyMs: m((r) => r.warm.searchReadyMs),
    warmLongestTaskMs: m((r) => r.warm.longestTaskMs),
    queries: median(runs.map((r) => r.queries.count)) ?? 0,
    queryTimeouts: runs.reduce((sum, r) => sum + r.queries.timedOut, 0),
    queryP50Ms: m((r) => quantile(r.queries.endToEndMs, P50)),
    queryP95Ms: m((r) => quantile(r.queries.endToEndMs, P95)),
    workerQueryP50Ms: m((r) => quantile(r.queries.workerMs, P50)),
    workerQueryP95Ms: m((r) => quantile(r.queries.workerMs, P95)),
    longestTaskSearchMs: m((r) => r.queries.longestTaskMs),
    heapMainMiB: m((r) => r.heap.mainMiB),
    heapWorkerMiB: m((r) => r.heap.workerMiB),
    sizes: corpus.sizes,
  };
}

function ms(value: number | null): string {
  return value === null ? '–' : `${Math.round(value).toLocaleString('en-US')} ms`;
}

function fine(value: number | null): string {
  return value === null ? '–' : `${value.toFixed(1)} ms`;
}

function kb(bytes: number | null): string {
  if (bytes === null) return 'absent';
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} kB`;
}

function mib(value: number | null): string {
  return value === null ? '–' : `${value.toFixed(1)} MiB`;
}

type Row = [label: string, ...cells: string[]];

function rows(summaries: readonly CorpusSummary[]): Row[] {
  const cells = (f: (s: CorpusSummary) => string): string[] => summaries.map(f);
  return [
    ['articles', ...cells((s) => s.articles.toLocaleString('en-US'))],
    ['floor: fetch + JSON.parse of the corpus', ...cells((s) => ms(s.floorMs))],
    ['cold: first list paint', ...cells((s) => ms(s.coldFirstListPaintMs))],
    ['cold: import end (IndexedDB marker)', ...cells((s) => ms(s.coldImportEndMs))],
    ['cold: first results (partial index)', ...cells((s) => ms(s.coldFirstResultsMs))],
    ['cold: search-ready', ...cells((s) => ms(s.coldSearchReadyMs))],
    [
      'runs searched again (cold / warm)',
      ...cells((s) => `${s.searchRetries.cold} / ${s.searchRetries.warm} of ${s.runs}`),
    ],
    ['cold search-ready / floor', ...cells((s) => (s.coldOverFloor === null ? '–' : `${s.coldOverFloor.toFixed(1)}×`))],
    ['cold: index cached in IndexedDB', ...cells((s) => ms(s.coldIndexCachedMs))],
    ['warm: first list paint', ...cells((s) => ms(s.warmFirstListPaintMs))],
    ['warm: search-ready', ...cells((s) => ms(s.warmSearchReadyMs))],
    [
      'query p50 / p95, worker round trip',
      ...cells((s) => `${fine(s.workerQueryP50Ms)} / ${fine(s.workerQueryP95Ms)}`),
    ],
    ['query p50 / p95, hash change to results shown', ...cells((s) => `${ms(s.queryP50Ms)} / ${ms(s.queryP95Ms)}`)],
    ['queries (timed out)', ...cells((s) => `${s.queries} (${s.queryTimeouts})`)],
    ['longest task: cold load', ...cells((s) => ms(s.longestTaskLoadMs))],
    ['longest task: after first paint, to search-ready', ...cells((s) => ms(s.longestTaskAfterPaintMs))],
    ['longest task: warm load', ...cells((s) => ms(s.warmLongestTaskMs))],
    ['longest task: during queries', ...cells((s) => ms(s.longestTaskSearchMs))],
    ['JS heap after load: page / search worker', ...cells((s) => `${mib(s.heapMainMiB)} / ${mib(s.heapWorkerMiB)}`)],
    ['gzip: app JS at start', ...cells((s) => kb(s.sizes.appJs))],
    ['gzip: lazy JS / worker JS', ...cells((s) => `${kb(s.sizes.lazyJs)} / ${kb(s.sizes.workerJs)}`)],
    ['gzip: CSS', ...cells((s) => kb(s.sizes.css))],
    ['gzip: widget JS', ...cells((s) => kb(s.sizes.widgetJs))],
    ['gzip: corpus (raw)', ...cells((s) => `${kb(s.sizes.corpus)} (${kb(s.sizes.corpusRaw)})`)],
    ['gzip: index files', ...cells((s) => (s.sizes.index === null ? 'none' : kb(s.sizes.index)))],
    ['cold visit transferred', ...cells((s) => kb(s.coldTransferredBytes))],
  ];
}

export function printTable(summaries: readonly CorpusSummary[]): void {
  const header: Row = ['', ...summaries.map((s) => s.corpus)];
  const all = [header, ...rows(summaries)];
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  console.log('\nBrowser benchmarks (medians)');
  for (const row of all)
    console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
  console.log('\nGoals (issue 7)');
  for (const goal of goals(summaries))
    console.log(`  ${goal.met === null ? 'n/a ' : goal.met ? 'met ' : 'MISS'}  ${goal.goal}: ${goal.measured}`);
}

interface Goal {
  goal: string;
  measured: string;
  met: boolean | null;
}

export function goals(summaries: readonly CorpusSummary[]): Goal[] {
  const by = (name: string): CorpusSummary | undefined => summaries.find((s) => s.corpus === name);
  const reuters = by(GOAL_CORPUS);
  const scale = by(SCALE_CORPUS);
  const shared = summaries.filter((s) => s.corpus !== SCALE_CORPUS);
  const any = summaries[0];
  const list: Goal[] = [];
  const check = (goal: string, measured: string, met: boolean | null): void => void list.push({ goal, measured, met });
  const worst = (values: (number | null)[]): number | null =>
    values.some((v) => v === null) || values.length === 0 ? null : Math.max(...(values as number[]));
  if (reuters) {
    check(
      `${GOAL_CORPUS} cold search-ready ≤ ${GOALS.coldOverFloor}× the floor`,
      `${ms(reuters.coldSearchReadyMs)} vs floor ${ms(reuters.floorMs)} = ${reuters.coldOverFloor?.toFixed(1) ?? '–'}×`,
      reuters.coldOverFloor === null ? null : reuters.coldOverFloor <= GOALS.coldOverFloor,
    );
  }
  const warm = worst(shared.map((s) => s.warmSearchReadyMs));
  check(
    `warm search-ready ≤ ${GOALS.warmSearchReadyMs} ms`,
    shared.map((s) => `${s.corpus} ${ms(s.warmSearchReadyMs)}`).join(', '),
    warm === null ? null : warm <= GOALS.warmSearchReadyMs,
  );
  const p95 = worst(shared.map((s) => s.workerQueryP95Ms));
  check(
    `p95 query ≤ ${GOALS.queryP95Ms} ms (worker round trip)`,
    shared.map((s) => `${s.corpus} ${fine(s.workerQueryP95Ms)}`).join(', ') +
      `; hash change to results shown: ${shared.map((s) => ms(s.queryP95Ms)).join(', ')}`,
    p95 === null ? null : p95 <= GOALS.queryP95Ms,
  );
  const task = worst(shared.map((s) => s.longestTaskAfterPaintMs));
  check(
    `longest main-thread task after first paint ≤ ${GOALS.longTaskAfterPaintMs} ms`,
    shared.map((s) => `${s.corpus} ${ms(s.longestTaskAfterPaintMs)}`).join(', '),
    task === null ? null : task <= GOALS.longTaskAfterPaintMs,
  );
  if (any) {
    check(`app JS ≤ ${GOALS.appJsBytes / 1000} kB gzip`, kb(any.sizes.appJs), any.sizes.appJs <= GOALS.appJsBytes);
    check(
      `widget JS ≤ ${GOALS.widgetJsBytes / 1000} kB gzip`,
      any.sizes.widgetJs === null ? 'no dist/widget/folio-reader.js in the build' : kb(any.sizes.widgetJs),
      any.sizes.widgetJs === null ? null : any.sizes.widgetJs <= GOALS.widgetJsBytes,
    );
  }
  if (scale) {
    const paint = scale.coldFirstListPaintMs;
    const end = scale.coldImportEndMs;
    check(
      '100k: first screen shown before the import ends',
      `first list paint ${ms(paint)}, import end ${ms(end)}`,
      paint === null || end === null ? (paint === null ? false : null) : paint < end,
    );
    check(
      `100k: search p95 ≤ ${GOALS.scaleQueryP95Ms} ms (worker round trip)`,
      `${fine(scale.workerQueryP95Ms)}; hash change to results shown ${ms(scale.queryP95Ms)}`,
      scale.workerQueryP95Ms === null ? null : scale.workerQueryP95Ms <= GOALS.scaleQueryP95Ms,
    );
    check('100k: JS heap (figure)', `page ${mib(scale.heapMainMiB)}, search worker ${mib(scale.heapWorkerMiB)}`, null);
  }
  return list;
}

function markdownTable(header: string[], body: string[][], right: boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, 3, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (right[i] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(header), rule, ...body.map(line)].join('\n');
}

export interface DocContext {
  date: string;
  command: string;
  runs: number;
  elapsedS: number;
}

export function benchmarksSection(summaries: readonly CorpusSummary[], context: DocContext): string {
  const header = ['', ...summaries.map((s) => s.corpus)];
  const table = markdownTable(
    header,
    rows(summaries),
    header.map((_, i) => i > 0),
  );
  const goalTable = markdownTable(
    ['goal (issue 7)', 'measured', 'met'],
    goals(summaries).map((g) => [g.goal, g.measured, g.met === null ? '–' : g.met ? 'yes' : '**no**']),
    [false, false, false],
  );
  return [
    BEGIN,
    '',
    `\`${context.command}\` (${context.date}; ${context.elapsedS} s in all): each corpus built with the CLI, the app built over it ` +
      '(`FOLIO_PUBLIC_DIR=… vite build`), served with gzip from a local node:http server, measured in headless Debian ' +
      `Chromium with 4× CPU throttling and service workers blocked; medians of ${context.runs} run${context.runs === 1 ? '' : 's'}, ` +
      'corpora side by side in each run. Times are from navigation start. `scale-100k` is `bench/scale-corpus.ts` ' +
      '(100,000 articles drawn from the three corpora, new ids, shuffled paragraphs, seeded).',
    '',
    table,
    '',
    goalTable,
    '',
    '- Floor: a page that fetches the manifest and every corpus file in parallel and `JSON.parse`s each, nothing else.',
    '- Cold: a fresh profile opens `#/`; when the list shows, the hash becomes `#/search?q=<search word>`. ' +
      'Search-ready: results on screen after the worker answered from its complete index (earlier answers from a ' +
      'partial index are "first results"). Import end: the corpus completion marker is committed to IndexedDB. ' +
      'When the page keeps an answer the worker gave before it was ready (empty, yet marked complete), the bench ' +
      'searches again 1.5 s after the worker is ready and counts worker-ready plus that search ("searched again").',
    "- Search word: the longest word of the first article's title (its first two Han characters for Chinese).",
    '- Warm: the same profile (IndexedDB filled, search index cached, HTTP cache warm), a new page, same steps.',
    '- Queries: the known-item queries of `bench/search-quality.ts` (`generateQueries`), run through the app by ' +
      'setting `location.hash` to each (the app exposes no search hook). "Worker round trip" is the search message ' +
      'to its answer (the probe wraps `Worker`); the other figure adds the page mount, IndexedDB reads and render.',
    '- Long tasks: a `longtask` PerformanceObserver added with `addInitScript`. Heap: after ' +
      '`HeapProfiler.collectGarbage`, `Runtime.getHeapUsage` of the page and of the search worker.',
    '- gzip sizes are of the built files (level 6, as served). "App JS at start": the scripts index.html loads.',
    '',
    END,
  ].join('\n');
}

/** Replaces the section between the markers, or appends the section at the end of the file. */
export function writeBenchmarksSection(file: string, summaries: readonly CorpusSummary[], context: DocContext): void {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const block = benchmarksSection(summaries, context);
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  let next: string;
  if (begin >= 0 && end > begin) next = text.slice(0, begin) + block + text.slice(end + END.length);
  else if (text.includes(SECTION)) next = text.replace(SECTION, `${SECTION}\n\n${block}`);
  else next = `${text.trimEnd()}\n\n${SECTION}\n\n${block}\n`;
  writeFileSync(file, next);
}
