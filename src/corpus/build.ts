/**
 * Turns parsed input articles into a built corpus (DESIGN.md "Built corpus"): validated,
 * cleaned, ordered, linked and split into content-hashed chunk files plus manifest.json.
 * Pure: hashing, HTML sanitizing and image files come in as functions, so the same code can
 * run in node (src/cli) or a browser. Same input and options give byte-identical files.
 */
import { guessLang } from './lang.ts';
import { orderArticles, yearOf, type UnorderedArticle } from './order.ts';
import { CORPUS_FORMAT, type Article, type ArticleImage, type ChunkRef, type Manifest } from './types.ts';
import {
  canonicalLang,
  describeValue,
  imageSrcKind,
  issueFor,
  stripControlChars,
  validateInputs,
  type ArticleLocation,
  type CorpusIssue,
  type ParsedInput,
  type ValidArticle,
} from './validate.ts';

/** Under Workbox's 2 MiB precache limit with room to spare. */
export const DEFAULT_MAX_CHUNK_BYTES = 1024 * 1024;
/** Chunk files are named by this many hex digits of their SHA-256. */
export const CHUNK_NAME_HEX_DIGITS = 16;
export const MANIFEST_FILE = 'manifest.json';
/** Stands in for the file name on issues about the corpus as a whole. */
export const CORPUS_ISSUE_FILE = '(corpus)';

// One article per line, so chunk files stay greppable like the inputs.
const CHUNK_HEAD = `{"format":${CORPUS_FORMAT},"articles":[\n`;
const CHUNK_SEPARATOR = ',\n';
const CHUNK_TAIL = '\n]}\n';
const MANIFEST_INDENT = 2;
const LANG_GUESS_SEPARATOR = '\n';
const HTML_TAG = /<[^>]*>/g;

/** The neighbours a source page itself links to (rel=prev/next), as ids of articles in the build. */
export interface SourceLinks {
  prev?: string;
  next?: string;
}

export interface BuildInput extends ParsedInput {
  /** The file's own default `lang` (its top-level `lang`), used before guessing. */
  defaultLang?: string;
  /** Per article: the page's own previous/next links, checked against the corpus order. */
  sourceLinks?: readonly (SourceLinks | undefined)[];
}

/** Progress of the slow part of a build (sanitizing, chunking): `done` of `total` articles. */
export type BuildProgress = (done: number, total: number) => void;

export type ImageResolution = { ok: true; src: string } | { ok: false; message: string };

/** What a sanitizer may use while it sanitizes one article's HTML body. */
export interface HtmlContext {
  file: string;
  /** The built src for an <img src> (local paths get copied), or null to drop the src (a warning says why). */
  resolveImageSrc: (src: string) => string | null;
}

export interface BuildOptions {
  title: string;
  /** Leave invalid articles out (listed in `skipped`) instead of failing the build. */
  skipInvalid: boolean;
  /** Sanitizes an HTML body (DOMPurify in the CLI); plain-text paragraphs never go through it. */
  sanitizeHtml: (html: string, context: HtmlContext) => string;
  /** Hex SHA-256 of the UTF-8 bytes of `text`. */
  sha256Hex: (text: string) => string;
  maxChunkBytes?: number;
  /**
   * Turns an image path from input `file` into its built src (the CLI copies the file to
   * `images/<hash>.<ext>`). Without it, paths are kept as written.
   */
  resolveImage?: (src: string, file: string) => ImageResolution;
  /** Called as articles are built; it must be cheap (it runs once per article). */
  onProgress?: BuildProgress;
}

/** An article left out under skipInvalid; `index` is null for an NDJSON line that was not JSON. */
export interface SkippedArticle {
  file: string;
  index: number | null;
  line?: number;
  id?: string;
  unit?: string | null;
  reasons: CorpusIssue[];
}

export interface BuildResult {
  /** Null when the build failed (`errors` is not empty). */
  manifest: Manifest | null;
  /** Relative path → file text: manifest.json and the chunk files. */
  files: Map<string, string>;
  /** Problems that fail the build; with skipInvalid, article problems move to `skipped`. */
  errors: CorpusIssue[];
  warnings: CorpusIssue[];
  skipped: SkippedArticle[];
}

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const TEXT_SPECIAL = /[&<>]/;
const TEXT_SPECIAL_ALL = /[&<>]/g;

