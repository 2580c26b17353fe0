/**
 * One corpus build from the command line's point of view: read inputs, build, and swap the
 * result into the output folder only when nothing failed. Shared by main.ts (`npm run corpus`)
 * and ensure-demo-corpus.ts (`npm run build`).
 */
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  buildCorpus,
  CORPUS_ISSUE_FILE,
  MANIFEST_FILE,
  type BuildInput,
  type ImageResolution,
  type SkippedArticle,
} from '../corpus/build.ts';
import type { Manifest } from '../corpus/types.ts';
import { describeValue, formatIssue, type CorpusIssue } from '../corpus/validate.ts';
import { linkPages } from './page-links.ts';
import { NO_PROGRESS, type Progress } from './progress.ts';
import { collectInputFiles, displayName, readInputFiles } from './read-inputs.ts';
import { buildSearchIndex, ENGINE_VERSION } from './search-index.ts';
import { createHtmlSanitizer, type HtmlSanitizer } from './sanitize-html.ts';

export const DEFAULT_OUT = 'public/corpus';
export const DEFAULT_TITLE = 'Folio';
export const IMAGES_FOLDER = 'images';
/** Image files are named by this many hex digits of their SHA-256, like chunks. */
const IMAGE_NAME_HEX_DIGITS = 16;
const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.gif', '.webp', '.avif', '.svg'];
const SVG_EXTENSION = '.svg';
/** Past this many, warnings are counted rather than listed (errors are always all listed). */
const LISTED_WARNINGS = 50;
/** Languages or categories named one by one in the summary (Reuters has 82 categories). */
const LISTED_COUNTS = 100;
const MS_PER_SECOND = 1000;
const BYTES_PER_MB = 1024 * 1024;
const SIZE_DECIMALS = 1;
const TIME_DECIMALS = 2;

export interface RunBuildOptions {
  /** Files or folders, relative to `cwd`. */
  inputs: readonly string[];
  /** Output folder, relative to `cwd`; replaced as a whole on success. */
  out: string;
  skipInvalid?: boolean;
  /** Overrides the inputs' own top-level `title`. */
  title?: string;
  maxChunkBytes?: number;
  /** Ship a pre-built search index (default); false leaves the browser to build it. */
  index?: boolean;
  cwd?: string;
  /** Progress and summary lines (stdout by default). */
  log?: (line: string) => void;
  /** Errors and warnings (stderr by default). */
  logError?: (line: string) => void;
  /** A progress bar for long builds (main.ts gives one on a terminal); none by default. */
  progress?: Progress;
}

export interface RunBuildResult {
  ok: boolean;
  manifest: Manifest | null;
  errors: CorpusIssue[];
  warnings: CorpusIssue[];
  /** Articles left out under skipInvalid, NDJSON lines that were not JSON included. */
  skipped: SkippedArticle[];
  elapsedMs: number;
}

interface ImageFile {
  /** Relative to the output folder: `images/<hash>.<ext>`. */
  name: string;
  data: Buffer | string;
}

