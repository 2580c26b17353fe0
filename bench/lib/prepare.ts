/**
 * Builds what a browser run needs, once: the app (and the widget) into .tmp/bench/app-<hash>, each
 * corpus into .tmp/bench/corpus-<name>-<hash> (keyed by its source bytes and the builder's code), every
 * text file precompressed beside itself (`.gz`, served as is), and the known-item queries.
 * The server maps /corpus/ of the one app to the chosen corpus folder: nothing is copied.
 */
import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Chunk, Manifest } from '../../src/corpus/types.ts';
import { runBuild } from '../../src/cli/run-build.ts';
import { toSearchDoc, type SearchDoc } from '../../src/search/engine.ts';
import { generateQueries, type Query } from '../search-quality.ts';
import { buildScaleCorpus, SCALE_COUNT } from '../scale-corpus.ts';
import {
  appVersion,
  CACHE_DIR,
  corpusKey,
  DONE_FILE,
  hashOf,
  KEEP_ENTRIES,
  KEY_SCHEME,
  legacyCorpusKey,
  PRUNE_UNUSED_MS,
  sampleFingerprint,
} from './cache.ts';
import { bundleEnginesPage } from './engines-bundle.ts';

const run = promisify(execFile);
const gzipAsync = promisify(gzip);
/** Large corpora make the CLI and Vite print a lot; keep all of it for a failure message. */
const MAX_OUTPUT = 64 * 1024 * 1024;
export const SCALE_NAME = 'scale-100k';
const COMPRESSIBLE = /\.(?:html|js|css|json|webmanifest|svg|txt|part)$/;
/** Files gzipped at once while precompressing: enough to keep both cores busy, no more. */
const GZIP_BATCH = 4;

export interface TransferSizes {
  /** JS the page loads at start (index.html's scripts and modulepreloads). */
  appJs: number;
  /** Other non-worker JS chunks, loaded later (dynamic imports). */
  lazyJs: number;
  workerJs: number;
  css: number;
  /** widget/folio-reader.js, null when the build has none. */
  widgetJs: number | null;
  corpus: number;
  corpusRaw: number;
  /** Pre-built search index files listed by the manifest, null when it lists none. */
  index: number | null;
}

export interface BuiltApp {
  distDir: string;
  /** Seconds it took, or null when the cached build was used. */
  builtS: number | null;
}