/**
 * Plain text → HTML element content, so `<SRD>` stays visible as `<SRD>`. Quotes are left
 * alone: they are harmless in content, and `&#39;` would cost 5 bytes a time. Not for attributes.
 */
export function escapeHtmlText(text: string): string {
  if (!TEXT_SPECIAL.test(text)) return text;
  return text.replace(TEXT_SPECIAL_ALL, (ch) => TEXT_ESCAPES[ch] ?? ch);
}

/** Plain-text paragraphs → `<p>` elements; a line break inside a paragraph is kept as `<br>`. */
export function paragraphsToHtml(paragraphs: readonly string[]): string {
  return paragraphs.map((p) => `<p>${escapeHtmlText(p).replaceAll('\n', '<br>')}</p>`).join('');
}

const LAST_ONE_BYTE = 0x7f;
const LAST_TWO_BYTE = 0x7ff;
const FIRST_SURROGATE = 0xd800;
const LAST_SURROGATE = 0xdfff;

/** Bytes of `text` in UTF-8, without allocating an encoded copy. */
export function utf8ByteLength(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    // 1 byte up to U+007F, 2 up to U+07FF, 3 for the rest of the BMP; a surrogate pair is 4 bytes (2 + 2).
    if (code > LAST_ONE_BYTE)
      bytes += code <= LAST_TWO_BYTE || (code >= FIRST_SURROGATE && code <= LAST_SURROGATE) ? 1 : 2;
  }
  return bytes;
}

function issueAt(at: ArticleLocation | ValidArticle, id: string, field: string, message: string): CorpusIssue {
  return issueFor(at, field, message, id, 'fieldLines' in at ? at.fieldLines : undefined);
}

/** Counts by value, keys in code-unit order (kept as an array: objects put integer-like keys first). */
function sortedCounts(values: Iterable<string>): { keys: string[]; record: Record<string, number> } {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  const keys = [...counts.keys()].sort();
  const record: Record<string, number> = {};
  for (const key of keys) record[key] = counts.get(key) ?? 0;
  return { keys, record };
}

/**
 * Builds one valid article. Errors (a missing image in `images`, HTML with nothing left after
 * sanitizing) go to `errors` and make the article invalid; a missing image inside an HTML body
 * only warns and loses its src, since the text still reads fine without it.
 */
function buildArticle(
  valid: ValidArticle,
  defaultLang: string | undefined,
  options: BuildOptions,
  errors: CorpusIssue[],
  warnings: CorpusIssue[],
): UnorderedArticle {
  const { input } = valid;
  const resolvePath = (src: string, field: string, problems: CorpusIssue[], suffix: string): string | null => {
    if (!options.resolveImage) return src;
    const resolved = options.resolveImage(src, valid.file);
    if (resolved.ok) return resolved.src;
    problems.push(issueAt(valid, input.id, field, resolved.message + suffix));
    return null;
  };
  const resolveBodySrc = (src: string): string | null => {
    if (src.trim() === '') return null;
    return imageSrcKind(src) === 'path' ? resolvePath(src, 'body', warnings, '; <img> left without src') : src;
  };

  let html: string;
  if (typeof input.body === 'string') {
    html = options.sanitizeHtml(input.body, { file: valid.file, resolveImageSrc: resolveBodySrc }).trim();
    if (html === '') {
      const message = `expected HTML with content, got nothing left after sanitizing ${describeValue(input.body)}`;
      errors.push(issueAt(valid, input.id, 'body', message));
    }
  } else {
    html = paragraphsToHtml(input.body);
  }

  const images: ArticleImage[] = [];
  (input.images ?? []).forEach((image, i) => {
    const src = imageSrcKind(image.src) === 'path' ? resolvePath(image.src, `images[${i}].src`, errors, '') : image.src;
    if (src !== null) images.push({ ...image, src });
  });

  const bodyText =
    typeof input.body === 'string' ? input.body.replace(HTML_TAG, ' ') : input.body.join(LANG_GUESS_SEPARATOR);
  const lang = input.lang ?? defaultLang ?? guessLang(input.title + LANG_GUESS_SEPARATOR + bodyText);

  const article: UnorderedArticle = {
    id: input.id,
    title: input.title,
    date: valid.date,
    category: input.category ?? null,
    lang,
    html,
    tags: input.tags ?? [],
    images,
    translations: input.translations ?? {},
  };
  // Optional fields are added only when present, keeping chunk files small.
  if (input.summary !== undefined) article.summary = input.summary;
  if (input.url !== undefined) article.url = input.url;
  return article;
}

