/**
 * The browser bench (issue 7): each shared corpus and a 100,000-article scale corpus, built into
 * the app, served with gzip on localhost and measured in headless Chromium with 4x CPU throttling
 * and service workers blocked. Medians of N runs (3; `--quick` 1; the scale corpus 1), corpora side by
 * side in each run.
 *
 *   npx tsx bench/browser.ts [--quick] [--runs N] [--corpus en-reuters,scale-100k] [--no-write-doc]
 *
 * Prints a table, writes bench/results/browser-<date>.json and the "Browser benchmarks" section of
 * BENCHMARKS.md (between its markers). `npm run bench` runs it after the corpus build timings.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findChromium, HOW_TO_GET_CHROMIUM } from '../tests/chromium.ts';
import { runBuild } from '../src/cli/run-build.ts';
import { buildApp, prepareQueries, transferSizes, type PreparedCorpus } from './lib/prepare.ts';
import { measureCorpus, CPU_THROTTLING, type RunFigures } from './lib/measure.ts';
import { summarize, printTable, writeBenchmarksSection, type CorpusSummary } from './lib/report.ts';
import { serveStatic, type StaticServer } from './lib/server.ts';
import { buildScaleCorpus, SCALE_COUNT } from './scale-corpus.ts';
import { CORPORA } from './search-quality.ts';

export const SCALE_NAME = 'scale-100k';
const ALL = [...CORPORA, SCALE_NAME] as const;
const DEFAULT_RUNS = 3;
const SCALE_RUNS = 1;
/** Known-item queries of each kind (title, body; English adds typo variants of the title ones). */
const QUERIES_PER_KIND = 40;
const QUICK_QUERIES_PER_KIND = 15;

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
  const picked = value('--corpus')?.split(',') ?? [...ALL];
  const unknown = picked.filter((name) => !(ALL as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`unknown corpus ${unknown.join(', ')}: pick from ${ALL.join(', ')}`);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs wants a whole number of at least 1');
  return { quick, runs, corpora: picked, writeDoc: !argv.includes('--no-write-doc') };
}

function sharedDir(): string {
  return resolve(process.env.FOLIO_SHARED_CORPUS ?? '../shared/corpus');
}

function log(line: string): void {
  console.log(`[browser] ${line}`);
}

async function prepare(name: string, perKind: number): Promise<PreparedCorpus | null> {
  const work = join(tmpdir(), 'folio-bench', name);
  let corpusDir: string;
  const started = performance.now();
  if (name === SCALE_NAME) {
    if (!CORPORA.some((c) => existsSync(join(sharedDir(), `${c}.json`)))) {
      log(`skip ${name}: no shared corpus in ${sharedDir()} to make it from`);
      return null;
    }
    corpusDir = await buildScaleCorpus(SCALE_COUNT);
  } else {
    const input = join(sharedDir(), `${name}.json`);
    if (!existsSync(input)) {
      log(`skip ${name}: ${input} is absent`);
      return null;
    }
    corpusDir = join(work, 'corpus');
    const result = await runBuild({
      inputs: [input],
      out: corpusDir,
      skipInvalid: true,
      log: () => {},
      logError: () => {},
    });
    if (!result.ok) throw new Error(`building the ${name} corpus failed`);
  }
  const distDir = await buildApp(corpusDir, join(work, 'app'));
  const { articles, queries, probeQuery } = prepareQueries(name, corpusDir, perKind);
  const sizes = transferSizes(distDir);
  const manifest = JSON.parse(readFileSync(join(corpusDir, 'manifest.json'), 'utf8')) as { chunks: unknown[] };
  log(`${name}: ${articles} articles, corpus and app built in ${Math.round((performance.now() - started) / 1000)} s`);
  return { name, articles, chunks: manifest.chunks.length, distDir, sizes, queries, probeQuery };
}

export async function runBrowserBench(options: BrowserBenchOptions): Promise<CorpusSummary[]> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(HOW_TO_GET_CHROMIUM);
  const started = performance.now();
  const perKind = options.quick ? QUICK_QUERIES_PER_KIND : QUERIES_PER_KIND;
  const prepared: PreparedCorpus[] = [];
  for (const name of options.corpora) {
    const corpus = await prepare(name, perKind);
    if (corpus) prepared.push(corpus);
  }
  if (prepared.length === 0) {
    log('nothing to measure');
    return [];
  }
  const servers = new Map<string, StaticServer>();
  for (const corpus of prepared) servers.set(corpus.name, await serveStatic(corpus.distDir));
  const runs = new Map<string, RunFigures[]>(prepared.map((c) => [c.name, []]));
  try {
    for (let run = 1; run <= options.runs; run += 1) {
      for (const corpus of prepared) {
        // 100,000 articles take minutes a visit: one run keeps the whole bench within 10 minutes.
        if (corpus.name === SCALE_NAME && run > SCALE_RUNS) continue;
        const server = servers.get(corpus.name)!;
        log(`run ${run}/${options.runs} ${corpus.name} (${corpus.queries.length} queries)`);
        const figures = await measureCorpus(executablePath, server.url, corpus.probeQuery, corpus.queries, (line) =>
          log(`  ${corpus.name}: ${line}`),
        );
        runs.get(corpus.name)!.push(figures);
      }
    }
  } finally {
    for (const server of servers.values()) await server.close();
  }
  const summaries = prepared.map((corpus) => summarize(corpus, runs.get(corpus.name)!));
  const elapsedS = Math.round((performance.now() - started) / 1000);
  const date = new Date().toISOString();
  const flags = [
    ...(options.quick ? ['--quick'] : []),
    ...(options.corpora.length < ALL.length ? ['--corpus', options.corpora.join(',')] : []),
  ];
  const command = `npm run bench${flags.length > 0 ? ` -- ${flags.join(' ')}` : ''}`;
  printTable(summaries);
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/browser-${date.replace(/[:.]/g, '-')}.json`;
  const setup = { cpuThrottling: CPU_THROTTLING, runs: options.runs, quick: options.quick, chromium: executablePath };
  writeFileSync(
    file,
    `${JSON.stringify({ date, command, elapsedS, setup, corpora: summaries, raw: Object.fromEntries(runs) }, null, 2)}\n`,
  );
  log(`wrote ${file} (${elapsedS} s in all)`);
  if (options.writeDoc) {
    writeBenchmarksSection('BENCHMARKS.md', summaries, {
      date: date.slice(0, 10),
      command,
      runs: options.runs,
      elapsedS,
    });
    log('updated the "Browser benchmarks" section of BENCHMARKS.md');
  }
  return summaries;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await runBrowserBench(parseOptions(process.argv.slice(2)));
}