export interface PreparedCorpus {
  name: string;
  articles: number;
  chunks: number;
  corpusDir: string;
  /** Seconds the corpus build took (null: cached), and the raw builder time it recorded. */
  builtS: number | null;
  buildMs: number | null;
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

/** Writes `<file>.gz` (level 6, as a server would send it) beside every text file under `dir`. */
async function precompress(dir: string): Promise<void> {
  const files = filesUnder(dir).filter((f) => COMPRESSIBLE.test(f));
  for (let i = 0; i < files.length; i += GZIP_BATCH) {
    await Promise.all(
      files.slice(i, i + GZIP_BATCH).map(async (f) => writeFile(`${f}.gz`, await gzipAsync(await readFile(f)))),
    );
  }
}

/** The gzip size of a file: its precompressed copy's. */
function gz(file: string): number {
  const packed = `${file}.gz`;
  if (!existsSync(packed)) throw new Error(`${packed} is missing: the cache entry is incomplete`);
  return statSync(packed).size;
}

/** When an entry was last used: its done file's mtime (touched on each use), else the folder's. */
function lastUsed(dir: string): number {
  const done = join(dir, DONE_FILE);
  return statSync(existsSync(done) ? done : dir).mtimeMs;
}

/**
 * Removes older entries of one kind (`app-`, `corpus-en-news-`…), keeping the newest few and `keep`,
 * and never one used in the last PRUNE_UNUSED_MS (another worktree sharing the cache may need it).
 */
function prune(prefix: string, keep: string): void {
  if (!existsSync(CACHE_DIR)) return;
  const old = readdirSync(CACHE_DIR)
    .filter((name) => name.startsWith(prefix) && join(CACHE_DIR, name) !== keep)
    .map((name) => ({ path: join(CACHE_DIR, name), at: lastUsed(join(CACHE_DIR, name)) }))
    .sort((a, b) => b.at - a.at);
  const now = Date.now();
  for (const entry of old.slice(KEEP_ENTRIES - 1)) {
    if (now - entry.at > PRUNE_UNUSED_MS) rmSync(entry.path, { recursive: true, force: true });
  }
}

/** A complete entry; marked as used now (see prune). */
function isDone(dir: string): boolean {
  const done = join(dir, DONE_FILE);
  if (!existsSync(done)) return false;
  const now = new Date();
  utimesSync(done, now, now);
  return true;
}

/** Vite build of the app (with the demo corpus in its public folder, as the precache check wants) and of the widget. */
export async function buildApp(log: (line: string) => void): Promise<BuiltApp> {
  const work = join(CACHE_DIR, `app-${appVersion()}`);
  const distDir = join(work, 'dist');
  if (isDone(work)) return { distDir, builtS: null };
  const started = performance.now();
  rmSync(work, { recursive: true, force: true });
  const publicDir = join(work, 'public');
  mkdirSync(publicDir, { recursive: true });
  for (const entry of readdirSync('public')) {
    if (entry !== 'corpus') cpSync(join('public', entry), join(publicDir, entry), { recursive: true });
  }
  const demo = await runBuild({
    inputs: ['src/demo-corpus/articles.json'],
    out: join(publicDir, 'corpus'),
    log: () => {},
    logError: () => {},
  });
  if (!demo.ok) throw new Error('building the demo corpus for the app build failed');
  log('building the app and the widget (vite)');
  await run('npx', ['vite', 'build', '--outDir', distDir, '--emptyOutDir', '--logLevel', 'warn'], {
    env: { ...process.env, FOLIO_PUBLIC_DIR: publicDir },
    maxBuffer: MAX_OUTPUT,
  });
  const widgetDir = join(distDir, 'widget');
  await run(
    'npx',
    ['vite', 'build', '-c', 'vite.widget.config.ts', '--outDir', widgetDir, '--emptyOutDir', '--logLevel', 'warn'],
    { maxBuffer: MAX_OUTPUT },
  );
  // The server maps /corpus/ to the measured corpus; the demo one must not answer by mistake.
  rmSync(join(distDir, 'corpus'), { recursive: true, force: true });
  await bundleEnginesPage(join(distDir, '__bench'));
  await precompress(distDir);
  writeFileSync(join(work, DONE_FILE), JSON.stringify({ builtAt: new Date().toISOString() }));
  prune('app-', work);
  return { distDir, builtS: (performance.now() - started) / 1000 };
}

function sharedDir(): string {
  return resolve(process.env.FOLIO_SHARED_CORPUS ?? '../shared/corpus');
}

const SHARED_CORPORA = ['en-news', 'zh-news', 'en-reuters'];

/**
 * Hard-links every file of `from` into `to` but the done file (same file system: no bytes copied,
 * and either folder may be removed later without the other losing anything).
 */
function linkTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.isDirectory()) linkTree(join(from, entry.name), join(to, entry.name));
    else if (entry.name !== DONE_FILE) linkSync(join(from, entry.name), join(to, entry.name));
  }
}

/**
 * An entry made under the key before v2 (`corpus-<name>-<legacy key>`) for the same sources and the
 * very same builder and search code (that key hashed all of it) holds exactly what this code would
 * build: it is linked in under the new key instead of rebuilding (the 100k corpus: ~16 minutes).
 */
function adoptLegacy(name: string, sources: readonly string[], extra: string, work: string): boolean {
  const legacy = join(CACHE_DIR, `corpus-${name}-${legacyCorpusKey(sources, extra)}`);
  if (!isDone(legacy)) return false;
  rmSync(work, { recursive: true, force: true });
  linkTree(legacy, work);
  const { buildMs } = JSON.parse(readFileSync(join(legacy, DONE_FILE), 'utf8')) as { buildMs: number | null };
  const adoptedAt = new Date().toISOString();
  writeFileSync(join(work, DONE_FILE), JSON.stringify({ builtAt: adoptedAt, adoptedFrom: legacy, buildMs }));
  return true;
}