interface ChunkFile {
  name: string;
  text: string;
  ref: ChunkRef;
}

/** Splits ordered articles into chunk files, each under maxBytes unless one article alone is bigger. */
function writeChunks(
  articles: readonly Article[],
  maxBytes: number,
  sha256Hex: (text: string) => string,
  onOversize: (article: Article, bytes: number) => void,
): ChunkFile[] {
  const chunks: ChunkFile[] = [];
  const frameBytes = utf8ByteLength(CHUNK_HEAD) + utf8ByteLength(CHUNK_TAIL);
  const separatorBytes = utf8ByteLength(CHUNK_SEPARATOR);
  let pending: string[] = [];
  let pendingBytes = frameBytes;
  const flush = (): void => {
    if (pending.length === 0) return;
    const text = CHUNK_HEAD + pending.join(CHUNK_SEPARATOR) + CHUNK_TAIL;
    const hash = sha256Hex(text);
    const name = `articles-${hash.slice(0, CHUNK_NAME_HEX_DIGITS)}.json`;
    chunks.push({ name, text, ref: { file: name, hash, count: pending.length } });
    pending = [];
    pendingBytes = frameBytes;
  };
  for (const article of articles) {
    const json = JSON.stringify(article);
    const bytes = utf8ByteLength(json);
    if (pending.length > 0 && pendingBytes + separatorBytes + bytes > maxBytes) flush();
    if (pending.length === 0 && frameBytes + bytes > maxBytes) onOversize(article, bytes);
    pendingBytes += pending.length === 0 ? bytes : separatorBytes + bytes;
    pending.push(json);
  }
  flush();
  return chunks;
}

function primaryLang(tag: string): string {
  const dash = tag.indexOf('-');
  return (dash === -1 ? tag : tag.slice(0, dash)).toLowerCase();
}

/**
 * Checks `translations` in both directions (warnings only; the text is fine without them):
 * a link to an id not in the corpus, or to the article itself, is dropped; a link to an
 * article in another language than its key is kept as written; when A names B but B names
 * nothing for A's language, the link back is added; when B names another article there,
 * both stay as written.
 */
function checkTranslations(
  articles: readonly Article[],
  located: ReadonlyMap<string, ValidArticle>,
  warnings: CorpusIssue[],
): void {
  const byId = new Map(articles.map((a) => [a.id, a]));
  const warn = (article: Article, field: string, message: string): void => {
    const at = located.get(article.id);
    if (at) warnings.push(issueAt(at, article.id, field, message));
  };
  for (const article of articles) {
    for (const [lang, id] of Object.entries(article.translations)) {
      const field = `translations.${lang}`;
      if (id === article.id || !byId.has(id)) {
        const got = id === article.id ? 'its own id' : describeValue(id);
        warn(article, field, `expected the id of another article in this corpus, got ${got}; link dropped`);
        delete article.translations[lang];
      }
    }
  }
  for (const article of articles) {
    for (const [lang, id] of Object.entries(article.translations)) {
      const target = byId.get(id);
      if (!target) continue;
      // A link to an article in another language than its key says nothing about the way back.
      if (primaryLang(target.lang) !== primaryLang(lang)) {
        const message = `expected the id of a ${lang} article, got ${describeValue(id)}, which is ${target.lang}`;
        warn(article, `translations.${lang}`, message);
        continue;
      }
      if (Object.values(target.translations).includes(article.id)) continue;
      const back = target.translations[article.lang];
      const field = `translations.${article.lang}`;
      const names = `${describeValue(article.id)}, which names this article as its ${lang} translation`;
      if (back === undefined) {
        warn(target, field, `expected a link back to ${names}, got none; link added`);
        target.translations[article.lang] = article.id;
      } else {
        warn(target, field, `expected a link back to ${names}, got ${describeValue(back)}`);
      }
    }
  }
}

