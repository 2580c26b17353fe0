/**
 * Builds what a browser run needs for one corpus: the built corpus, the app built over it
 * (FOLIO_PUBLIC_DIR), the transfer sizes of its parts, and the known-item queries.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Chunk, Manifest } from '../../src/corpus/types.ts';
import { toSearchDoc, type SearchDoc } from '../../src/search/engine.ts';
import { generateQueries, type Query } from '../search-quality.ts';
import { gzipSize } from './server.ts';

const run = promisify(execFile);
/** Large corpora make the CLI and Vite print a lot; keep all of it for a failure message. */
const MAX_OUTPUT = 64 * 1024 * 1024;

export interface TransferSizes {
  /** JS the page loads at start (index.html's scripts and modulepreloads). */
  appJs: number;
  /** Other non-worker JS chunks, loaded later (dynamic imports). */
  lazyJs: number;
  workerJs: number;
  css: number;
  /** dist/widget/folio-reader.js, null when the build has none. */
  widgetJs: number | null;
  corpus: number;
  corpusRaw: number;
  /** Pre-built search index files listed by the manifest, null when it lists none. */
  index: number | null;
}

export interface PreparedCorpus {
  name: string;
  articles: number;
  chunks: number;
  distDir: string;
  sizes: TransferSizes;
  queries: Query[];
  /** A word of the corpus (from the first article's title): used for search-ready. */
  probeQuery: string;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

function gz(file: string): number {
  return gzipSize(readFileSync(file));
}

/** The JS files index.html loads at start: module scripts and modulepreload links. */
function entryScripts(distDir: string): string[] {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  const found = [...html.matchAll(/<(?:script[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="\.?\/?([^"]+\.js)"/g)];
  return found.map((m) => join(distDir, m[1] ?? ''));
}

export function transferSizes(distDir: string): TransferSizes {
  const assets = filesUnder(join(distDir, 'assets'));
  const js = assets.filter((f) => f.endsWith('.js'));
  const entry = new Set(entryScripts(distDir));
  const isWorker = (f: string): boolean => /[/\\]worker-[^/\\]+\.js$/.test(f);
  const sum = (files: string[]): number => files.reduce((total, f) => total + gz(f), 0);
  const manifestFile = join(distDir, 'corpus', 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest & { index?: { file: string }[] };
  const corpusFiles = [manifestFile, ...manifest.chunks.map((c) => join(distDir, 'corpus', c.file))];
  const indexFiles = (manifest.index ?? []).map((i) => join(distDir, 'corpus', i.file));
  const widget = join(distDir, 'widget', 'folio-reader.js');
  return {
    appJs: sum([...entry]),
    lazyJs: sum(js.filter((f) => !entry.has(f) && !isWorker(f))),
    workerJs: sum(js.filter(isWorker)),
    css: sum(assets.filter((f) => f.endsWith('.css'))),
    widgetJs: existsSync(widget) ? gz(widget) : null,
    corpus: sum(corpusFiles),
    corpusRaw: corpusFiles.reduce((total, f) => total + statSync(f).size, 0),
    index: indexFiles.length > 0 ? sum(indexFiles) : null,
  };
}

/** Built articles as the search engine sees them, in corpus order. */
export function readSearchDocs(corpusDir: string): SearchDoc[] {
  const manifest = JSON.parse(readFileSync(join(corpusDir, 'manifest.json'), 'utf8')) as Manifest;
  const docs: SearchDoc[] = [];
  for (const ref of manifest.chunks) {
    const chunk = JSON.parse(readFileSync(join(corpusDir, ref.file), 'utf8')) as Chunk;
    docs.push(...chunk.articles.map(toSearchDoc));
  }
  return docs.sort((a, b) => a.ord - b.ord);
}

export async function buildCorpusWithCli(input: string, outDir: string): Promise<void> {
  rmSync(outDir, { recursive: true, force: true });
  await run('npx', ['tsx', 'src/cli/main.ts', input, '--out', outDir, '--skip-invalid'], {
    maxBuffer: MAX_OUTPUT,
  });
}

/** Vite build of the app over a public folder holding this corpus (and the app's other public files). */
export async function buildApp(corpusDir: string, workDir: string): Promise<string> {
  const publicDir = join(workDir, 'public');
  const distDir = join(workDir, 'dist');
  rmSync(publicDir, { recursive: true, force: true });
  rmSync(distDir, { recursive: true, force: true });
  mkdirSync(publicDir, { recursive: true });
  for (const entry of readdirSync('public')) {
    if (entry !== 'corpus') cpSync(join('public', entry), join(publicDir, entry), { recursive: true });
  }
  cpSync(corpusDir, join(publicDir, 'corpus'), { recursive: true });
  await run('npx', ['vite', 'build', '--outDir', distDir, '--emptyOutDir', '--logLevel', 'warn'], {
    env: { ...process.env, FOLIO_PUBLIC_DIR: publicDir },
    maxBuffer: MAX_OUTPUT,
  });
  return distDir;
}

export function prepareQueries(
  name: string,
  corpusDir: string,
  perKind: number,
): { articles: number; queries: Query[]; probeQuery: string } {
  const docs = readSearchDocs(corpusDir);
  const queries = generateQueries(name, docs, perKind);
  // One word of the first article's title (its longest), or its first two Han characters.
  const title = docs[0]?.title ?? 'the';
  const han = /\p{Script=Han}{2}/u.exec(title)?.[0];
  const probeQuery = han ?? title.split(/[^\p{L}\p{N}]+/u).reduce((a, b) => (b.length > a.length ? b : a), '');
  return { articles: docs.length, queries, probeQuery };
}

export function describe(dir: string): string {
  return relative(process.cwd(), resolve(dir)) || '.';
}
