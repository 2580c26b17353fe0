/**
 * Finds input files (files, or folders walked for every supported extension) and parses them
 * into BuildInputs (DESIGN.md "Corpus input"). The format comes from the extension, and from
 * the content where the extension is ambiguous: a .json file that is one object per line is
 * read as NDJSON, and an .xml file as RSS or Atom by its root element.
 */
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { BuildInput } from '../corpus/build.ts';
import { describeValue, isArray, isRecord, type CorpusIssue } from '../corpus/validate.ts';
import { FEED_EXTENSIONS, parseFeed } from './input-feed.ts';
import { HTML_PAGE_EXTENSIONS, parseHtmlPage } from './input-html-page.ts';
import { MARKDOWN_EXTENSIONS, parseMarkdown } from './input-markdown.ts';
import { locateJsonError } from './json-error.ts';
import { failedFile, fileIssue, type ParsedFile } from './parsed-file.ts';

export type { ParsedFile } from './parsed-file.ts';

export const JSON_EXTENSIONS = ['.json'];
export const NDJSON_EXTENSIONS = ['.ndjson', '.jsonl'];
export const INPUT_EXTENSIONS = [
  ...JSON_EXTENSIONS,
  ...NDJSON_EXTENSIONS,
  ...MARKDOWN_EXTENSIONS,
  ...FEED_EXTENSIONS,
  ...HTML_PAGE_EXTENSIONS,
];
const BYTE_ORDER_MARK = '\uFEFF';
// Folders never worth walking into: dependencies and hidden folders (.git, .tmp…).
const SKIPPED_FOLDERS = new Set(['node_modules']);
/** A browser's "save page, complete" puts a page's images, scripts and frames in `<page>_files/`. */
const SAVED_PAGE_FOLDER_SUFFIX = '_files';
/**
 * Whole input files are read into memory; past this size a file is refused with a clear
 * message rather than risking V8's string limit (~512 MB) or the machine's memory.
 */
export const MAX_INPUT_FILE_BYTES = 256 * 1024 * 1024;
/** Files read at once: enough to keep the disk busy, few enough to never hit the open-file limit. */
const READ_CONCURRENCY = 16;

export type InputFormat = 'json' | 'ndjson' | 'markdown' | 'feed' | 'html-page';

/** The format an input file's extension names, or null for files that are not inputs. */
export function formatOf(file: string): InputFormat | null {
  const ext = path.extname(file).toLowerCase();
  if (JSON_EXTENSIONS.includes(ext)) return 'json';
  if (NDJSON_EXTENSIONS.includes(ext)) return 'ndjson';
  if (MARKDOWN_EXTENSIONS.includes(ext)) return 'markdown';
  if (FEED_EXTENSIONS.includes(ext)) return 'feed';
  if (HTML_PAGE_EXTENSIONS.includes(ext)) return 'html-page';
  return null;
}

export interface InputSource {
  /** Absolute path. */
  path: string;
  /** As shown in messages: relative to the working folder when inside it. */
  name: string;
}

export function displayName(absolute: string, cwd: string): string {
  const relative = path.relative(cwd, absolute);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : absolute;
}

function isInputFile(name: string): boolean {
  return formatOf(name) !== null;
}

/** `storm_files` beside `storm.html`: the saved page's resources, not articles of their own. */
function isSavedPageFolder(name: string, siblings: ReadonlySet<string>): boolean {
  if (!name.endsWith(SAVED_PAGE_FOLDER_SUFFIX)) return false;
  const page = name.slice(0, -SAVED_PAGE_FOLDER_SUFFIX.length);
  return HTML_PAGE_EXTENSIONS.some((ext) => siblings.has(page + ext));
}

async function walk(folder: string, exclude: (p: string) => boolean, found: string[]): Promise<void> {
  const entries = await readdir(folder, { withFileTypes: true });
  // Code-unit order, so the same folder always gives the same input order.
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const names = new Set(entries.map((e) => e.name));
  for (const entry of entries) {
    const full = path.join(folder, entry.name);
    if (entry.name.startsWith('.') || exclude(full)) continue;
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name) && !isSavedPageFolder(entry.name, names)) await walk(full, exclude, found);
    } else if (entry.isFile() && isInputFile(entry.name)) {
      found.push(full);
    }
  }
}

/**
 * Resolves the command-line inputs to files, in the order given (folders sorted), each once.
 * Anything under an `exclude` path (the output folder and its temporary siblings) is skipped.
 */
export async function collectInputFiles(
  args: readonly string[],
  cwd: string,
  exclude: (absolute: string) => boolean,
): Promise<{ files: InputSource[]; errors: CorpusIssue[] }> {
  const files: InputSource[] = [];
  const errors: CorpusIssue[] = [];
  const seen = new Set<string>();
  const add = async (absolute: string): Promise<void> => {
    const real = await realpath(absolute);
    if (seen.has(real)) return;
    seen.add(real);
    files.push({ path: absolute, name: displayName(absolute, cwd) });
  };
  for (const arg of args) {
    const absolute = path.resolve(cwd, arg);
    let kind: 'file' | 'folder' | 'other';
    try {
      const info = await stat(absolute);
      kind = info.isDirectory() ? 'folder' : info.isFile() ? 'file' : 'other';
    } catch {
      errors.push(fileIssue(arg, 'expected a file or folder, got nothing at this path'));
      continue;
    }
    if (kind === 'file') {
      if (isInputFile(absolute)) await add(absolute);
      else
        errors.push(
          fileIssue(arg, `expected a ${INPUT_EXTENSIONS.join(', ')} file, got ${describeValue(path.extname(arg))}`),
        );
    } else if (kind === 'folder') {
      const found: string[] = [];
      await walk(absolute, exclude, found);
      if (found.length === 0)
        errors.push(fileIssue(arg, `expected ${INPUT_EXTENSIONS.join(', ')} files in this folder, got none`));
      for (const file of found) await add(file);
    } else {
      errors.push(fileIssue(arg, 'expected a file or folder, got something else (a socket or device?)'));
    }
  }
  return { files, errors };
}