/** Warns where a page's own rel=prev/next links disagree with the corpus order (same language). */
function checkSourceLinks(
  articles: readonly Article[],
  linksById: ReadonlyMap<string, SourceLinks>,
  located: ReadonlyMap<string, ValidArticle>,
  warnings: CorpusIssue[],
): void {
  const byId = new Map(articles.map((a) => [a.id, a]));
  for (const article of articles) {
    const links = linksById.get(article.id);
    const at = located.get(article.id);
    if (!links || !at) continue;
    for (const side of ['prev', 'next'] as const) {
      const linked = links[side];
      if (linked === undefined || !byId.has(linked)) continue;
      const actual = article[side]?.id;
      if (actual === linked) continue;
      const word = side === 'prev' ? 'previous' : 'next';
      const got = actual === undefined ? 'none' : describeValue(actual);
      const message = `the page links to ${describeValue(linked)} as ${word} (rel=${side}), but the corpus order (by date, then id) gives ${got}`;
      warnings.push(issueAt(at, article.id, side, message));
    }
  }
}

function makeManifest(
  title: string,
  articles: readonly Article[],
  chunks: readonly ChunkFile[],
  sha256Hex: (text: string) => string,
): Manifest {
  const refs = chunks.map((c) => c.ref);
  const langCounts = sortedCounts(articles.map((a) => a.lang));
  const categoryCounts = sortedCounts(articles.flatMap((a) => (a.category === null ? [] : [a.category])));
  const years = [...new Set(articles.flatMap((a) => (a.date === null ? [] : [yearOf(a.date)])))].sort((a, b) => a - b);
  // Everything else in the manifest follows from the chunks, so they and the title identify the corpus.
  const hash = sha256Hex(JSON.stringify([CORPUS_FORMAT, title, ...refs.map((r) => r.hash)]));
  return {
    format: CORPUS_FORMAT,
    hash,
    title,
    languages: langCounts.keys,
    count: articles.length,
    dated: articles.filter((a) => a.date !== null).length,
    counts: { lang: langCounts.record, category: categoryCounts.record },
    categories: categoryCounts.keys,
    years,
    chunks: refs,
  };
}

function resolveDefaultLangs(inputs: readonly BuildInput[], errors: CorpusIssue[]): Map<string, string> {
  const langs = new Map<string, string>();
  for (const input of inputs) {
    if (input.defaultLang === undefined) continue;
    const lang = canonicalLang(input.defaultLang);
    if (lang === null) {
      errors.push({
        file: input.file,
        index: null,
        field: 'lang',
        message: `expected a BCP 47 language tag such as "en" or "zh-CN", got ${describeValue(input.defaultLang)}`,
      });
    } else {
      langs.set(input.file, lang);
    }
  }
  return langs;
}

/** Groups article errors into skipped entries, in input order. */
function toSkipped(
  inputs: readonly BuildInput[],
  invalid: readonly ArticleLocation[],
  errors: readonly CorpusIssue[],
): SkippedArticle[] {
  const fileRank = new Map(inputs.map((input, rank) => [input.file, rank]));
  const rank = (at: ArticleLocation): number => fileRank.get(at.file) ?? 0;
  const sorted = [...invalid].sort((a, b) => rank(a) - rank(b) || a.index - b.index);
  const key = (file: string, index: number): string => `${index}\u0000${file}`;
  const byArticle = new Map<string, SkippedArticle>();
  for (const at of sorted) {
    const entry: SkippedArticle = { file: at.file, index: at.index, reasons: [] };
    if (at.line !== undefined) entry.line = at.line;
    if (at.unit !== undefined) entry.unit = at.unit;
    byArticle.set(key(at.file, at.index), entry);
  }
  for (const error of errors) {
    if (error.index === null) continue;
    const skipped = byArticle.get(key(error.file, error.index));
    if (!skipped) continue;
    skipped.reasons.push(error);
    if (error.id !== undefined) skipped.id ??= error.id;
  }
  return [...byArticle.values()];
}

