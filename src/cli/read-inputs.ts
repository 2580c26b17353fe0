/**
 * Finds input files (files or folders walked for .json/.ndjson/.jsonl) and parses them into
 * BuildInputs (DESIGN.md "Corpus input"): `{"articles": [...]}`, a bare array, or NDJSON.
 */
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { BuildInput } from '../corpus/build.ts';
import { describeValue, isArray, isRecord, type CorpusIssue } from '../corpus/validate.ts';
import { locateJsonError } from './json-error.ts';

export const JSON_EXTENSIONS = ['.json'];
export const NDJSON_EXTENSIONS = ['.ndjson', '.jsonl'];
const INPUT_EXTENSIONS = [...JSON_EXTENSIONS, ...NDJSON_EXTENSIONS];
const BYTE_ORDER_MARK = '\uFEFF';
// Folders never worth walking into: dependencies and hidden folders (.git, .tmp…).
const SKIPPED_FOLDERS = new Set(['node_modules']);

export interface InputSource {
  /** Absolute path. */
  path: string;
  /** As shown in messages: relative to the working folder when inside it. */
  name: string;
}

export interface ParsedFile {
  /** Null when the file as a whole could not be read as articles. */
  input: BuildInput | null;
  /** The file's top-level `title`, a default corpus title. */
  title?: string;
  /** Problems with the whole file: they always fail the build. */
  errors: CorpusIssue[];
  /** NDJSON lines that are not JSON: each one a lost article, skippable with --skip-invalid. */
  badLines: CorpusIssue[];
}

function fileIssue(file: string, message: string, field = ''): CorpusIssue {
  return { file, index: null, field, message };
}

export function displayName(absolute: string, cwd: string): string {
  const relative = path.relative(cwd, absolute);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : absolute;
}

function isInputFile(name: string): boolean {
  return INPUT_EXTENSIONS.includes(path.extname(name).toLowerCase());
}

async function walk(folder: string, exclude: (p: string) => boolean, found: string[]): Promise<void> {
  const entries = await readdir(folder, { withFileTypes: true });
  // Code-unit order, so the same folder always gives the same input order.
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(folder, entry.name);
    if (entry.name.startsWith('.') || exclude(full)) continue;
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name)) await walk(full, exclude, found);
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

function parseJson(name: string, text: string): ParsedFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
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

/** Parses one input file's text; JSON vs NDJSON is decided by the file extension. */
export function parseInputText(name: string, text: string): ParsedFile {
  const clean = text.startsWith(BYTE_ORDER_MARK) ? text.slice(BYTE_ORDER_MARK.length) : text;
  return NDJSON_EXTENSIONS.includes(path.extname(name).toLowerCase())
    ? parseNdjson(name, clean)
    : parseJson(name, clean);
}

export async function readInputFile(source: InputSource): Promise<ParsedFile> {
  let bytes: Buffer;
  try {
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
  return parseInputText(source.name, text);
}