/** A .json file whose first line is a whole JSON object by itself is NDJSON saved as .json. */
function looksLikeNdjson(text: string): boolean {
  const newline = text.indexOf('\n');
  if (newline === -1) return false;
  const first = text.slice(0, newline).trim();
  if (!first.startsWith('{') || text.slice(newline).trim() === '') return false;
  try {
    return isRecord(JSON.parse(first));
  } catch {
    return false;
  }
}

function parseJson(name: string, text: string): ParsedFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    if (looksLikeNdjson(text)) return parseNdjson(name, text);
    const located = locateJsonError(text);
    const fallback = err instanceof Error ? err.message : String(err);
    const issue = fileIssue(name, `invalid JSON: ${located?.message ?? fallback}`);
    if (located) {
      issue.line = located.line;
      issue.column = located.column;
    }
    return { input: null, errors: [issue], badLines: [] };
  }
  if (isArray(data)) return { input: { file: name, articles: data }, errors: [], badLines: [] };
  if (!isRecord(data) || !isArray(data.articles)) {
    const got = isRecord(data) ? 'an object without an "articles" array' : describeValue(data);
    return {
      input: null,
      errors: [fileIssue(name, `expected {"articles": [...]} or an array of articles, got ${got}`)],
      badLines: [],
    };
  }
  const errors: CorpusIssue[] = [];
  const input: BuildInput = { file: name, articles: data.articles };
  const parsed: ParsedFile = { input, errors, badLines: [] };
  if (typeof data.lang === 'string') input.defaultLang = data.lang;
  else if (data.lang !== undefined && data.lang !== null) {
    errors.push(fileIssue(name, `expected a default language tag string, got ${describeValue(data.lang)}`, 'lang'));
  }
  if (typeof data.title === 'string') {
    if (data.title.trim() !== '') parsed.title = data.title.trim();
  } else if (data.title !== undefined && data.title !== null) {
    errors.push(fileIssue(name, `expected a corpus title string, got ${describeValue(data.title)}`, 'title'));
  }
  if (errors.length > 0) parsed.input = null;
  return parsed;
}

function parseNdjson(name: string, text: string): ParsedFile {
  const articles: unknown[] = [];
  const lines: number[] = [];
  const badLines: CorpusIssue[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    try {
      articles.push(JSON.parse(line));
      lines.push(i + 1);
    } catch (err) {
      const located = locateJsonError(line);
      const fallback = err instanceof Error ? err.message : String(err);
      const issue: CorpusIssue = {
        file: name,
        index: null,
        line: i + 1,
        field: '',
        message: `invalid JSON: ${located?.message ?? fallback}`,
      };
      if (located) issue.column = located.column;
      badLines.push(issue);
    }
  });
  return { input: { file: name, articles, lines }, errors: [], badLines };
}

/**
 * Parses one input file's text by its format (see formatOf). `absolutePath` locates a saved
 * page's local images; it defaults to `name` resolved against the working folder.
 */
export function parseInputText(name: string, text: string, absolutePath = path.resolve(name)): ParsedFile {
  const clean = text.startsWith(BYTE_ORDER_MARK) ? text.slice(BYTE_ORDER_MARK.length) : text;
  switch (formatOf(name)) {
    case 'ndjson':
      return parseNdjson(name, clean);
    case 'markdown':
      return parseMarkdown(name, clean);
    case 'feed':
      return parseFeed(name, clean);
    case 'html-page':
      return parseHtmlPage(name, clean, absolutePath);
    default:
      return parseJson(name, clean);
  }
}

/** Reads and parses one input file; any failure becomes a ParsedFile error, never an exception. */
export async function readInputFile(source: InputSource): Promise<ParsedFile> {
  let bytes: Buffer;
  try {
    const { size } = await stat(source.path);
    if (size > MAX_INPUT_FILE_BYTES) {
      return failedFile(source.name, `expected an input file under ${MAX_INPUT_FILE_BYTES} bytes, got ${size}`);
    }
    bytes = await readFile(source.path);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return {
      input: null,
      errors: [fileIssue(source.name, `expected a readable file, got an error: ${reason}`)],
      badLines: [],
    };
  }
  let text: string;
  try {
    // fatal: a Latin-1 or UTF-16 file must fail loudly, not turn into U+FFFD soup.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return {
      input: null,
      errors: [fileIssue(source.name, 'expected UTF-8 text, got bytes that are not UTF-8')],
      badLines: [],
    };
  }
  try {
    return parseInputText(source.name, text, source.path);
  } catch (err) {
    // A parser bug or a pathological input must name the file, not crash the whole build.
    return failedFile(
      source.name,
      `expected a readable input, got an error: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** Reads every file, READ_CONCURRENCY at a time, in input order; `onFile` counts finished files. */
export async function readInputFiles(
  sources: readonly InputSource[],
  onFile: (done: number, total: number) => void = () => {},
): Promise<ParsedFile[]> {
  const results: ParsedFile[] = new Array<ParsedFile>(sources.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < sources.length) {
      const i = next;
      next += 1;
      const source = sources[i];
      if (source === undefined) continue;
      results[i] = await readInputFile(source);
      done += 1;
      onFile(done, sources.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, sources.length) }, worker));
  return results;
}