/** The pages' own neighbour links, keyed by the id of the article that carries them. */
function sourceLinksById(
  inputs: readonly BuildInput[],
  located: ReadonlyMap<string, ValidArticle>,
): Map<string, SourceLinks> {
  const byPlace = new Map<string, SourceLinks>();
  const place = (file: string, index: number): string => `${index}\u0000${file}`;
  for (const input of inputs) {
    input.sourceLinks?.forEach((links, index) => {
      if (links) byPlace.set(place(input.file, index), links);
    });
  }
  const byId = new Map<string, SourceLinks>();
  if (byPlace.size === 0) return byId;
  for (const [id, at] of located) {
    const links = byPlace.get(place(at.file, at.index));
    if (links) byId.set(id, links);
  }
  return byId;
}

/** Validates, cleans, orders and chunks the inputs; see BuildResult for what comes back. */
export function buildCorpus(inputs: readonly BuildInput[], options: BuildOptions): BuildResult {
  const fatal: CorpusIssue[] = [];
  const defaultLangs = resolveDefaultLangs(inputs, fatal);
  const validation = validateInputs(inputs);
  const warnings = [...validation.warnings];
  const articleErrors = [...validation.errors];
  const invalid = [...validation.invalid];

  const built: UnorderedArticle[] = [];
  const located = new Map<string, ValidArticle>();
  const total = validation.valid.length;
  validation.valid.forEach((valid, done) => {
    options.onProgress?.(done, total);
    const errorsBefore = articleErrors.length;
    const article = buildArticle(valid, defaultLangs.get(valid.file), options, articleErrors, warnings);
    if (articleErrors.length > errorsBefore) {
      const at: ArticleLocation = { file: valid.file, index: valid.index };
      if (valid.line !== undefined) at.line = valid.line;
      if (valid.unit !== undefined) at.unit = valid.unit;
      invalid.push(at);
      return;
    }
    built.push(article);
    located.set(article.id, valid);
  });
  options.onProgress?.(total, total);

  const skipped = options.skipInvalid ? toSkipped(inputs, invalid, articleErrors) : [];
  const errors = options.skipInvalid ? fatal : [...fatal, ...articleErrors];
  // Only worth saying when no other error explains the empty result (skipInvalid hides article errors).
  if (built.length === 0 && errors.length === 0) {
    const got = skipped.length > 0 ? `none (${skipped.length} skipped as invalid)` : 'none';
    errors.push({
      file: CORPUS_ISSUE_FILE,
      index: null,
      field: '',
      message: `expected at least one valid article, got ${got}`,
    });
  }
  if (errors.length > 0) return { manifest: null, files: new Map(), errors, warnings, skipped };

  const articles = orderArticles(built);
  checkTranslations(articles, located, warnings);
  checkSourceLinks(articles, sourceLinksById(inputs, located), located, warnings);
  const maxBytes = options.maxChunkBytes ?? DEFAULT_MAX_CHUNK_BYTES;
  const chunks = writeChunks(articles, maxBytes, options.sha256Hex, (article, bytes) => {
    const at = located.get(article.id);
    const message = `expected an article under ${maxBytes} bytes of JSON, got ${bytes}; it gets a chunk of its own`;
    if (at) warnings.push(issueAt(at, article.id, 'body', message));
  });
  const manifest = makeManifest(stripControlChars(options.title).text.trim(), articles, chunks, options.sha256Hex);
  const files = new Map<string, string>();
  files.set(MANIFEST_FILE, `${JSON.stringify(manifest, null, MANIFEST_INDENT)}\n`);
  for (const chunk of chunks) files.set(chunk.name, chunk.text);
  return { manifest, files, errors, warnings, skipped };
}
