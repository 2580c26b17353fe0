/**
 * A deterministic scale corpus for the browser bench: N articles (100,000 by default) drawn from
 * the shared corpora (en-news, zh-news, en-reuters; those present), each with a new id and its
 * paragraphs shuffled, by mulberry32 seeded with the FNV-1a hash of "scale-<N>". Translations and
 * images are dropped (their ids and paths would not hold). The JSON input goes to a temp folder,
 * then the real CLI builds it:
 *
 *   npx tsx bench/scale-corpus.ts [--count 100000] [--out <dir>]
 *
 * A build is reused when its folder holds the same key (count, seed, source sizes and this file).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { CORPORA, fnv1a, mulberry32 } from './search-quality.ts';

const run = promisify(execFile);
/** The CLI prints a lot for 100,000 articles; keep all of it for a failure message. */
const MAX_OUTPUT = 64 * 1024 * 1024;

/** The real CLI, in its own process (a 300 MB input wants its own heap). */
async function buildCorpusWithCli(input: string, outDir: string): Promise<void> {
  rmSync(outDir, { recursive: true, force: true });
  await run('npx', ['tsx', 'src/cli/main.ts', input, '--out', outDir, '--skip-invalid'], { maxBuffer: MAX_OUTPUT });
}

export const SCALE_COUNT = 100_000;
const KEY_FILE = 'bench-scale-key.txt';

interface SourceArticle {
  title: string;
  date?: string | null;
  category?: string | null;
  body: string[] | string;
  lang?: string;
  summary?: string;
  tags?: string[];
}

function sharedDir(): string {
  return resolve(process.env.FOLIO_SHARED_CORPUS ?? '../shared/corpus');
}

function shuffled<T>(random: () => number, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function sources(): { name: string; file: string }[] {
  return CORPORA.map((name) => ({ name, file: join(sharedDir(), `${name}.json`) })).filter((s) => existsSync(s.file));
}

/** The scale corpus's input articles: same draws for the same count and sources. */
export function scaleArticles(count: number): object[] {
  const pool: (SourceArticle & { lang: string })[] = [];
  for (const source of sources()) {
    const raw = JSON.parse(readFileSync(source.file, 'utf8')) as { lang?: string; articles: SourceArticle[] };
    for (const a of raw.articles) pool.push({ ...a, lang: a.lang ?? raw.lang ?? 'en' });
  }
  if (pool.length === 0) throw new Error(`no shared corpus in ${sharedDir()}`);
  const random = mulberry32(fnv1a(`scale-${count}`));
  const width = String(count - 1).length;
  const articles: object[] = [];
  for (let i = 0; i < count; i += 1) {
    const source = pool[Math.floor(random() * pool.length)]!;
    const body = Array.isArray(source.body) ? shuffled(random, source.body) : source.body;
    articles.push({
      id: `scale-${String(i).padStart(width, '0')}`,
      title: source.title,
      date: source.date ?? null,
      category: source.category ?? null,
      lang: source.lang,
      body,
      ...(source.summary ? { summary: source.summary } : {}),
      ...(source.tags ? { tags: source.tags } : {}),
    });
  }
  return articles;
}

function cacheKey(count: number): string {
  const parts = sources().map((s) => `${s.name}:${statSync(s.file).size}:${statSync(s.file).mtimeMs}`);
  const self = fnv1a(readFileSync(new URL(import.meta.url), 'utf8'));
  return `count=${count} sources=${parts.join(',')} script=${self}`;
}

/** Builds (or reuses) the scale corpus; returns the built corpus folder. */
export async function buildScaleCorpus(count = SCALE_COUNT, outDir?: string): Promise<string> {
  const work = join(tmpdir(), 'folio-bench', `scale-${count}`);
  const out = outDir ?? join(work, 'corpus');
  const key = cacheKey(count);
  // Beside the corpus, not in it: the corpus folder is served as it is.
  const keyFile = join(work, KEY_FILE);
  if (
    existsSync(keyFile) &&
    existsSync(join(out, 'manifest.json')) &&
    readFileSync(keyFile, 'utf8') === `${key} out=${out}`
  )
    return out;
  mkdirSync(work, { recursive: true });
  const input = join(work, `scale-${count}.json`);
  writeFileSync(
    input,
    JSON.stringify({ title: `Folio scale corpus (${count} articles)`, articles: scaleArticles(count) }),
  );
  await buildCorpusWithCli(input, out);
  // The input is 300 MB of JSON, cheap to make again: only the built corpus is kept.
  rmSync(input, { force: true });
  if (!existsSync(join(out, 'manifest.json'))) throw new Error(`the CLI wrote no manifest.json to ${out}`);
  writeFileSync(keyFile, `${key} out=${out}`);
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const countArg = args.includes('--count') ? Number(args[args.indexOf('--count') + 1]) : SCALE_COUNT;
  const outArg = args.includes('--out') ? args[args.indexOf('--out') + 1] : undefined;
  const started = performance.now();
  const out = await buildScaleCorpus(countArg, outArg);
  console.log(`scale corpus (${countArg} articles) in ${out} (${Math.round(performance.now() - started)} ms)`);
}
