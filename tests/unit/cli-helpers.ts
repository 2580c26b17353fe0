/**
 * Shared by the corpus CLI suites: a fresh temp folder per test, the CLI run in-process (main(),
 * what `npm run corpus` calls) or as a real process, and snapshots that prove --out did not change.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { Article, Manifest } from '../../src/corpus/types.ts';
import { isChunk, isManifest } from '../../src/corpus/validate.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
const CLI_SCRIPT = path.join(REPO, 'src/cli/main.ts');
const TSX = path.join(REPO, 'node_modules/.bin/tsx');
/** A real CLI process: tsx start-up alone takes a second or two on a loaded machine. */
const PROCESS_TIMEOUT_MS = 180_000;
const PROCESS_MAX_BUFFER = 64 * 1024 * 1024;

export interface CliSandbox {
  /** The test's own temp folder (the CLI's working folder); new for every test. */
  readonly dir: string;
  /** What the last runs printed, one entry per line; emptied for every test. */
  readonly stdout: string[];
  readonly stderr: string[];
  /** Runs the CLI in-process with `dir` as its working folder; returns the exit code. */
  run: (...argv: string[]) => Promise<number>;
  /** Writes a file under `dir` (folders made as needed); non-strings are written as JSON. */
  put: (name: string, content: string | Uint8Array | unknown) => Promise<void>;
  readManifest: (out?: string) => Promise<Manifest>;
  readArticles: (out?: string) => Promise<Article[]>;
}

/** Registers beforeEach/afterEach hooks that give every test of the file a fresh sandbox. */
export function useCliSandbox(prefix: string): CliSandbox {
  let dir = '';
  const stdout: string[] = [];
  const stderr: string[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), prefix));
    stdout.length = 0;
    stderr.length = 0;
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const readManifest = (out = 'out'): Promise<Manifest> => readCorpusManifest(path.join(dir, out));
  return {
    get dir() {
      return dir;
    },
    stdout,
    stderr,
    run: (...argv) => main(argv, { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l), cwd: dir }),
    put: (name, content) => putFile(dir, name, content),
    readManifest,
    readArticles: (out = 'out') => readCorpusArticles(path.join(dir, out)),
  };
}

export async function putFile(dir: string, name: string, content: string | Uint8Array | unknown): Promise<void> {
  const file = path.join(dir, name);
  await mkdir(path.dirname(file), { recursive: true });
  const data = typeof content === 'string' || content instanceof Uint8Array ? content : JSON.stringify(content);
  await writeFile(file, data);
}

export async function readCorpusManifest(folder: string): Promise<Manifest> {
  const data: unknown = JSON.parse(await readFile(path.join(folder, 'manifest.json'), 'utf8'));
  if (!isManifest(data)) throw new Error(`${folder}: not a manifest`);
  return data;
}

/** Every article of a built corpus, in chunk (= corpus) order. */
export async function readCorpusArticles(folder: string): Promise<Article[]> {
  const manifest = await readCorpusManifest(folder);
  const articles: Article[] = [];
  for (const ref of manifest.chunks) {
    const data: unknown = JSON.parse(await readFile(path.join(folder, ref.file), 'utf8'));
    if (!isChunk(data)) throw new Error(`${ref.file}: not a chunk`);
    articles.push(...data.articles);
  }
  return articles;
}

/** Every file under `folder` with the SHA-256 of its bytes (`(folder)` for folders), to prove nothing changed. */
export async function snapshot(folder: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of (await readdir(folder, { recursive: true })).sort()) {
    const full = path.join(folder, name);
    files[name] = (await stat(full)).isDirectory()
      ? '(folder)'
      : createHash('sha256')
          .update(await readFile(full))
          .digest('hex');
  }
  return files;
}

export interface ProcessRun {
  /** The exit code; null when the process was killed (by a signal or the timeout). */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run corpus -- …` as a real process (tsx src/cli/main.ts), in `cwd`, never through a shell. */
export function runCliProcess(cwd: string, argv: readonly string[]): Promise<ProcessRun> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      [CLI_SCRIPT, ...argv],
      { cwd, timeout: PROCESS_TIMEOUT_MS, maxBuffer: PROCESS_MAX_BUFFER, env: { ...process.env, CI: '1' } },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
