/**
 * The bench's build cache under .tmp/bench: the app is built once per source state, each corpus
 * once per (source bytes, builder code), so a rerun skips what did not change.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

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
 * The corpus builder's code: a change to any of it invalidates every cached corpus. Only what
 * writes the corpus and its pre-built index counts (the app's loader, its workers and the index
 * cache do not), so a change to the app alone does not rebuild the 100,000-article corpus (minutes).
 */
export function builderVersion(): string {
  return hashOf([
    'src/cli',
    'src/corpus/build.ts',
    'src/corpus/lang.ts',
    'src/corpus/order.ts',
    'src/corpus/types.ts',
    'src/corpus/validate.ts',
    'src/search/engine.ts',
    'src/search/text.ts',
    'src/search/tokenize.ts',
    'src/search/version.ts',
  ]);
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