/** True when the module at `moduleUrl` is the script node was started with (not an import). */
export function isMainModule(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(path.resolve(script)) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Resolves local image paths against their input file's folder and remembers what to copy. */
class ImageCollector {
  readonly files = new Map<string, ImageFile>();
  readonly #byPath = new Map<string, ImageResolution>();
  readonly #inputPaths: ReadonlyMap<string, string>;
  readonly #sanitizer: HtmlSanitizer;
  readonly #cwd: string;

  constructor(inputPaths: ReadonlyMap<string, string>, sanitizer: HtmlSanitizer, cwd: string) {
    this.#inputPaths = inputPaths;
    this.#sanitizer = sanitizer;
    this.#cwd = cwd;
  }

  resolve(src: string, file: string): ImageResolution {
    const inputPath = this.#inputPaths.get(file) ?? path.resolve(this.#cwd, file);
    const absolute = path.resolve(path.dirname(inputPath), src);
    const cached = this.#byPath.get(absolute);
    if (cached) return cached;
    const resolution = this.#load(absolute);
    this.#byPath.set(absolute, resolution);
    return resolution;
  }

  #load(absolute: string): ImageResolution {
    const shown = displayName(absolute, this.#cwd);
    const ext = path.extname(absolute).toLowerCase();
    if (!IMAGE_EXTENSIONS.includes(ext)) {
      return { ok: false, message: `expected a ${IMAGE_EXTENSIONS.join(', ')} image, got ${describeValue(shown)}` };
    }
    let bytes: Buffer;
    try {
      if (!statSync(absolute).isFile())
        return { ok: false, message: `expected an image file at ${shown}, got a folder` };
      bytes = readFileSync(absolute);
    } catch {
      return { ok: false, message: `expected an image file at ${shown}, got nothing there` };
    }
    let data: Buffer | string = bytes;
    if (ext === SVG_EXTENSION) {
      const svg = this.#sanitizer.sanitizeSvg(bytes.toString('utf8'));
      if (svg === null)
        return { ok: false, message: `expected an SVG image at ${shown}, got nothing left after sanitizing` };
      data = svg;
    }
    const name = `${IMAGES_FOLDER}/${sha256Hex(data).slice(0, IMAGE_NAME_HEX_DIGITS)}${ext}`;
    this.files.set(name, { name, data });
    return { ok: true, src: name };
  }
}

async function pathKind(p: string): Promise<'missing' | 'folder' | 'other'> {
  try {
    return (await stat(p)).isDirectory() ? 'folder' : 'other';
  } catch {
    return 'missing';
  }
}

/** Only a folder that holds a corpus (or nothing) may be replaced: `--out src` must not wipe src. */
async function checkOut(outPath: string, shown: string): Promise<CorpusIssue | null> {
  const kind = await pathKind(outPath);
  if (kind === 'missing') return null;
  if (kind === 'other')
    return { file: shown, index: null, field: '', message: 'expected an output folder, got a file' };
  const entries = await readdir(outPath);
  if (entries.length === 0 || entries.includes(MANIFEST_FILE)) return null;
  return {
    file: shown,
    index: null,
    field: '',
    message: `expected an empty folder or a built corpus (with ${MANIFEST_FILE}) to replace, got a folder with other files; refusing to delete it`,
  };
}

/** Writes into a hidden sibling folder, then swaps it in, so --out is never half-written. */
async function writeOut(
  outPath: string,
  files: ReadonlyMap<string, string>,
  images: Iterable<ImageFile>,
): Promise<void> {
  const parent = path.dirname(outPath);
  const base = path.basename(outPath);
  const stamp = `${process.pid}-${Date.now()}`;
  const temp = path.join(parent, `.${base}.tmp-${stamp}`);
  const old = path.join(parent, `.${base}.old-${stamp}`);
  await mkdir(temp, { recursive: true });
  try {
    for (const [name, text] of files) await writeFile(path.join(temp, name), text, 'utf8');
    let madeImages = false;
    for (const image of images) {
      if (!madeImages) await mkdir(path.join(temp, IMAGES_FOLDER));
      madeImages = true;
      await writeFile(path.join(temp, image.name), image.data);
    }
    const hadOld = (await pathKind(outPath)) !== 'missing';
    if (hadOld) await rename(outPath, old);
    try {
      await rename(temp, outPath);
    } catch (err) {
      if (hadOld) await rename(old, outPath);
      throw err;
    }
    if (hadOld) await rm(old, { recursive: true, force: true });
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** "a 3, b 1", biggest first; past `limit` entries the rest are summed up. */
function formatCounts(counts: Record<string, number>, limit = LISTED_COUNTS): string {
  const sorted = Object.entries(counts).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
  const listed = sorted.slice(0, limit).map(([key, count]) => `${key} ${count}`);
  const rest = sorted.slice(limit);
  if (rest.length > 0) listed.push(`and ${rest.length} more (${rest.reduce((n, [, count]) => n + count, 0)} articles)`);
  return listed.join(', ');
}

function printSummary(
  log: (line: string) => void,
  manifest: Manifest,
  outShown: string,
  bytes: number,
  images: number,
  warnings: number,
  skipped: number,
  elapsedMs: number,
): void {
  const uncategorized = manifest.count - Object.values(manifest.counts.category).reduce((a, b) => a + b, 0);
  const first = manifest.years[0];
  const last = manifest.years[manifest.years.length - 1];
  const years = first === undefined ? '' : first === last ? `, ${first}` : `, ${first}–${last}`;
  log(`Built "${manifest.title}" into ${outShown} in ${(elapsedMs / MS_PER_SECOND).toFixed(TIME_DECIMALS)} s`);
  log(`  articles:   ${manifest.count} (${manifest.dated} dated${years})`);
  log(`  languages:  ${formatCounts(manifest.counts.lang)}`);
  log(
    `  categories: ${formatCounts(manifest.counts.category) || '(none)'}${uncategorized > 0 ? `; uncategorized ${uncategorized}` : ''}`,
  );
  log(
    `  chunks:     ${manifest.chunks.length} (${(bytes / BYTES_PER_MB).toFixed(SIZE_DECIMALS)} MB)${images > 0 ? `, images: ${images}` : ''}`,
  );
  log(`  warnings:   ${warnings}${skipped > 0 ? `; skipped: ${skipped} invalid articles` : ''}`);
}

/** Builds the corpus and swaps it into `out`; on any error `out` is left untouched. */
export async function runBuild(options: RunBuildOptions): Promise<RunBuildResult> {
  const started = performance.now();
  const cwd = options.cwd ?? process.cwd();
  const log = options.log ?? ((line: string) => console.log(line));
  const logError = options.logError ?? ((line: string) => console.error(line));
  const skipInvalid = options.skipInvalid ?? false;
  const outPath = path.resolve(cwd, options.out);
  const outShown = displayName(outPath, cwd);
  const elapsed = (): number => performance.now() - started;

  const fatal: CorpusIssue[] = [];
  const outProblem = await checkOut(outPath, outShown);
  if (outProblem) fatal.push(outProblem);
  const isOutput = (p: string): boolean => {
    const relative = path.relative(outPath, p);
    return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
  };
  const collected = await collectInputFiles(options.inputs, cwd, isOutput);
  fatal.push(...collected.errors);

  const progress = options.progress ?? NO_PROGRESS;
  const parsed = await readInputFiles(collected.files, (done, total) => progress.update('reading files', done, total));
  linkPages(parsed);
  const inputs: BuildInput[] = [];
  const badLines: CorpusIssue[] = [];
  const fileWarnings: CorpusIssue[] = [];
  let fileTitle: string | undefined;
  for (const file of parsed) {
    fatal.push(...file.errors);
    badLines.push(...file.badLines);
    fileWarnings.push(...(file.warnings ?? []));
    if (file.input) inputs.push(file.input);
    fileTitle ??= file.title;
  }

  const sanitizer = createHtmlSanitizer();
  const inputPaths = new Map(collected.files.map((f) => [f.name, f.path]));
  const images = new ImageCollector(inputPaths, sanitizer, cwd);
  const title = options.title ?? fileTitle ?? DEFAULT_TITLE;
  const result = buildCorpus(inputs, {
    title,
    skipInvalid,
    sanitizeHtml: sanitizer.sanitizeHtml,
    sha256Hex,
    resolveImage: (src, file) => images.resolve(src, file),
    onProgress: (done, total) => progress.update('building articles', done, total),
    ...(options.maxChunkBytes === undefined ? {} : { maxChunkBytes: options.maxChunkBytes }),
  });
  progress.clear();

  const skipped = [...result.skipped];
  if (skipInvalid) {
    for (const issue of badLines) {
      const entry: SkippedArticle = { file: issue.file, index: null, reasons: [issue] };
      if (issue.line !== undefined) entry.line = issue.line;
      skipped.push(entry);
    }
  } else {
    fatal.push(...badLines);
  }
  // "No valid article" says nothing new when whole files already failed.
  const buildErrors = fatal.length > 0 ? result.errors.filter((e) => e.file !== CORPUS_ISSUE_FILE) : result.errors;
  const errors = [...fatal, ...buildErrors];
  const warnings = [...fileWarnings, ...result.warnings];

  warnings.slice(0, LISTED_WARNINGS).forEach((w) => logError(`warning: ${formatIssue(w)}`));
  if (warnings.length > LISTED_WARNINGS) logError(`warning: … and ${warnings.length - LISTED_WARNINGS} more warnings`);
  for (const s of skipped) for (const reason of s.reasons) logError(`skipped: ${formatIssue(reason)}`);

  if (errors.length > 0 || result.manifest === null) {
    for (const e of errors) logError(`error: ${formatIssue(e)}`);
    logError(
      `Build failed with ${plural(errors.length, 'error')} and ${plural(warnings.length, 'warning')}; ${outShown} was left untouched.`,
    );
    if (!skipInvalid && (badLines.length > 0 || errors.some((e) => e.index !== null))) {
      logError('Use --skip-invalid to build without the invalid articles.');
    }
    return { ok: false, manifest: null, errors, warnings, skipped, elapsedMs: elapsed() };
  }

  let files: ReadonlyMap<string, string> = result.files;
  let manifest: Manifest = result.manifest;
  if (options.index !== false) {
    progress.update('building the search index', 0, 1);
    const index = await buildSearchIndex(manifest, files, sha256Hex);
    progress.clear();
    manifest = { ...manifest, index: index.refs, indexVersion: ENGINE_VERSION };
    files = new Map([...files, ...index.files, [MANIFEST_FILE, `${JSON.stringify(manifest, null, 2)}\n`]]);
  }

  try {
    await writeOut(outPath, files, images.files.values());
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const issue: CorpusIssue = {
      file: outShown,
      index: null,
      field: '',
      message: `expected to write the corpus, got an error: ${reason}`,
    };
    logError(`error: ${formatIssue(issue)}`);
    return { ok: false, manifest: null, errors: [issue], warnings, skipped, elapsedMs: elapsed() };
  }

  let bytes = 0;
  let indexBytes = 0;
  for (const [name, text] of files) {
    if (name === MANIFEST_FILE) continue;
    if (name.endsWith('.part')) indexBytes += Buffer.byteLength(text, 'utf8');
    else bytes += Buffer.byteLength(text, 'utf8');
  }
  const elapsedMs = elapsed();
  printSummary(log, manifest, outShown, bytes, images.files.size, warnings.length, skipped.length, elapsedMs);
  if (manifest.index) {
    log(
      `  search:     pre-built index, ${manifest.index.length} parts (${(indexBytes / BYTES_PER_MB).toFixed(SIZE_DECIMALS)} MB)`,
    );
  }
  return { ok: true, manifest, errors: [], warnings, skipped, elapsedMs };
}
