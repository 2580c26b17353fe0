/**
 * `npm run bench`: the browser suite (bench/browser.ts) on the real corpora in ../shared/corpus and a
 * 100,000-article scale corpus, printed as a table and written to bench/results/; under 10 minutes,
 * `--quick` about 3. `--corpus-build` first times the corpus builder itself (5 runs each with and
 * without the search index, `--quick` 1) and the index import in Node, as before issue 7: that alone
 * takes several minutes, so it is no longer part of the default run.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runBuild } from '../src/cli/run-build.ts';
import { measureIndex, type IndexFigure } from './corpus-index.ts';

const SHARED = resolve(process.env.FOLIO_SHARED_CORPUS ?? '../shared/corpus');
const CORPORA = ['en-news', 'zh-news', 'en-reuters'] as const;
const QUICK = process.argv.includes('--quick');
const RUNS = QUICK ? 1 : 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface BuildFigure {
  corpus: string;
  articles: number;
  chunks: number;
  runsMs: number[];
  medianMs: number;
  /** The same build with --no-index, run alternately with the other in one loop. */
  noIndexMedianMs: number;
  out: string;
}

async function benchCorpusBuild(): Promise<BuildFigure[]> {
  const figures: BuildFigure[] = [];
  for (const name of CORPORA) {
    const input = join(SHARED, `${name}.json`);
    if (!existsSync(input)) {
      console.log(`skip ${name}: ${input} is absent`);
      continue;
    }
    const out = join(tmpdir(), `folio-bench-${name}`);
    const runsMs: number[] = [];
    const noIndexMs: number[] = [];
    let articles = 0;
    let chunks = 0;
    for (let i = 0; i < RUNS; i++) {
      const bare = await runBuild({ inputs: [input], out, index: false, log: () => {}, logError: () => {} });
      if (!bare.ok) throw new Error(`building ${name} failed`);
      noIndexMs.push(bare.elapsedMs);
      const result = await runBuild({ inputs: [input], out, log: () => {}, logError: () => {} });
      if (!result.ok || !result.manifest) throw new Error(`building ${name} failed`);
      runsMs.push(result.elapsedMs);
      articles = result.manifest.count;
      chunks = result.manifest.chunks.length;
    }
    figures.push({
      corpus: name,
      articles,
      chunks,
      runsMs,
      medianMs: median(runsMs),
      noIndexMedianMs: median(noIndexMs),
      out,
    });
  }
  return figures;
}

async function benchBuildAndIndex(): Promise<void> {
  const builds = await benchCorpusBuild();
  console.log(`\nCorpus build (npm run corpus, in-process, median of ${RUNS}; with and without the search index)`);
  console.table(
    builds.map((b) => ({
      corpus: b.corpus,
      articles: b.articles,
      chunks: b.chunks,
      'ms, no index': Math.round(b.noIndexMedianMs),
      'ms, with index': Math.round(b.medianMs),
    })),
  );
  const indexes: IndexFigure[] = [];
  for (const b of builds) {
    const figure = await measureIndex(b.corpus, b.out, RUNS);
    if (figure) indexes.push(figure);
  }
  const KB = 1024;
  console.log(
    `\nPre-built search index (Node; import = JSON.parse of the joined parts + importIndex, median of ${RUNS})`,
  );
  console.table(
    indexes.map((f) => ({
      corpus: f.corpus,
      'corpus gzip KB': Math.round(f.corpusGzipBytes / KB),
      'index gzip KB': Math.round(f.indexGzipBytes / KB),
      parts: f.indexParts,
      'import ms': Math.round(f.importMs),
    })),
  );
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(
    file,
    JSON.stringify({ date: new Date().toISOString(), quick: QUICK, corpusBuild: builds, index: indexes }, null, 2),
  );
  console.log(`\nWrote ${file}`);
}

if (process.argv.includes('--corpus-build')) await benchBuildAndIndex();

// The browser suite (issue 7): load, search and size figures in headless Chromium (bench/browser.ts).
const { parseOptions, runBrowserBench } = await import('./browser.ts');
await runBrowserBench(parseOptions(process.argv.slice(2).filter((arg) => arg !== '--corpus-build')));
