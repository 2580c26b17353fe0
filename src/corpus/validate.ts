/**
 * Validation at the corpus boundaries (DESIGN.md "Corpus input", "Built corpus"). Pure: shared
 * by the CLI (input articles) and the browser loader (fetched manifest and chunk JSON).
 *
 * Control characters: text fields keep tab and line feed; CR LF and lone CR become LF quietly
 * (line ends, not hostile); every other C0 character, DEL and every C1 character is removed,
 * and lone surrogates (not encodable as UTF-8) become U+FFFD. Either earns a warning naming the
 * file, article and field. Format characters (zero-width joiners, bidi marks, U+2028) are kept:
 * they are legitimate in real text and harmless once escaped or sanitized.
 */
import { normalizeDate } from './order.ts';
import {
  CORPUS_FORMAT,
  type Article,
  type ArticleImage,
  type ArticleInput,
  type Chunk,
  type ChunkRef,
  type IndexRef,
  type Manifest,
  type NeighbourRef,
} from './types.ts';

/** One problem with the input, located as precisely as the input allows. */
export interface CorpusIssue {
  file: string;
  /** Position of the article in its file (0-based); null for a problem with the whole file. */
  index: number | null;
  id?: string;
  /** 1-based line (and column) where the input has them: NDJSON lines, JSON syntax errors. */
  line?: number;
  column?: number;
  /** `title`, `body[2]`, `images[0].src`…; empty for a problem with the whole file. */
  field: string;
  /** "expected …, got …". */
  message: string;
  /** What the file calls one article (see ParsedInput.unit); absent means `articles`. */
  unit?: string | null;
}

/** Where an article sits in the input. */
export interface ArticleLocation {
  file: string;
  index: number;
  line?: number;
  /** See ParsedInput.unit. */
  unit?: string | null;
}

/** A problem a parser found in one article (a Markdown front matter `body`, say). */
export interface ParseProblem {
  severity: 'error' | 'warning';
  field: string;
  message: string;
}

/** What a parser knows about one article beyond its fields. */
export interface ArticleSource {
  /** Line of each top-level field (`title`, `body`…) where the format has them: Markdown front matter. */
  fieldLines?: Readonly<Record<string, number>>;
  problems?: readonly ParseProblem[];
}

/** An article that passed validation: text cleaned, optional nulls dropped, date normalized. */
export interface ValidArticle extends ArticleLocation {
  input: ArticleInput;
  /** Normalized per normalizeDate; null when undated. */
  date: string | null;
  fieldLines?: Readonly<Record<string, number>>;
}

export type ArticleCheck =
  | { ok: true; article: ValidArticle; warnings: CorpusIssue[] }
  | { ok: false; errors: CorpusIssue[]; warnings: CorpusIssue[] };

/**
 * Longest text accepted in one field, paragraph or whole body, in UTF-16 code units: about
 * 1 MB, far above any real article (the longest test article is ~30 k characters), and
 * small enough to keep a chunk near Workbox's 2 MiB precache limit.
 */
export const MAX_TEXT_CHARS = 1_000_000;
const QUOTED_PREVIEW_CHARS = 40;
const LISTED_CODE_POINTS = 5;
const HEX_RADIX = 16;
const CODE_POINT_DIGITS = 4;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const HTTP_URL = /^https?:\/\//i;
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:/i;
// ISO 639 language subtag (2-3 letters) first; Intl.getCanonicalLocales checks the rest.
const LANG_PRIMARY = /^[a-z]{2,3}(?:-|$)/i;
/** Far above any real tag (RFC 5646 asks implementations to handle at least 35 characters). */
const MAX_LANG_TAG_CHARS = 128;

// Candidates for cleaning; the exact rules are in stripControlChars.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NEEDS_CLEANING = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\uD800-\uDFFF]/;
const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const C0_END = 0x1f;
const DELETE = 0x7f;
const C1_END = 0x9f;
const HIGH_SURROGATE_START = 0xd800;
const LOW_SURROGATE_START = 0xdc00;
const SURROGATE_END = 0xdfff;
const REPLACEMENT_CHARACTER = '\uFFFD';

