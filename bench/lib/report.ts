/**
 * Turns runs into medians, prints them, and writes the "Browser benchmarks" section of
 * BENCHMARKS.md (between `<!-- browser:begin -->` and `<!-- browser:end -->`), goals beside figures.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { EnginesResult } from './engines-page.ts';
import type { RunFigures } from './measure.ts';
import { TOP_CONTRIBUTORS, type Attribution } from './profile.ts';
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
  /** More article links than this in the DOM after scrolling means the whole list is being rendered. */
  scaleListDomLinks: 500,
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
  /** Articles per second written to IndexedDB (first article write to the completion marker). */
  importArticlesPerS: number | null;
  importMBPerS: number | null;
  importTransactions: number | null;
  longestTaskDuringImportMs: number | null;
  listLinks: number | null;
  listLinksAfterScroll: number | null;
  listSetSize: number | null;
  /** Worker: index import (or build) message to 'ready', in the app. */
  workerIndexMs: number | null;
  workerIndexSource: string | null;
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
  /** The part of the round trip spent inside the worker (queue and engine). */
  inWorkerQueryP50Ms: number | null;
  inWorkerQueryP95Ms: number | null;
  longestTaskSearchMs: number | null;
  heapMainMiB: number | null;
  heapWorkerMiB: number | null;
  sizes: TransferSizes;
  /** The engines page: our engine and MiniSearch on the main thread, same queries. */
  engines: {
    loadMs: number;
    oursBuildMs: number | null;
    oursImportMs: number | null;
    oursP50Ms: number | null;
    oursP95Ms: number | null;
    miniBuildMs: number | null;
    miniP50Ms: number | null;
    miniP95Ms: number | null;
  } | null;
  /** From the first run: where the long tasks' time went. */
  attribution: { load: Attribution | null; afterPaint: Attribution | null; search: Attribution | null };
  /** The corpus builder's time for this corpus (cached figure), null when not recorded. */
  corpusBuildMs: number | null;
}

