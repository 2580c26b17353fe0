/**
 * `npm run corpus -- <inputs...> [--out public/corpus] [--skip-invalid] [--title "..."] [--watch]`
 * Exit codes: 0 built (or watching stopped), 1 build failed (every error printed), 2 bad command line.
 */
import { createProgress, NO_PROGRESS, type Progress } from './progress.ts';
import { DEFAULT_OUT, isMainModule, runBuild, type RunBuildOptions } from './run-build.ts';
import { watchBuild } from './watch.ts';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export const USAGE = `Usage: npm run corpus -- <inputs...> [options]

Builds a Folio corpus (manifest.json + content-hashed article chunks) from article files.

Inputs: files, or folders searched for them (hidden folders and node_modules skipped):
  .json              {"articles": [...]} or a bare array (one object per line: NDJSON)
  .ndjson, .jsonl    one article per line
  .md, .markdown     one article: YAML front matter, then the body in Markdown
  .xml, .rss, .atom  an RSS 2.0 or Atom feed: one article per item / entry
  .html, .htm        a saved article page (the article text is extracted)
See docs/CORPUS.md for the fields and rules.

Options:
  --out <folder>     where to write the corpus (default: ${DEFAULT_OUT}); it is replaced
                     only when the build succeeds
  --skip-invalid     leave invalid articles out (and list them) instead of failing
  --title <text>     corpus title (default: the first input's "title", else "Folio")
  --no-index         do not ship a pre-built search index (browsers then build it)
  --watch            rebuild whenever an input changes; a failed rebuild keeps the last
                     good corpus (Ctrl-C to stop)
  -h, --help         show this help
`;

export type ParsedArgs =
  | { kind: 'help' }
  | { kind: 'error'; message: string }
  | {
      kind: 'build';
      watch: boolean;
      options: Pick<RunBuildOptions, 'inputs' | 'out' | 'skipInvalid' | 'title' | 'index'>;
    };

/** Reads the command line; `--out x` and `--out=x` both work, and `--` ends the options. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const inputs: string[] = [];
  let out = DEFAULT_OUT;
  let title: string | undefined;
  let skipInvalid = false;
  let watch = false;
  let index = true;
  let onlyInputs = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (onlyInputs || !arg.startsWith('-') || arg === '-') {
      inputs.push(arg);
      continue;
    }
    const [name = '', inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg];
    const value = (): string | undefined => {
      if (inline !== undefined) return inline;
      i += 1;
      return argv[i];
    };
    switch (name) {
      case '--':
        onlyInputs = true;
        break;
      case '-h':
      case '--help':
        return { kind: 'help' };
      case '--skip-invalid':
        skipInvalid = true;
        break;
      case '--watch':
        watch = true;
        break;
      case '--no-index':
        index = false;
        break;
      case '--out': {
        const v = value();
        if (v === undefined || v === '') return { kind: 'error', message: '--out needs a folder' };
        out = v;
        break;
      }
      case '--title': {
        const v = value();
        if (v === undefined || v.trim() === '') return { kind: 'error', message: '--title needs a text' };
        title = v.trim();
        break;
      }
      default:
        return { kind: 'error', message: `unknown option ${arg}` };
    }
  }
  if (inputs.length === 0) return { kind: 'error', message: 'no inputs given' };
  return {
    kind: 'build',
    watch,
    options: { inputs, out, skipInvalid, index, ...(title === undefined ? {} : { title }) },
  };
}

export interface CliIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  cwd: string;
  /** A progress bar for long builds; none unless given. */
  progress?: Progress;
  /** Ends --watch (the real CLI aborts it on Ctrl-C / SIGTERM). */
  signal?: AbortSignal;
}

const defaultIo: CliIo = {
  stdout: (line) => console.log(line),
  stderr: (line) => console.error(line),
  cwd: process.cwd(),
};

/** Aborted by Ctrl-C or SIGTERM; only --watch asks, so a plain build still dies at once on Ctrl-C. */
function stopOnSignals(): AbortSignal {
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return stop.signal;
}

/** Runs the CLI and returns its exit code (tests call this instead of spawning a process). */
export async function main(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  const parsed = parseArgs(argv);
  if (parsed.kind === 'help') {
    io.stdout(USAGE);
    return EXIT_OK;
  }
  if (parsed.kind === 'error') {
    io.stderr(`error: ${parsed.message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const options: RunBuildOptions = {
    ...parsed.options,
    cwd: io.cwd,
    log: io.stdout,
    logError: io.stderr,
    progress: io.progress ?? NO_PROGRESS,
  };
  if (parsed.watch) {
    await watchBuild({ ...options, signal: io.signal ?? stopOnSignals() });
    return EXIT_OK;
  }
  const result = await runBuild(options);
  return result.ok ? EXIT_OK : EXIT_FAILED;
}

if (isMainModule(import.meta.url)) {
  main(process.argv.slice(2), { ...defaultIo, progress: createProgress(process.stderr) }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = EXIT_FAILED;
    },
  );
}