/** What stripControlChars did to a string. */
export interface CleanedText {
  text: string;
  /** Distinct removed control characters, as `U+0007`. */
  removed: string[];
  removedCount: number;
  /** Lone surrogates replaced by U+FFFD. */
  surrogates: number;
}

function codePointLabel(code: number): string {
  return `U+${code.toString(HEX_RADIX).toUpperCase().padStart(CODE_POINT_DIGITS, '0')}`;
}

/** Removes control characters and replaces lone surrogates (see the module comment for the rules). */
export function stripControlChars(text: string): CleanedText {
  if (!NEEDS_CLEANING.test(text)) return { text, removed: [], removedCount: 0, surrogates: 0 };
  const removed = new Set<string>();
  let removedCount = 0;
  let surrogates = 0;
  let out = '';
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code === CARRIAGE_RETURN) {
      out += '\n';
      if (text.charCodeAt(i + 1) === LINE_FEED) i += 1;
    } else if (code === TAB || code === LINE_FEED) {
      out += text[i];
    } else if (code <= C0_END || (code >= DELETE && code <= C1_END)) {
      removed.add(codePointLabel(code));
      removedCount += 1;
    } else if (code >= HIGH_SURROGATE_START && code <= SURROGATE_END) {
      const nextCode = text.charCodeAt(i + 1);
      const isPair = code < LOW_SURROGATE_START && nextCode >= LOW_SURROGATE_START && nextCode <= SURROGATE_END;
      if (isPair) {
        out += text.slice(i, i + 2);
        i += 1;
      } else {
        out += REPLACEMENT_CHARACTER;
        surrogates += 1;
      }
    } else {
      out += text[i];
    }
  }
  return { text: out, removed: [...removed], removedCount, surrogates };
}

/** "a number (42)", "null", "an array", "\"yesterday\""… for "expected …, got …" messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const preview = value.length > QUOTED_PREVIEW_CHARS ? `${value.slice(0, QUOTED_PREVIEW_CHARS)}…` : value;
    return JSON.stringify(preview);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return `a ${typeof value} (${String(value)})`;
  if (isArray(value)) return value.length === 0 ? 'an empty array' : 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** `articles[3]`, `item[3]` (RSS), or '' for a file that holds one article. */
export function articleLabel(index: number, unit: string | null | undefined): string {
  if (unit === null) return '';
  return `${unit ?? 'articles'}[${index}]`;
}

/** One line for a terminal or a log: `file line 4 articles[3] (id "x") title: expected …, got …`. */
export function formatIssue(issue: CorpusIssue): string {
  const where: string[] = [issue.file];
  if (issue.line !== undefined)
    where.push(issue.column === undefined ? `line ${issue.line}` : `line ${issue.line} column ${issue.column}`);
  if (issue.index !== null) {
    const label = articleLabel(issue.index, issue.unit);
    if (label !== '') where.push(label);
  }
  if (issue.id !== undefined) where.push(`(id ${JSON.stringify(issue.id)})`);
  if (issue.field !== '') where.push(issue.field);
  return `${where.join(' ')}: ${issue.message}`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !isArray(value);
}

/** Array.isArray, but typed unknown[] rather than any[]. */
export function isArray(value: unknown): value is unknown[] {
  return Array.isArray(value);
}

export function isString(value: unknown): value is string {
  return typeof value === 'string';
}

export function isStringArray(value: unknown): value is string[] {
  return isArray(value) && value.every(isString);
}

export function isStringRecord(value: unknown): value is Record<string, string> {
  return isRecord(value) && Object.values(value).every(isString);
}