export function summarize(
  corpus: PreparedCorpus,
  runs: readonly RunFigures[],
  engines: EnginesResult | null,
): CorpusSummary {
  const m = (pick: (r: RunFigures) => number | null): number | null => medianOf(runs.map(pick));
  const floorMs = m((r) => r.floorMs);
  const coldSearchReadyMs = m((r) => r.cold.searchReadyMs);
  const importS = (r: RunFigures): number | null =>
    r.cold.importEndMs !== null && r.cold.importStartMs !== null && r.cold.importEndMs > r.cold.importStartMs
      ? (r.cold.importEndMs - r.cold.importStartMs) / 1000
      : null;
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
    importArticlesPerS: m((r) => {
      const seconds = importS(r);
      return seconds === null ? null : r.cold.articlesPut / seconds;
    }),
    importMBPerS: m((r) => {
      const seconds = importS(r);
      return seconds === null || r.cold.articlesPut === 0
        ? null
        : ((corpus.sizes.corpusRaw / 1e6) * (r.cold.articlesPut / corpus.articles)) / seconds;
    }),
    importTransactions: m((r) => r.cold.articleTransactions),
    longestTaskDuringImportMs: m((r) => r.cold.longestTaskDuringImportMs),
    listLinks: m((r) => r.warm.listLinks),
    listLinksAfterScroll: m((r) => r.warm.listLinksAfterScroll),
    listSetSize: m((r) => r.warm.listSetSize),
    workerIndexMs: m((r) => r.cold.workerIndexMs),
    workerIndexSource: runs[0]?.cold.workerIndexSource ?? null,
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
    inWorkerQueryP50Ms: m((r) => quantile(r.queries.inWorkerMs, P50)),
    inWorkerQueryP95Ms: m((r) => quantile(r.queries.inWorkerMs, P95)),
    longestTaskSearchMs: m((r) => r.queries.longestTaskMs),
    heapMainMiB: m((r) => r.heap.mainMiB),
    heapWorkerMiB: m((r) => r.heap.workerMiB),
    sizes: corpus.sizes,
    engines: engines && {
      loadMs: engines.loadMs,
      oursBuildMs: engines.ours.buildMs,
      oursImportMs: engines.ours.importMs,
      oursP50Ms: quantile(engines.ours.queryMs, P50),
      oursP95Ms: quantile(engines.ours.queryMs, P95),
      miniBuildMs: engines.miniSearch?.buildMs ?? null,
      miniP50Ms: engines.miniSearch ? quantile(engines.miniSearch.queryMs, P50) : null,
      miniP95Ms: engines.miniSearch ? quantile(engines.miniSearch.queryMs, P95) : null,
    },
    attribution: runs[0]?.attribution ?? { load: null, afterPaint: null, search: null },
    corpusBuildMs: corpus.buildMs,
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
    [
      'IndexedDB import throughput',
      ...cells((s) =>
        s.importArticlesPerS === null
          ? '–'
          : `${Math.round(s.importArticlesPerS).toLocaleString('en-US')} art/s, ${s.importMBPerS?.toFixed(1) ?? '–'} MB/s`,
      ),
    ],
    [
      'app: index import in the worker (or build)',
      ...cells((s) => `${ms(s.workerIndexMs)}${s.workerIndexSource === 'build' ? ' (build)' : ''}`),
    ],
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
    [
      'query p50 / p95, of which inside the worker',
      ...cells((s) => `${fine(s.inWorkerQueryP50Ms)} / ${fine(s.inWorkerQueryP95Ms)}`),
    ],
    ['query p50 / p95, hash change to results shown', ...cells((s) => `${ms(s.queryP50Ms)} / ${ms(s.queryP95Ms)}`)],
    ['queries (timed out)', ...cells((s) => `${s.queries} (${s.queryTimeouts})`)],
    ['longest task: cold load', ...cells((s) => ms(s.longestTaskLoadMs))],
    ['longest task: after first paint, to search-ready', ...cells((s) => ms(s.longestTaskAfterPaintMs))],
    ['longest task: warm load', ...cells((s) => ms(s.warmLongestTaskMs))],
    ['longest task: during queries', ...cells((s) => ms(s.longestTaskSearchMs))],
    ['JS heap after load: page / search worker', ...cells((s) => `${mib(s.heapMainMiB)} / ${mib(s.heapWorkerMiB)}`)],
    ['engines page: fetch + parse + toSearchDoc', ...cells((s) => ms(s.engines?.loadMs ?? null))],
    [
      'index build: ours / MiniSearch',
      ...cells((s) => `${ms(s.engines?.oursBuildMs ?? null)} / ${ms(s.engines?.miniBuildMs ?? null)}`),
    ],
    ['index import (pre-built, fetched parts): ours', ...cells((s) => ms(s.engines?.oursImportMs ?? null))],
    [
      'query p50 / p95 in page: ours',
      ...cells((s) => `${fine(s.engines?.oursP50Ms ?? null)} / ${fine(s.engines?.oursP95Ms ?? null)}`),
    ],
    [
      'query p50 / p95 in page: MiniSearch',
      ...cells((s) => `${fine(s.engines?.miniP50Ms ?? null)} / ${fine(s.engines?.miniP95Ms ?? null)}`),
    ],
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

function attributionLines(a: Attribution | null): string[] {
  if (!a || a.tasks === 0) return ['no long task'];
  const list = (items: Attribution['functions']): string =>
    items.map((c) => `${c.name} ${Math.round(c.selfMs).toLocaleString('en-US')} ms`).join('; ');
  return [
    `${a.tasks} long tasks, ${Math.round(a.tasksMs).toLocaleString('en-US')} ms in all (${Math.round(a.sampledMs).toLocaleString('en-US')} ms sampled)`,
    `functions: ${list(a.functions)}`,
    `scripts: ${list(a.scripts)}`,
  ];
}

/** The top contributors to long tasks (self time in the CPU profile), during the cold load and the queries. */
export function printAttribution(summaries: readonly CorpusSummary[]): void {
  console.log(`\nLong-task attribution (first run; self time inside long tasks, top ${TOP_CONTRIBUTORS})`);
  for (const s of summaries) {
    for (const [phase, a] of [
      ['cold load to search-ready', s.attribution.load],
      ['cold, first paint to search-ready', s.attribution.afterPaint],
      ['queries', s.attribution.search],
    ] as const) {
      console.log(`  ${s.corpus}, ${phase}:`);
      for (const line of attributionLines(a)) console.log(`    ${line}`);
    }
  }
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
    const scroll = scale.listLinksAfterScroll;
    check(
      `100k: lists virtualized (article links in the DOM stay ≤ ${GOALS.scaleListDomLinks} while scrolling)`,
      scroll === null
        ? 'no list found on #/'
        : `${scale.listLinks ?? '–'} links at first paint, ${scroll} after ${'5'} scrolls to the end` +
            (scale.listSetSize === null
              ? ', no aria-setsize'
              : `, aria-setsize ${scale.listSetSize.toLocaleString('en-US')}`),
      scroll === null ? false : scroll <= GOALS.scaleListDomLinks,
    );
    check(
      `100k: import in background chunks (several transactions, no task over ${GOALS.longTaskAfterPaintMs} ms during it)`,
      `${scale.importTransactions ?? '–'} transactions, longest task during import ${ms(scale.longestTaskDuringImportMs)}`,
      scale.importTransactions === null || scale.longestTaskDuringImportMs === null
        ? null
        : scale.importTransactions > 1 && scale.longestTaskDuringImportMs <= GOALS.longTaskAfterPaintMs,
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
  /** 1-minute load average, lowest and highest seen during the run. */
  load: { min: number; max: number };
  cores: number;
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
  const attribution = summaries.flatMap((s) =>
    (
      [
        ['cold load to search-ready', s.attribution.load],
        ['cold, first paint to search-ready', s.attribution.afterPaint],
        ['queries', s.attribution.search],
      ] as const
    ).map(([phase, a]) => {
      const [head = '', ...rest] = attributionLines(a);
      return `- ${s.corpus}, ${phase}: ${head}.${rest.length > 0 ? `\n  ${rest.join('.\n  ')}.` : ''}`;
    }),
  );
  return [
    BEGIN,
    '',
    `\`${context.command}\` (${context.date}; ${context.elapsedS} s in all, on ${context.cores} cores shared with other ` +
      `work: 1-minute load average ${context.load.min.toFixed(1)}–${context.load.max.toFixed(1)} during the run). The app ` +
      '(and widget) is built once with `vite build` and each corpus once with the CLI, both cached in `.tmp/bench` (the app by ' +
      "the hash of its sources, a corpus by its source, the builder's code and what the search code builds for a fixed sample); " +
      'one local node:http server per corpus serves the one app with `/corpus/` mapped to ' +
      'that corpus (precompressed gzip, level 6). Headless Debian Chromium, 4× CPU throttling (CDP), service workers ' +
      `blocked; ${context.runs === 1 ? 'one run per corpus (`--runs N` gives medians of N)' : `medians of ${context.runs} runs (\`scale-100k\` 1)`}, ` +
      'corpora side by side. Times are from navigation start. `scale-100k` is `bench/scale-corpus.ts` (100,000 articles drawn ' +
      'from the three corpora, new ids, shuffled paragraphs, seeded).',
    '',
    table,
    '',
    goalTable,
    '',
    '- Floor: a page that fetches the manifest, every chunk and every index part in parallel and `JSON.parse`s them, nothing else.',
    '- Cold: a fresh profile opens `#/`; when the list shows, the hash becomes `#/search?q=<search word>`. ' +
      'First list paint: the first visible link to `#/article/…` (the frame after it appears). ' +
      'Search-ready: results on screen after the worker answered from its complete index (earlier answers from a ' +
      'partial index are "first results"). Import end: the corpus completion marker is committed to IndexedDB; ' +
      "throughput counts from the first article written. Index cached: the search worker's index committed to " +
      'IndexedDB (polled every 200 ms from the page once the import has ended). When the page keeps an answer the worker gave before it ' +
      'was ready, the bench searches again 1.5 s after the worker is ready and counts worker-ready plus that search.',
    "- Search word: the longest word of the first article's title (its first two Han characters for Chinese).",
    '- Warm: the same profile (IndexedDB filled, search index cached, HTTP cache warm), a new page, same steps; then ' +
      'the list page is scrolled to its end 5 times to count the article links in the DOM (virtualization).',
    '- Queries: the known-item queries of `bench/search-quality.ts` (`generateQueries`), run through the app by ' +
      'setting `location.hash` to each. "Hash change to results shown": from setting the hash to the animation ' +
      'frame after the worker\'s final answer for that query arrived, a `role="status"` element names the query and ' +
      'the `aria-label="Search results"` list is not `aria-busy` (the probe keys on the design contract\'s label, ' +
      'roles and article links only, no CSS class). "Worker round trip": the search message to its answer (the probe wraps `Worker`).',
    '- Engines page: our engine (`src/search/engine.ts`) and MiniSearch (configured as in `bench/search-quality.ts`) ' +
      'on the main thread of one page, same corpus, same queries, same throttle: build from the articles, import of ' +
      'the pre-built index parts (`JSON.parse` + `importIndex`), query times (limit 20). Our build from the articles ' +
      'on the corpora up to 5,000 articles only (the app imports the pre-built index; en-reuters: import and queries), ' +
      "MiniSearch's wherever its queries are timed. Not run for `scale-100k` " +
      "(minutes under throttling; its index import is the app's, in the worker); `--quick` skips MiniSearch for en-reuters.",
    '- Long tasks: a `longtask` PerformanceObserver added with `addInitScript`. No figure of the table is taken ' +
      "under the CPU profiler, which lengthens the main thread's tasks: the attribution below comes from a pass " +
      'of its own. Heap: after ' +
      '`HeapProfiler.collectGarbage`, `Runtime.getHeapUsage` (used heap plus ArrayBuffer backing stores) of the page and of the search worker.',
    '- gzip sizes are of the built files (level 6, as served). "App JS at start": the scripts index.html loads. ' +
      'Widget JS: `widget/folio-reader.js` of the widget build.',
    '',
    "**Long-task attribution** (first run; a profiled pass after the measured one: a fresh profile's cold visit " +
      'to search-ready and the first 30 queries under a CPU profile (CDP Profiler, 500 µs sampling) of the main thread; ' +
      'the self time of the samples inside long tasks, mapped ' +
      `through the build's source maps, top ${TOP_CONTRIBUTORS} by function and by source file):`,
    '',
    ...attribution,
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
