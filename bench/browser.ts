/**
 * The browser bench (issue 7): each shared corpus and a 100,000-article scale corpus, measured in
 * headless Chromium with 4x CPU throttling and service workers blocked. The app (and widget) is built
 * once, each corpus once (both cached under .tmp/bench, see lib/cache.ts), and one static server
 * per corpus serves the one app with /corpus/ mapped to that corpus's folder. One run by default
 * (`--runs N` for medians of N; the scale corpus always 1), corpora side by side in each run, then the
 * engines page (our engine and MiniSearch on the same queries) once per corpus. `--quick`: en-news and
 * en-reuters, fewer queries, no MiniSearch on the engines page for en-reuters. Each phase's wall-clock
 * time is logged and summed at the end (lib/phases.ts).
 *
 *   npx tsx bench/browser.ts [--quick] [--runs N] [--corpus en-reuters,scale-100k] [--no-write-doc]
 *
 * Prints a table and the long-task attribution, writes bench/results/browser-<date>.json and the
 * "Browser benchmarks" section of BENCHMARKS.md (between its markers). `npm run bench` runs it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os, { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findChromium, HOW_TO_GET_CHROMIUM } from '../tests/chromium.ts';
import type { EnginesResult } from './lib/engines-page.ts';
import { measureCorpus, measureEngines, CPU_THROTTLING, type RunFigures } from './lib/measure.ts';
import { Phases } from './lib/phases.ts';
import { buildApp, prepareCorpus, SCALE_NAME, type PreparedCorpus } from './lib/prepare.ts';
import { sourceMapResolver } from './lib/profile.ts';
import { summarize, printAttribution, printTable, writeBenchmarksSection, type CorpusSummary } from './lib/report.ts';
import { serveStatic, type StaticServer } from './lib/server.ts';
import { CORPORA } from './search-quality.ts';

export { SCALE_NAME };
const ALL = [...CORPORA, SCALE_NAME] as const;
const DEFAULT_RUNS = 1;
const PARTIAL_FILE = 'bench/results/browser-partial.json';
/** `--quick`: the smallest corpus and the goal corpus; zh-news and the 100k corpus only in the full run. */
const QUICK_CORPORA = ['en-news', 'en-reuters'];
const SCALE_RUNS = 1;
/** Known-item queries of each kind (title, body; English adds typo variants of the title ones). */
const QUERIES_PER_KIND = 40;
const QUICK_QUERIES_PER_KIND = 15;
/** Building our index and MiniSearch's over 100,000 articles takes minutes under throttling: no engines page. */
const ENGINES_BUILD_MAX_ARTICLES = 20_000;
/**
 * Our index is built from the articles (the build comparison with MiniSearch) on the small corpora
 * only: the app imports the pre-built index, which is measured on every corpus, and the build of
 * en-reuters (~12 s throttled) told nothing the small ones do not (ours ~2-7x faster). MiniSearch is
 * still built wherever its query times are measured, and its build time reported.
 */
const OURS_BUILD_MAX_ARTICLES = 5_000;
/** `--quick` builds MiniSearch for the small corpora only (en-reuters: our import and queries). */
const QUICK_ENGINES_BUILD_MAX_ARTICLES = 5_000;

export interface BrowserBenchOptions {
  quick: boolean;
  runs: number;
  corpora: string[];
  writeDoc: boolean;
}