export function isArticleImage(value: unknown): value is ArticleImage {
  return (
    isRecord(value) &&
    isString(value.src) &&
    isString(value.alt) &&
    (value.caption === undefined || isString(value.caption))
  );
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function isNullableString(value: unknown): value is string | null {
  return value === null || typeof value === 'string';
}

const canonicalLangCache = new Map<string, string | null>();

/** The canonical form of a BCP 47 tag (`zh-cn` → `zh-CN`), or null when it is not one. */
export function canonicalLang(tag: string): string | null {
  // Long junk is answered without caching it (a 50 MB "lang" must not stay in memory).
  if (tag.length > MAX_LANG_TAG_CHARS) return null;
  const cached = canonicalLangCache.get(tag);
  if (cached !== undefined) return cached;
  let canonical: string | null = null;
  if (tag.length <= MAX_LANG_TAG_CHARS && LANG_PRIMARY.test(tag)) {
    try {
      canonical = Intl.getCanonicalLocales(tag)[0] ?? null;
    } catch {
      canonical = null;
    }
  }
  canonicalLangCache.set(tag, canonical);
  return canonical;
}

const LANG_EXPECTED = 'expected a BCP 47 language tag such as "en" or "zh-CN"';

/** `expected a BCP 47 …, got "en_US" (did you mean "en-US"?)`: the usual mistake gets a hint. */
export function langMessage(value: unknown): string {
  const got = describeValue(value);
  if (isString(value) && value.includes('_')) {
    const hinted = canonicalLang(value.trim().replaceAll('_', '-'));
    if (hinted !== null) return `${LANG_EXPECTED}, got ${got} (did you mean ${JSON.stringify(hinted)}?)`;
  }
  return `${LANG_EXPECTED}, got ${got}`;
}

/** Is `src` something a built corpus can keep: an http(s) URL or a path to a local file. */
export function imageSrcKind(src: string): 'url' | 'path' | 'unsupported' {
  if (HTTP_URL.test(src)) return isHttpUrl(src) ? 'url' : 'unsupported';
  if (URL_SCHEME.test(src) || src.startsWith('//')) return 'unsupported';
  return 'path';
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** The top-level field a field path belongs to: `images[0].src` → `images`, `translations.zh` → `translations`. */
function rootField(field: string): string {
  const end = field.search(/[[.]/);
  return end === -1 ? field : field.slice(0, end);
}

/** An issue about one article, on the field's own line when the input has one. */
export function issueFor(
  at: ArticleLocation,
  field: string,
  message: string,
  id?: string,
  fieldLines?: Readonly<Record<string, number>>,
): CorpusIssue {
  const issue: CorpusIssue = { file: at.file, index: at.index, field, message };
  if (id !== undefined) issue.id = id;
  const line = fieldLines?.[rootField(field)] ?? at.line;
  if (line !== undefined) issue.line = line;
  if (at.unit !== undefined) issue.unit = at.unit;
  return issue;
}

/** Collects issues for one article; text goes through clean() so warnings name the field. */
class ArticleChecker {
  readonly errors: CorpusIssue[] = [];
  readonly warnings: CorpusIssue[] = [];
  readonly #at: ArticleLocation;
  readonly #fieldLines: Readonly<Record<string, number>> | undefined;
  #id: string | undefined;

  constructor(at: ArticleLocation, source: ArticleSource | undefined) {
    this.#at = at;
    this.#fieldLines = source?.fieldLines;
  }

  set id(id: string) {
    this.#id = id;
  }

  #issue(field: string, message: string): CorpusIssue {
    return issueFor(this.#at, field, message, this.#id, this.#fieldLines);
  }

  error(field: string, message: string): void {
    this.errors.push(this.#issue(field, message));
  }

  warn(field: string, message: string): void {
    this.warnings.push(this.#issue(field, message));
  }

  /** False (and an error) when `length` is over MAX_TEXT_CHARS; checked before any other work on the text. */
  fits(field: string, length: number): boolean {
    if (length <= MAX_TEXT_CHARS) return true;
    this.error(field, `expected at most ${MAX_TEXT_CHARS} characters, got ${length}`);
    return false;
  }

  clean(field: string, text: string): string {
    const cleaned = stripControlChars(text);
    if (cleaned.removedCount > 0) {
      const listed = cleaned.removed.slice(0, LISTED_CODE_POINTS).join(', ');
      const more = cleaned.removed.length > LISTED_CODE_POINTS ? ', …' : '';
      const noun = cleaned.removedCount === 1 ? 'character' : 'characters';
      this.warn(field, `removed ${cleaned.removedCount} control ${noun} (${listed}${more})`);
    }
    if (cleaned.surrogates > 0) {
      const noun = cleaned.surrogates === 1 ? 'surrogate' : 'surrogates';
      this.warn(field, `replaced ${cleaned.surrogates} lone ${noun} with U+FFFD`);
    }
    return cleaned.text;
  }

  /** A required non-blank string, trimmed; undefined (and an error) otherwise. */
  requiredText(field: string, value: unknown): string | undefined {
    if (!isString(value)) {
      this.error(field, `expected a non-empty string, got ${describeValue(value)}`);
      return undefined;
    }
    if (!this.fits(field, value.length)) return undefined;
    const text = this.clean(field, value).trim();
    if (text === '') this.error(field, `expected a non-empty string, got ${describeValue(value)}`);
    return text === '' ? undefined : text;
  }

  /** An optional string: null and blank count as absent. */
  optionalText(field: string, value: unknown): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (!isString(value)) {
      this.error(field, `expected a string, got ${describeValue(value)}`);
      return undefined;
    }
    if (!this.fits(field, value.length)) return undefined;
    const text = this.clean(field, value).trim();
    return text === '' ? undefined : text;
  }
}

function checkId(check: ArticleChecker, value: unknown): string | undefined {
  if (!isString(value)) {
    check.error('id', `expected a string, got ${describeValue(value)}`);
    return undefined;
  }
  if (!check.fits('id', value.length)) return undefined;
  // Ids are kept exactly as written (they are link targets); only blankness is an error.
  if (value.trim() === '') {
    check.error('id', `expected a non-empty string, got ${describeValue(value)}`);
    return undefined;
  }
  const cleaned = stripControlChars(value);
  if (cleaned.text !== value) {
    check.error('id', `expected an id without control characters, got ${describeValue(value)}`);
    return undefined;
  }
  return value;
}

function checkDate(check: ArticleChecker, value: unknown): { raw: string | null; date: string | null } {
  if (value === undefined || value === null) return { raw: null, date: null };
  if (!isString(value)) {
    check.error('date', `expected YYYY-MM-DD, an ISO 8601 date-time or null, got ${describeValue(value)}`);
    return { raw: null, date: null };
  }
  if (!check.fits('date', value.length)) return { raw: null, date: null };
  const date = normalizeDate(value.trim());
  if (date === null)
    check.error('date', `expected a real YYYY-MM-DD date or ISO 8601 date-time, got ${describeValue(value)}`);
  return { raw: value.trim(), date };
}

function checkCategory(check: ArticleChecker, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (!isString(value)) {
    check.error('category', `expected a string or null, got ${describeValue(value)}`);
    return null;
  }
  if (!check.fits('category', value.length)) return null;
  const text = check.clean('category', value).trim();
  return text === '' ? null : text;
}

function checkBody(check: ArticleChecker, value: unknown): string[] | string | undefined {
  const expected = 'expected an array of paragraph strings or a non-empty HTML string';
  if (isString(value)) {
    if (!check.fits('body', value.length)) return undefined;
    const html = check.clean('body', value);
    if (html.trim() === '') {
      check.error('body', `${expected}, got ${describeValue(value)}`);
      return undefined;
    }
    return html;
  }
  if (!isArray(value)) {
    check.error('body', `${expected}, got ${describeValue(value)}`);
    return undefined;
  }
  const paragraphs: string[] = [];
  let typeErrors = false;
  let totalChars = 0;
  value.forEach((paragraph: unknown, i) => {
    if (!isString(paragraph)) {
      check.error(`body[${i}]`, `expected a string, got ${describeValue(paragraph)}`);
      typeErrors = true;
      return;
    }
    totalChars += paragraph.length;
    if (!check.fits(`body[${i}]`, paragraph.length)) {
      typeErrors = true;
      return;
    }
    const text = check.clean(`body[${i}]`, paragraph);
    // Blank paragraphs would render as empty <p>; they carry nothing, so they are dropped.
    if (text.trim() !== '') paragraphs.push(text);
  });
  if (typeErrors || !check.fits('body', totalChars)) return undefined;
  if (paragraphs.length === 0) {
    const got = value.length === 0 ? 'an empty array' : 'only blank paragraphs';
    check.error('body', `expected at least one non-empty paragraph, got ${got}`);
    return undefined;
  }
  return paragraphs;
}

function checkTags(check: ArticleChecker, value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isArray(value)) {
    check.error('tags', `expected an array of strings, got ${describeValue(value)}`);
    return undefined;
  }
  const tags: string[] = [];
  value.forEach((tag: unknown, i) => {
    if (!isString(tag)) {
      check.error(`tags[${i}]`, `expected a string, got ${describeValue(tag)}`);
      return;
    }
    if (!check.fits(`tags[${i}]`, tag.length)) return;
    const text = check.clean(`tags[${i}]`, tag).trim();
    if (text !== '' && !tags.includes(text)) tags.push(text);
  });
  return tags;
}

function checkLang(check: ArticleChecker, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const lang = isString(value) ? canonicalLang(value.trim()) : null;
  if (lang === null) check.error('lang', langMessage(value));
  return lang ?? undefined;
}

function checkImages(check: ArticleChecker, value: unknown): ArticleImage[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isArray(value)) {
    check.error('images', `expected an array of {src, alt} objects, got ${describeValue(value)}`);
    return undefined;
  }
  const images: ArticleImage[] = [];
  value.forEach((item: unknown, i) => {
    const field = `images[${i}]`;
    if (!isRecord(item)) {
      check.error(field, `expected an object with src and alt, got ${describeValue(item)}`);
      return;
    }
    let ok = true;
    if (!isString(item.src) || item.src.trim() === '') {
      check.error(`${field}.src`, `expected a non-empty string, got ${describeValue(item.src)}`);
      ok = false;
    } else if (!check.fits(`${field}.src`, item.src.length)) ok = false;
    // alt may be empty: that marks a decorative image.
    if (!isString(item.alt)) {
      check.error(`${field}.alt`, `expected a string, got ${describeValue(item.alt)}`);
      ok = false;
    } else if (!check.fits(`${field}.alt`, item.alt.length)) ok = false;
    const caption = check.optionalText(`${field}.caption`, item.caption);
    if (!ok || !isString(item.src) || !isString(item.alt)) return;
    const src = check.clean(`${field}.src`, item.src).trim();
    if (imageSrcKind(src) === 'unsupported') {
      check.warn(
        `${field}.src`,
        `expected an http(s) URL or a relative path, got ${describeValue(src)}; image dropped`,
      );
      return;
    }
    const image: ArticleImage = { src, alt: check.clean(`${field}.alt`, item.alt).trim() };
    if (caption !== undefined) image.caption = caption;
    images.push(image);
  });
  return images;
}

function checkUrl(check: ArticleChecker, value: unknown): string | undefined {
  const url = check.optionalText('url', value);
  if (url === undefined) return undefined;
  // A javascript: or data: link is hostile but not broken input: drop it and say so.
  if (!isHttpUrl(url)) {
    check.warn('url', `expected an http(s) URL, got ${describeValue(url)}; dropped`);
    return undefined;
  }
  return url;
}

function checkTranslations(check: ArticleChecker, value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) {
    check.error('translations', `expected an object such as {"zh": "<id>"}, got ${describeValue(value)}`);
    return undefined;
  }
  const translations: Record<string, string> = {};
  for (const [key, id] of Object.entries(value)) {
    const field = `translations.${key}`;
    const lang = canonicalLang(key.trim());
    if (lang === null) {
      check.error(field, `expected a BCP 47 language tag as the key, got ${describeValue(key)}`);
      continue;
    }
    if (!isString(id) || id.trim() === '') {
      check.error(field, `expected a non-empty article id, got ${describeValue(id)}`);
      continue;
    }
    if (!check.fits(field, id.length)) continue;
    translations[lang] = id;
  }
  return translations;
}

/** Checks one parsed input article and returns it cleaned, or every error found in it. */
export function validateArticle(value: unknown, at: ArticleLocation, source?: ArticleSource): ArticleCheck {
  const check = new ArticleChecker(at, source);
  if (!isRecord(value)) {
    check.error('', `expected an article object, got ${describeValue(value)}`);
    return { ok: false, errors: check.errors, warnings: check.warnings };
  }
  const id = checkId(check, value.id);
  if (id !== undefined) check.id = id;
  for (const problem of source?.problems ?? []) {
    if (problem.severity === 'error') check.error(problem.field, problem.message);
    else check.warn(problem.field, problem.message);
  }
  const title = check.requiredText('title', value.title);
  const { raw: rawDate, date } = checkDate(check, value.date);
  const category = checkCategory(check, value.category);
  const body = checkBody(check, value.body);
  const summary = check.optionalText('summary', value.summary);
  const tags = checkTags(check, value.tags);
  const lang = checkLang(check, value.lang);
  const images = checkImages(check, value.images);
  const url = checkUrl(check, value.url);
  const translations = checkTranslations(check, value.translations);
  if (check.errors.length > 0 || id === undefined || title === undefined || body === undefined) {
    return { ok: false, errors: check.errors, warnings: check.warnings };
  }
  const input: ArticleInput = { id, title, date: rawDate, category, body };
  if (summary !== undefined) input.summary = summary;
  if (tags !== undefined) input.tags = tags;
  if (lang !== undefined) input.lang = lang;
  if (images !== undefined) input.images = images;
  if (url !== undefined) input.url = url;
  if (translations !== undefined) input.translations = translations;
  const article: ValidArticle = { ...at, input, date };
  if (source?.fieldLines !== undefined) article.fieldLines = source.fieldLines;
  return { ok: true, article, warnings: check.warnings };
}

/** Parsed articles of one input file; `lines[i]` is article i's line (NDJSON lines, feed items). */
export interface ParsedInput {
  file: string;
  articles: readonly unknown[];
  lines?: readonly number[];
  /**
   * What one article is called in messages: `item` (RSS), `entry` (Atom); null for a file that
   * holds a single article (Markdown, HTML page); absent for `articles`.
   */
  unit?: string | null;
  /** Per article: field lines and parser problems, where the format gives any. */
  sources?: readonly (ArticleSource | undefined)[];
}

export interface ValidationResult {
  valid: ValidArticle[];
  errors: CorpusIssue[];
  warnings: CorpusIssue[];
  /** Articles with at least one error, in input order. */
  invalid: ArticleLocation[];
}

/**
 * Validates every article of every input, in order, and flags ids used more than once
 * (across files too): each repeat is an error naming the first occurrence, which stays valid.
 */
export function validateInputs(inputs: readonly ParsedInput[]): ValidationResult {
  const valid: ValidArticle[] = [];
  const errors: CorpusIssue[] = [];
  const warnings: CorpusIssue[] = [];
  const invalid: ArticleLocation[] = [];
  const firstById = new Map<string, ArticleLocation>();
  for (const { file, articles, lines, unit, sources } of inputs) {
    articles.forEach((value, index) => {
      const at: ArticleLocation = { file, index };
      const line = lines?.[index];
      if (line !== undefined) at.line = line;
      if (unit !== undefined) at.unit = unit;
      const source = sources?.[index];
      const checked = validateArticle(value, at, source);
      warnings.push(...checked.warnings);
      if (!checked.ok) {
        errors.push(...checked.errors);
        invalid.push(at);
        return;
      }
      const { id } = checked.article.input;
      const first = firstById.get(id);
      if (first) {
        const firstLabel = articleLabel(first.index, first.unit);
        const firstAt = first.file === file ? firstLabel : `${first.file} ${firstLabel}`.trim();
        const message = `expected a unique id, got ${describeValue(id)} again (first at ${firstAt})`;
        errors.push(issueFor(at, 'id', message, id, source?.fieldLines));
        invalid.push(at);
        return;
      }
      firstById.set(id, at);
      valid.push(checked.article);
    });
  }
  return { valid, errors, warnings, invalid };
}

// ---- Guards for the built corpus, used by the browser loader on fetched JSON. ----

function isNeighbourRef(value: unknown): value is NeighbourRef | null {
  return value === null || (isRecord(value) && isString(value.id) && isString(value.title));
}

/** Every field of a built article, each checked once: cheap enough for whole chunks. */
export function isArticle(value: unknown): value is Article {
  if (!isRecord(value)) return false;
  return (
    isString(value.id) &&
    isString(value.title) &&
    isNullableString(value.date) &&
    isNullableString(value.category) &&
    isString(value.lang) &&
    isString(value.html) &&
    (value.summary === undefined || isString(value.summary)) &&
    isStringArray(value.tags) &&
    isArray(value.images) &&
    value.images.every(isArticleImage) &&
    (value.url === undefined || isString(value.url)) &&
    isStringRecord(value.translations) &&
    isNonNegativeInteger(value.ord) &&
    isNeighbourRef(value.prev) &&
    isNeighbourRef(value.next)
  );
}

export function isChunk(value: unknown): value is Chunk {
  return (
    isRecord(value) && value.format === CORPUS_FORMAT && isArray(value.articles) && value.articles.every(isArticle)
  );
}

/** A file named by a manifest must stay beside it: relative, no scheme, no `..`, no backslash. */
function isCorpusPath(value: unknown): value is string {
  return (
    isString(value) &&
    value !== '' &&
    !value.startsWith('/') &&
    !value.includes('\\') &&
    !URL_SCHEME.test(value) &&
    !value.split('/').some((segment) => segment === '..' || segment === '.' || segment === '')
  );
}

export function isChunkRef(value: unknown): value is ChunkRef {
  return (
    isRecord(value) &&
    isCorpusPath(value.file) &&
    isString(value.hash) &&
    SHA256_HEX.test(value.hash) &&
    isNonNegativeInteger(value.count) &&
    value.count > 0
  );
}

function isIndexRef(value: unknown): value is IndexRef {
  return isRecord(value) && isCorpusPath(value.file) && isString(value.hash) && SHA256_HEX.test(value.hash);
}

function isCountRecord(value: unknown): value is Record<string, number> {
  return isRecord(value) && Object.values(value).every(isNonNegativeInteger);
}

/** A manifest with every field of the right type and counts that agree with its chunk list. */
export function isManifest(value: unknown): value is Manifest {
  if (!isRecord(value)) return false;
  const { counts, chunks, index } = value;
  if (
    value.format !== CORPUS_FORMAT ||
    !isString(value.hash) ||
    !SHA256_HEX.test(value.hash) ||
    !isString(value.title) ||
    !isStringArray(value.languages) ||
    !isNonNegativeInteger(value.count) ||
    !isNonNegativeInteger(value.dated) ||
    value.dated > value.count ||
    !isRecord(counts) ||
    !isCountRecord(counts.lang) ||
    !isCountRecord(counts.category) ||
    !isStringArray(value.categories) ||
    !isArray(value.years) ||
    !value.years.every((year) => Number.isInteger(year)) ||
    !isArray(chunks) ||
    !chunks.every(isChunkRef) ||
    (index !== undefined && !(isArray(index) && index.every(isIndexRef))) ||
    (value.indexVersion !== undefined && !isNonNegativeInteger(value.indexVersion))
  ) {
    return false;
  }
  const total = chunks.reduce((sum: number, chunk: ChunkRef) => sum + chunk.count, 0);
  return total === value.count;
}
