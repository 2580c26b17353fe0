/**
 * The bench's build cache under .tmp/bench: the app is built once per source state, each corpus
 * once per (source bytes, builder code, what the search code writes for a sample), so a rerun skips
 * what did not change, and a change to query-time search code rebuilds no corpus.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

export const CACHE_DIR = resolve('.tmp/bench');
/** Files a build step ends with; a cache folder without it is incomplete and rebuilt. */
export const DONE_FILE = 'bench-done.json';
/** Cache entries kept per kind; older ones are removed (the 100k corpus alone is ~700 MB). */
export const KEEP_ENTRIES = 2;
/**
 * ...but only once unused this long: the cache is shared by several worktrees (each with its own
 * code, so its own keys), and removing an entry another one still uses costs it a rebuild (the
 * 100k corpus: about 16 minutes). An entry's use is its done file's mtime (touched on every use).
 */
export const PRUNE_UNUSED_MS = 3 * 24 * 60 * 60 * 1000;

/** Build output inside source folders (public/corpus is replaced by the bench's own). */
const SKIPPED = new Set([join('public', 'corpus'), 'node_modules']);

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .map((e) => join(path, e.name))
    .filter((child) => !SKIPPED.has(child) && !child.endsWith('.map'))
    .flatMap(filesUnder)
    .sort();
}

/** A short hash of the contents of these files and folders (and of `extra`), names included. */
export function hashOf(paths: readonly string[], extra = ''): string {
  const hash = createHash('sha256').update(extra);
  for (const file of paths.flatMap(filesUnder)) hash.update(`\0${file}\0`).update(readFileSync(file));
  return hash.digest('hex').slice(0, 16);
}

/**
 * The corpus builder's own code: the closure of src/cli/run-build.ts's imports except the search
 * engine's files. A change to any of it gives every corpus a new key.
 */
export const BUILDER_SOURCES = [
  'src/cli',
  'src/corpus/build.ts',
  'src/corpus/lang.ts',
  'src/corpus/order.ts',
  'src/corpus/types.ts',
  'src/corpus/validate.ts',
];

/**
 * The search code the builder runs to write the pre-built index. Its bytes are not in the key (most
 * changes to it are query-time only); what it writes is, through `sampleFingerprint`.
 */
export const SEARCH_SOURCES = [
  'src/search/engine.ts',
  'src/search/text.ts',
  'src/search/tokenize.ts',
  'src/search/version.ts',
];

/** Articles taken from the start of each shared corpus for the sample (with the whole demo corpus). */
export const SAMPLE_ARTICLES = 200;
/** Bumped when the key's recipe changes; also the entries' folder prefix (`corpus-v2-<name>-<key>`). */
export const KEY_SCHEME = 'v2';
export const DEMO_CORPUS = 'src/demo-corpus/articles.json';

/** The key before v2: the bytes of the builder and of all the search code it imports. */
export function legacyBuilderVersion(): string {
  return hashOf([...BUILDER_SOURCES, ...SEARCH_SOURCES]);
}

/** A hash of a built folder: every file's path (relative to it) and bytes. */
export function hashOfTree(dir: string): string {
  const hash = createHash('sha256');
  for (const file of filesUnder(dir)) hash.update(`\0${relative(dir, file)}\0`).update(readFileSync(file));
  return hash.digest('hex').slice(0, 16);
}

/** Builds a corpus as the bench does (runBuild); injectable for the tests. */
export type BuildFn = (inputs: string[], out: string) => Promise<void>;

const runBuildQuietly: BuildFn = async (inputs, out) => {
  const { runBuild } = await import('../../src/cli/run-build.ts');
  const result = await runBuild({ inputs, out, skipInvalid: true, log: () => {}, logError: () => {} });
  if (!result.ok) throw new Error(`building the key sample (${inputs.join(', ')}) failed`);
};

/**
 * What the current code builds for a small fixed sample: the demo corpus (English and Chinese) and
 * the first SAMPLE_ARTICLES articles of each given shared corpus, built in one run, hashed file by file
 * (manifest, chunks, index parts). Tokenizing, indexing or export changes show here; a change to
 * searching alone does not. Cached in `cacheDir` (null: not cached) under the bytes of everything that
 * could change it: builder and search code, sample inputs, package-lock.json.
 */
export async function sampleFingerprint(
  sharedInputs: readonly string[],
  options: { build?: BuildFn; cacheDir?: string | null } = {},
): Promise<string> {
  const build = options.build ?? runBuildQuietly;
  const cacheDir = options.cacheDir === undefined ? CACHE_DIR : options.cacheDir;
  const present = sharedInputs.filter((f) => existsSync(f));
  const cached =
    cacheDir === null
      ? null
      : join(
          cacheDir,
          // Dependencies (the sanitizer, jsdom) could change it too: the lock file is in this key.
          `fingerprint-${KEY_SCHEME}-${hashOf([DEMO_CORPUS, 'package-lock.json', ...present], legacyBuilderVersion())}.txt`,
        );
  if (cached && existsSync(cached)) return readFileSync(cached, 'utf8').trim();
  const work = mkdtempSync(join(tmpdir(), 'folio-bench-key-'));
  try {
    const inputs = [resolve(DEMO_CORPUS)];
    for (const [i, file] of present.entries()) {
      const source = JSON.parse(readFileSync(file, 'utf8')) as { articles?: unknown[] } & Record<string, unknown>;
      const slice = join(work, `sample-${i}.json`);
      writeFileSync(slice, JSON.stringify({ ...source, articles: (source.articles ?? []).slice(0, SAMPLE_ARTICLES) }));
      inputs.push(slice);
    }
    const out = join(work, 'out');
    await build(inputs, out);
    const fingerprint = hashOfTree(out);
    if (cached) {
      mkdirSync(cacheDir!, { recursive: true });
      writeFileSync(cached, `${fingerprint}\n`);
    }
    return fingerprint;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * A built corpus's cache key: its source files' bytes, the builder's own code, what the search code
 * writes for the sample (`fingerprint`), and `extra` (the scale corpus: its drawing script).
 */
export function corpusKey(sources: readonly string[], fingerprint: string, extra = ''): string {
  return hashOf(sources, `corpus-${KEY_SCHEME}\0${hashOf(BUILDER_SOURCES)}\0${fingerprint}\0${extra}`);
}

/** The key the bench used before v2 (entries `corpus-<name>-<key>`), to adopt what it built. */
export function legacyCorpusKey(sources: readonly string[], extra = ''): string {
  return hashOf(sources, legacyBuilderVersion() + extra);
}

/** The app's sources and build configuration. */
export function appVersion(): string {
  return hashOf([
    'src',
    'index.html',
    'embed.html',
    'public',
    'vite.config.ts',
    'vite.widget.config.ts',
    'package-lock.json',
    'tsconfig.json',
    // The engines page is bundled into the app's folder.
    'bench/lib/engines-page.ts',
    'bench/lib/engines-bundle.ts',
    'bench/lib/minisearch-config.ts',
  ]);
}