export function parseOptions(argv: readonly string[]): BrowserBenchOptions {
  const quick = argv.includes('--quick');
  const value = (flag: string): string | undefined => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  const runs = Number(value('--runs') ?? (quick ? 1 : DEFAULT_RUNS));
  const picked = value('--corpus')?.split(',') ?? (quick ? QUICK_CORPORA : [...ALL]);
  const unknown = picked.filter((name) => !(ALL as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`unknown corpus ${unknown.join(', ')}: pick from ${ALL.join(', ')}`);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs wants a whole number of at least 1');
  return { quick, runs, corpora: picked, writeDoc: !argv.includes('--no-write-doc') };
}

function log(line: string): void {
  console.log(`[browser] ${line}`);
}

/** Query texts once each, in order: the same text twice in a row would not change the hash. */
function distinct(texts: readonly string[]): string[] {
  return [...new Set(texts)];
}

export async function runBrowserBench(options: BrowserBenchOptions): Promise<CorpusSummary[]> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(HOW_TO_GET_CHROMIUM);
  const started = performance.now();
  const perKind = options.quick ? QUICK_QUERIES_PER_KIND : QUERIES_PER_KIND;
  const phases = new Phases(log);
  const app = await phases.time('prepare: app', null, () => buildApp(log));
  log(app.builtS === null ? `app: cached build ${app.distDir}` : `app built in ${Math.round(app.builtS)} s`);
  const resolveSource = sourceMapResolver(app.distDir);
  const prepared: PreparedCorpus[] = [];
  for (const name of options.corpora) {
    const corpus = await phases.time('prepare: corpus', name, () => prepareCorpus(name, app.distDir, perKind, log));
    if (corpus) prepared.push(corpus);
  }
  if (prepared.length === 0) {
    log('nothing to measure');
    return [];
  }
  const preparedS = Math.round((performance.now() - started) / 1000);
  const servers = new Map<string, StaticServer>();
  for (const corpus of prepared) servers.set(corpus.name, await serveStatic(app.distDir, corpus.corpusDir));
  const runs = new Map<string, RunFigures[]>(prepared.map((c) => [c.name, []]));
  const engines = new Map<string, EnginesResult | null>();
  const loads: number[] = [loadavg()[0]!];
  try {
    for (let run = 1; run <= options.runs; run += 1) {
      for (const corpus of prepared) {
        // 100,000 articles take minutes a visit: one run keeps the whole bench within 10 minutes.
        if (corpus.name === SCALE_NAME && run > SCALE_RUNS) continue;
        const server = servers.get(corpus.name)!;
        log(`run ${run}/${options.runs} ${corpus.name} (${corpus.queries.length} queries)`);
        try {
          const figures = await measureCorpus(executablePath, server.url, {
            probeQuery: corpus.probeQuery,
            queries: corpus.queries.filter((q, i, all) => all.findIndex((o) => o.text === q.text) === i),
            resolve: resolveSource,
            log: (line) => log(`  ${corpus.name}: ${line}`),
            phase: phases.forCorpus(corpus.name),
            // The report attributes the first run's long tasks only.
            attribute: run === 1,
          });
          runs.get(corpus.name)!.push(figures);
          // Kept as it goes: a run stopped later (a timeout, a killed bench) still leaves these figures.
          mkdirSync('bench/results', { recursive: true });
          writeFileSync(
            PARTIAL_FILE,
            `${JSON.stringify({ at: new Date().toISOString(), raw: Object.fromEntries(runs) })}\n`,
          );
        } catch (error) {
          // One corpus failing (a timeout on a loaded machine) must not lose the others' figures.
          log(`  ${corpus.name}: run failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
        }
        loads.push(loadavg()[0]!);
      }
    }
    for (const corpus of prepared) {
      // The 100k corpus: its index import is measured in the app (worker); the page alone would take minutes.
      if (corpus.articles > ENGINES_BUILD_MAX_ARTICLES) continue;
      const mini = corpus.articles <= (options.quick ? QUICK_ENGINES_BUILD_MAX_ARTICLES : ENGINES_BUILD_MAX_ARTICLES);
      const build = mini && corpus.articles <= OURS_BUILD_MAX_ARTICLES;
      log(`engines page ${corpus.name} (ours${build ? ' build +' : ''} import${mini ? ', MiniSearch' : ''})`);
      const result = await phases.time('engines page', corpus.name, () =>
        measureEngines(executablePath, servers.get(corpus.name)!.url, {
          queries: distinct(corpus.queries.map((q) => q.text)),
          buildOurs: build,
          miniSearch: mini,
        }),
      );
      engines.set(corpus.name, result);
      loads.push(loadavg()[0]!);
    }
  } finally {
    for (const server of servers.values()) await server.close();
  }
  const measured = prepared.filter((corpus) => runs.get(corpus.name)!.length > 0);
  const summaries = measured.map((corpus) =>
    summarize(corpus, runs.get(corpus.name)!, engines.get(corpus.name) ?? null),
  );
  const elapsedS = Math.round((performance.now() - started) / 1000);
  const date = new Date().toISOString();
  const defaults = options.quick ? QUICK_CORPORA : [...ALL];
  const flags = [
    ...(options.quick ? ['--quick'] : []),
    ...(options.runs !== (options.quick ? 1 : DEFAULT_RUNS) ? ['--runs', String(options.runs)] : []),
    ...(options.corpora.join(',') !== defaults.join(',') ? ['--corpus', options.corpora.join(',')] : []),
  ];
  const command = `npm run bench${flags.length > 0 ? ` -- ${flags.join(' ')}` : ''}`;
  const load = { min: Math.min(...loads), max: Math.max(...loads) };
  printTable(summaries);
  printAttribution(summaries);
  const phaseTable = phases.table();
  console.log(`\nWhere the ${elapsedS} s went (wall clock, s, by phase and corpus)`);
  console.table(phaseTable);
  log(
    `load average (1 min) during the run: ${load.min.toFixed(1)}–${load.max.toFixed(1)} on ${os.availableParallelism()} cores`,
  );
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/browser-${date.replace(/[:.]/g, '-')}.json`;
  const setup = {
    cpuThrottling: CPU_THROTTLING,
    runs: options.runs,
    quick: options.quick,
    chromium: executablePath,
    cores: os.availableParallelism(),
    load,
    preparedS,
    appBuiltS: app.builtS,
    corpusBuiltS: Object.fromEntries(prepared.map((c) => [c.name, c.builtS])),
  };
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        date,
        command,
        elapsedS,
        phases: phaseTable,
        setup,
        corpora: summaries,
        raw: Object.fromEntries(runs),
        engines: Object.fromEntries(engines),
      },
      null,
      2,
    )}\n`,
  );
  log(`wrote ${file} (${elapsedS} s in all)`);
  if (options.writeDoc) {
    writeBenchmarksSection('BENCHMARKS.md', summaries, {
      date: date.slice(0, 10),
      command,
      runs: options.runs,
      elapsedS,
      load,
      cores: os.availableParallelism(),
    });
    log('updated the "Browser benchmarks" section of BENCHMARKS.md');
  }
  return summaries;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await runBrowserBench(parseOptions(process.argv.slice(2)));
}