/** Builds (or finds in the cache) one corpus; null when its source is absent. */
async function buildCorpus(
  name: string,
): Promise<{ corpusDir: string; builtS: number | null; buildMs: number | null } | null> {
  const shared = SHARED_CORPORA.map((c) => join(sharedDir(), `${c}.json`));
  const sources = (name === SCALE_NAME ? shared : [join(sharedDir(), `${name}.json`)]).filter(existsSync);
  if (sources.length === 0) return null;
  // The scale corpus also depends on the script that draws it.
  const extra = name === SCALE_NAME ? hashOf(['bench/scale-corpus.ts']) : '';
  const key = corpusKey(sources, await sampleFingerprint(shared), extra);
  const work = join(CACHE_DIR, `corpus-${KEY_SCHEME}-${name}-${key}`);
  const corpusDir = join(work, 'corpus');
  const done = join(work, DONE_FILE);
  if (isDone(work) || adoptLegacy(name, sources, extra, work)) {
    const { buildMs } = JSON.parse(readFileSync(done, 'utf8')) as { buildMs: number | null };
    return { corpusDir, builtS: null, buildMs };
  }
  const started = performance.now();
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  let buildMs: number | null = null;
  if (name === SCALE_NAME) {
    await buildScaleCorpus(SCALE_COUNT, corpusDir);
  } else {
    const result = await runBuild({
      inputs: sources,
      out: corpusDir,
      skipInvalid: true,
      log: () => {},
      logError: () => {},
    });
    if (!result.ok) throw new Error(`building the ${name} corpus failed`);
    buildMs = result.elapsedMs;
  }
  await precompress(corpusDir);
  writeFileSync(done, JSON.stringify({ builtAt: new Date().toISOString(), buildMs }));
  prune(`corpus-${KEY_SCHEME}-${name}-`, work);
  return { corpusDir, builtS: (performance.now() - started) / 1000, buildMs };
}

/** The JS files index.html loads at start: module scripts and modulepreload links. */
function entryScripts(distDir: string): string[] {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  const found = [...html.matchAll(/<(?:script[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="\.?\/?([^"]+\.js)"/g)];
  return found.map((m) => join(distDir, m[1] ?? ''));
}

export function transferSizes(distDir: string, corpusDir: string): TransferSizes {
  const assets = filesUnder(join(distDir, 'assets'));
  const js = assets.filter((f) => f.endsWith('.js'));
  const entry = new Set(entryScripts(distDir));
  const isWorker = (f: string): boolean => /[/\\]worker-[^/\\]+\.js$/.test(f);
  const sum = (files: string[]): number => files.reduce((total, f) => total + gz(f), 0);
  const manifestFile = join(corpusDir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest & { index?: { file: string }[] };
  const corpusFiles = [manifestFile, ...manifest.chunks.map((c) => join(corpusDir, c.file))];
  const indexFiles = (manifest.index ?? []).map((i) => join(corpusDir, i.file));
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

interface PreparedQueries {
  articles: number;
  queries: Query[];
  probeQuery: string;
}

/** The queries a run of the bench prepared for the built corpus in `corpusDir` (prepareQueries), or null. */
export function cachedQueries(corpusDir: string, perKind: number): PreparedQueries | null {
  const file = queriesFile(corpusDir, perKind);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as PreparedQueries) : null;
}

function queriesFile(corpusDir: string, perKind: number): string {
  return join(corpusDir, '..', `queries-${perKind}.json`);
}

/** The queries and probe word of a built corpus, cached beside it (reading 100,000 articles takes a while). */
function prepareQueries(name: string, corpusDir: string, perKind: number): PreparedQueries {
  const cached = cachedQueries(corpusDir, perKind);
  if (cached) return cached;
  const docs = readSearchDocs(corpusDir);
  const queries = generateQueries(name, docs, perKind);
  // One word of the first article's title (its longest), or its first two Han characters.
  const title = docs[0]?.title ?? 'the';
  const han = /\p{Script=Han}{2}/u.exec(title)?.[0];
  const probeQuery = han ?? title.split(/[^\p{L}\p{N}]+/u).reduce((a, b) => (b.length > a.length ? b : a), '');
  const prepared = { articles: docs.length, queries, probeQuery };
  writeFileSync(queriesFile(corpusDir, perKind), JSON.stringify(prepared));
  return prepared;
}

export async function prepareCorpus(
  name: string,
  distDir: string,
  perKind: number,
  log: (line: string) => void,
): Promise<PreparedCorpus | null> {
  const built = await buildCorpus(name);
  if (!built) {
    log(`skip ${name}: no source in ${sharedDir()}`);
    return null;
  }
  const { articles, queries, probeQuery } = prepareQueries(name, built.corpusDir, perKind);
  const manifest = JSON.parse(readFileSync(join(built.corpusDir, 'manifest.json'), 'utf8')) as Manifest;
  log(
    `${name}: ${articles} articles, ${built.builtS === null ? 'cached corpus' : `corpus built in ${Math.round(built.builtS)} s`}`,
  );
  return {
    name,
    articles,
    chunks: manifest.chunks.length,
    corpusDir: built.corpusDir,
    builtS: built.builtS,
    buildMs: built.buildMs,
    sizes: transferSizes(distDir, built.corpusDir),
    queries,
    probeQuery,
  };
}
