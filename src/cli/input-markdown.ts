/**
 * A Markdown file (.md, .markdown) is one article: YAML front matter with the JSON article
 * fields (DESIGN.md "Corpus input"), then the body in Markdown, rendered to HTML by marked
 * and sanitized later like any HTML body.
 *
 * - Front matter is YAML only, read by gray-matter with js-yaml's safe schema; `---js`
 *   front matter (which gray-matter would eval) is refused.
 * - `id` defaults to the file name without its extension; `title` to a leading `# Heading`,
 *   which then leaves the body.
 * - A YAML date (`date: 2024-03-05`) is read as written (js-yaml would roll `2024-02-30`
 *   over to March 1), so it is checked like a JSON date.
 * - Errors carry the line of the field in the front matter, or of the body.
 */
import matter from 'gray-matter';
import { Marked } from 'marked';
import { normalizeDate } from '../corpus/order.ts';
import { describeValue, isRecord, MAX_TEXT_CHARS, type ParseProblem } from '../corpus/validate.ts';
import { idFromFileName } from './derive-id.ts';
import { lostArticle, type ParsedFile } from './parsed-file.ts';

export const MARKDOWN_EXTENSIONS = ['.md', '.markdown'];

const DELIMITER = '---';
// Languages gray-matter may name after the opening `---`; YAML is the only one read here.
const YAML_LANGUAGES = new Set(['', 'yaml', 'yml']);
// A top-level `key:` line of the front matter (not indented, not a comment or list item).
const TOP_LEVEL_KEY = /^(["']?)([^\s#'"-][^:]*?)\1\s*:(?:\s|$)/;
const ATX_HEADING_1 = /^#[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const HOURS_MINUTES_SECONDS_MS = /T00:00:00\.000Z$/;
const DATE_ONLY_CHARS = 'YYYY-MM-DD'.length;
const TRAILING_COMMENT = /\s#.*$/;
const QUOTED = /^(["'])(.*)\1$/;
const YAML_LINE_OFFSET = 1;

// One instance with fixed options: marked's global defaults could be changed by any importer.
const markdown = new Marked({ gfm: true, async: false });

function refuseJavaScript(): object {
  throw new Error('expected YAML front matter, got JavaScript (not run, for safety)');
}

/** gray-matter's options: its default `javascript` engine evals the front matter, so it is replaced. */
const MATTER_OPTIONS = {
  language: 'yaml',
  engines: { javascript: refuseJavaScript, js: refuseJavaScript },
};

/** The YAML error as js-yaml throws it: `mark` is 0-based within the front matter text. */
interface YamlError {
  reason: string;
  mark: { line: number; column: number };
}

function isYamlError(err: unknown): err is YamlError {
  return (
    isRecord(err) &&
    typeof err.reason === 'string' &&
    isRecord(err.mark) &&
    typeof err.mark.line === 'number' &&
    typeof err.mark.column === 'number'
  );
}

/** js-yaml turns unquoted dates into Date objects; articles want the string back. */
function dateToText(value: Date): string {
  const iso = value.toISOString();
  return HOURS_MINUTES_SECONDS_MS.test(iso) ? iso.slice(0, DATE_ONLY_CHARS) : iso;
}

/**
 * The date as the article wants it. js-yaml reads `2024-02-30` as March 1 (Date.UTC rolls
 * over), so the text as written wins; js-yaml's own reading is used only for YAML forms that
 * ISO 8601 lacks (`2024-03-05 10:00:00 -5`), and only when it kept the written calendar day.
 */
function yamlDateText(value: Date, raw: string): string {
  if (raw === '' || normalizeDate(raw) !== null) return raw || dateToText(value);
  return normalizeDate(raw.slice(0, DATE_ONLY_CHARS)) === null ? raw : dateToText(value);
}

function linesOf(text: string): string[] {
  return text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

interface FrontMatterKey {
  /** 1-based line in the file. */
  line: number;
  /** The value as written on that line, quotes and comment removed ('' when it continues below). */
  raw: string;
}

/** Each top-level key between the delimiters on lines 1 and `closeLine`: its line and raw value. */
function frontMatterKeys(lines: readonly string[], closeLine: number): Map<string, FrontMatterKey> {
  const found = new Map<string, FrontMatterKey>();
  for (let i = 1; i < closeLine - 1; i += 1) {
    const text = lines[i] ?? '';
    const match = TOP_LEVEL_KEY.exec(text);
    const key = match?.[2];
    if (!match || key === undefined || found.has(key)) continue;
    const value = text.slice(match[0].length).replace(TRAILING_COMMENT, '').trim();
    found.set(key, { line: i + 1, raw: QUOTED.exec(value)?.[2] ?? value });
  }
  return found;
}

/** Parses one Markdown file into a one-article input (or a lost article, on broken front matter). */
export function parseMarkdown(name: string, text: string): ParsedFile {
  const lines = linesOf(text);
  const first = lines[0] ?? '';
  let data: Record<string, unknown> = {};
  let content = text;
  let bodyLine = 1;
  const fieldLines: Record<string, number> = {};

  if (first.startsWith(DELIMITER) && !first.startsWith(`${DELIMITER}-`)) {
    const language = first.slice(DELIMITER.length).trim().toLowerCase();
    if (!YAML_LANGUAGES.has(language)) {
      return lostArticle(name, `expected YAML front matter opened by a bare ---, got ${describeValue(first)}`, 1);
    }
    const closeIndex = lines.findIndex((line, i) => i > 0 && line.startsWith(DELIMITER));
    if (closeIndex === -1) {
      return lostArticle(
        name,
        'expected a --- line closing the front matter opened on line 1, got the end of the file',
        1,
      );
    }
    let parsed: matter.GrayMatterFile<string>;
    try {
      parsed = matter(text, MATTER_OPTIONS);
    } catch (err) {
      if (isYamlError(err)) {
        // The front matter text starts with the rest of line 1, so its line 0 is the file's line 1.
        const line = err.mark.line + YAML_LINE_OFFSET;
        return lostArticle(name, `invalid YAML front matter: ${err.reason}`, line, err.mark.column + 1);
      }
      // js-yaml recurses per nesting level: `[[[[…` thousands deep overflows the stack (found by fuzzing).
      if (err instanceof RangeError) {
        return lostArticle(name, 'invalid YAML front matter: expected nesting a parser can read, got it too deep', 1);
      }
      return lostArticle(name, `invalid front matter: ${err instanceof Error ? err.message : String(err)}`, 1);
    }
    const raw: unknown = parsed.data;
    if (!isRecord(raw)) {
      return lostArticle(name, `expected front matter fields (key: value lines), got ${describeValue(raw)}`, 2);
    }
    data = { ...raw };
    const keys = frontMatterKeys(lines, closeIndex + 1);
    for (const [key, { line }] of keys) fieldLines[key] = line;
    for (const [key, value] of Object.entries(data)) {
      if (value instanceof Date) data[key] = yamlDateText(value, keys.get(key)?.raw ?? '');
    }
    content = parsed.content;
    bodyLine = closeIndex + 2;
  }

  // A leading `# Heading` is the title when the front matter gives none; the body's line is
  // that of its first non-blank line after it.
  const contentLines = linesOf(content);
  const nextText = (from: number): number => contentLines.findIndex((line, i) => i >= from && line.trim() !== '');
  let bodyStart = nextText(0);
  if (bodyStart !== -1 && data.title === undefined) {
    const heading = ATX_HEADING_1.exec(contentLines[bodyStart] ?? '');
    if (heading) {
      data.title = heading[1] ?? '';
      fieldLines.title = bodyLine + bodyStart;
      contentLines[bodyStart] = '';
      content = contentLines.join('\n');
      bodyStart = nextText(bodyStart + 1);
    }
  }
  if (data.body === undefined || bodyStart !== -1) fieldLines.body = bodyStart === -1 ? bodyLine : bodyLine + bodyStart;

  const problems: ParseProblem[] = [];
  const hasMarkdown = content.trim() !== '';
  if (data.body !== undefined && hasMarkdown) {
    problems.push({
      severity: 'error',
      field: 'body',
      message: 'expected the body either as Markdown below the front matter or as a front matter field, got both',
    });
  } else if (data.body === undefined) {
    // Too long to be accepted anyway: left unrendered so validation reports its size at once.
    data.body = content.length > MAX_TEXT_CHARS || !hasMarkdown ? content : markdown.parse(content, { async: false });
  }
  data.id ??= idFromFileName(name);

  return {
    input: { file: name, articles: [data], unit: null, sources: [{ fieldLines, problems }] },
    errors: [],
    badLines: [],
  };
}
