/**
 * Fuzzing the corpus builder (issue #10 part 5): thousands of generated inputs, seeded and
 * deterministic, run through main() (what `npm run corpus` runs) in-process, and a sample through
 * the real CLI process. Every run must end in exit 0 (built, and the articles round-trip) or exit 1
 * with errors that name the file (and the article and field where there is one), never a stack
 * trace; and a failed build must leave an existing --out exactly as it was.
 *
 * A failing case prints its number, kind and seed: FOLIO_FUZZ_SEED=<seed> reruns the same cases.
 */
import { existsSync, readFileSync } from 'node:fs';
import { cp, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from '../../src/cli/main.ts';
import { paragraphsToHtml } from '../../src/corpus/build.ts';
import type { Article } from '../../src/corpus/types.ts';
import { isRecord, isStringArray, MAX_TEXT_CHARS, stripControlChars } from '../../src/corpus/validate.ts';
import {
  putFile,
  readCorpusArticles,
  readCorpusManifest,
  runCliProcess,
  snapshot,
  useCliSandbox,
  type CliSandbox,
} from './cli-helpers.ts';

const SEED = Number(process.env.FOLIO_FUZZ_SEED ?? 0x5eed_f011);
const SCALE = Number(process.env.FOLIO_FUZZ_SCALE ?? 1);
/** Case counts: together a few thousand builds in well under a minute on an idle 2-core machine. */
const VALID_CASES = Math.ceil(400 * SCALE);
const MALFORMED_CASES = Math.ceil(2400 * SCALE);
const ARGV_CASES = Math.ceil(150 * SCALE);
const NAUGHTY_CASES_MAX = Math.ceil(600 * SCALE);
const XSS_CASES = Math.ceil(250 * SCALE);
/** Real processes cost a tsx start-up each (1–3 s): a sample, two at a time. */
const PROCESS_SAMPLE = 4;
const PROCESS_CONCURRENCY = 2;
const FUZZ_TIMEOUT_MS = 240_000;
const SLOWEST_LISTED = 5;
/** Share of malformed cases of the slow kinds (about 0.1–3 s each on a loaded machine). */
const SLOW_SHARE = 0.04;
/** FOLIO_FUZZ_TRACE=1 prints each case before it runs: the way to find one that hangs. */
const TRACE = process.env.FOLIO_FUZZ_TRACE === '1';

const SHARED = path.resolve(process.env.FOLIO_SHARED_CORPUS ?? '../shared/corpus');
const NAUGHTY = path.join(SHARED, 'hostile', 'naughty-strings.json');
const XSS = path.join(SHARED, 'hostile', 'xss-vectors.json');
const HOSTILE_AVAILABLE = existsSync(NAUGHTY) && existsSync(XSS);

const OUT = 'out';
/** What a failed build may print, line by line; anything else (a stack trace, a raw exception) is a bug. */
const LINE_PREFIXES = ['error: ', 'warning: ', 'skipped: ', 'Build failed with ', 'Use --skip-invalid'];
/** Signs of an exception that escaped into a message instead of a validation error. */
const RAW_EXCEPTION =
  /\n\s+at |^\s+at .+:\d+:\d+|Cannot read propert|is not a function|is not iterable|is not defined|Maximum call stack|\[object Object\]/;

// ---- A small seeded generator (mulberry32): the same seed gives the same cases. ----

class Rng {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéüßøçñ港口风暴新闻市场';
const TEXT_CHARS = [
  ...LETTERS,
  ...'      0123456789.,;:!?-–—()[]{}<>&"\'`/\\#%*+=@$^|~',
  '🌊',
  '👩‍👩‍👧',
  'مرحبا',
  'שלום',
  '\u200b',
  '\u00a0',
  'e\u0301',
  '<script>alert(1)</script>',
  '&amp;',
  '${x}',
  '{{x}}',
];
/** Ids that are also names on Object.prototype, or odd for a URL: each must stay one plain id. */
const TRICKY_IDS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '0',
  '-1',
  '1e3',
  'a b',
  'ü/ö?#&=',
  '..',
  '../etc/passwd',
  '<img src=x>',
  '🌊',
  'null',
  'undefined',
  ' padded ',
];
const CATEGORIES = ['News', 'Science', 'Harbour & Sea', '港口', '__proto__', 'constructor', 'toString', 'a/b'];
const LANGS = ['en', 'zh-CN', 'fr', 'en-GB'];

function word(rng: Rng, min = 1, max = 10): string {
  let out = '';
  for (let i = rng.range(min, max); i > 0; i -= 1) out += rng.pick([...LETTERS]);
  return out;
}

/** Text that validation keeps as it is: starts and ends with a letter, no control characters. */
function text(rng: Rng, maxParts = 12): string {
  let out = word(rng);
  for (let i = rng.int(maxParts); i > 0; i -= 1) out += rng.pick(TEXT_CHARS);
  return out + word(rng, 1, 3);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** A real date and its normalized form: YYYY-MM-DD, a date-time in UTC, or null. */
function date(rng: Rng): { raw: string | null; normalized: string | null } {
  const roll = rng.next();
  if (roll < 0.2) return { raw: null, normalized: null };
  const day = `${pad(rng.range(1, 9999), 4)}-${pad(rng.range(1, 12))}-${pad(rng.range(1, 28))}`;
  if (roll < 0.8) return { raw: day, normalized: day };
  const time = `${pad(rng.int(24))}:${pad(rng.int(60))}:${pad(rng.int(60))}`;
  return { raw: `${day}T${time}Z`, normalized: `${day}T${time}.000Z` };
}

interface Expected {
  id: string;
  title: string;
  date: string | null;
  category: string | null;
  lang: string;
  html?: string;
  tags?: string[];
}

interface GeneratedArticle {
  value: Record<string, unknown>;
  expected: Expected;
}

function validArticle(rng: Rng, ids: Set<string>): GeneratedArticle {
  let id = rng.chance(0.15) ? rng.pick(TRICKY_IDS) : `${word(rng, 1, 6)}-${rng.int(100_000)}`;
  while (ids.has(id)) id = `${id}-${rng.int(1000)}`;
  ids.add(id);
  const title = text(rng);
  const when = date(rng);
  const category = rng.chance(0.25) ? null : rng.pick(CATEGORIES);
  const lang = rng.pick(LANGS);
  const paragraphs = Array.from({ length: rng.range(1, 3) }, () =>
    rng.chance(0.1) ? `${text(rng)}\n${text(rng)}` : text(rng, 40),
  );
  const value: Record<string, unknown> = { id, title, date: when.raw, category, lang, body: paragraphs };
  const expected: Expected = { id, title, date: when.normalized, category, lang, html: paragraphsToHtml(paragraphs) };
  if (rng.chance(0.3)) {
    const tags = Array.from({ length: rng.range(0, 4) }, () => rng.pick(['energy', 'harbour', '港口', 'energy', ' ']));
    value.tags = tags;
    expected.tags = [...new Set(tags.map((t) => t.trim()).filter((t) => t !== ''))];
  }
  if (rng.chance(0.2)) value.summary = text(rng);
  if (rng.chance(0.2)) value.url = `https://example.org/${encodeURIComponent(id)}?a=1&b=2`;
  if (rng.chance(0.1)) value.extra = { nested: [1, { deeper: null }], __proto__: { polluted: true } };
  return { value, expected };
}

// ---- Serializing article sets into input files ----

type JsonShape = 'object' | 'array' | 'ndjson';
const BOM = '\uFEFF';

function serialize(rng: Rng, articles: readonly unknown[], shape: JsonShape): { ext: string; text: string } {
  const bom = rng.chance(0.15) ? BOM : '';
  if (shape === 'ndjson') {
    const eol = rng.chance(0.3) ? '\r\n' : '\n';
    const lines = articles.map((a) => JSON.stringify(a));
    // A .json file is read as NDJSON only when its first line is an object and more follows.
    const ext = articles.length >= 2 && rng.chance(0.3) ? '.json' : rng.pick(['.ndjson', '.jsonl']);
    if (rng.chance(0.3))
      lines.splice(ext === '.json' ? rng.range(1, lines.length) : rng.int(lines.length + 1), 0, '', '   ');
    return { ext, text: bom + lines.join(eol) + (rng.chance(0.5) ? eol : '') };
  }
  const indent = rng.pick([0, 2, '\t']);
  const data =
    shape === 'array' ? articles : { title: rng.chance(0.5) ? text(rng) : undefined, articles: [...articles] };
  return { ext: '.json', text: bom + JSON.stringify(data, null, indent) };
}

function markdownFile(article: GeneratedArticle): string {
  const v = article.value;
  const yaml = [
    `title: ${JSON.stringify(v.title)}`,
    `date: ${v.date === null ? 'null' : JSON.stringify(v.date)}`,
    `category: ${v.category === null ? 'null' : JSON.stringify(v.category)}`,
    `lang: ${JSON.stringify(v.lang)}`,
  ];
  // JSON is YAML's flow style: the tags go in as generated, blanks and duplicates included.
  if (v.tags !== undefined) yaml.push(`tags: ${JSON.stringify(v.tags)}`);
  const body = (v.body as string[]).map((p) => p.replaceAll('\n', ' ')).join('\n\n');
  return `---\n${yaml.join('\n')}\n---\n\n${body}\n`;
}

// ---- One case: files to write, arguments, what must hold ----

type Expectation =
  /** Exit 0, and these articles come back. */
  | { kind: 'valid'; articles: Expected[]; warnField?: string }
  /** Exit 1; some error names this field (and `articles[i]`/`line n` where given). */
  | { kind: 'invalid'; field?: string; where?: string; message?: RegExp }
  /** Either, but always cleanly. */
  | { kind: 'any' };

interface FuzzCase {
  label: string;
  files: Map<string, string | Uint8Array>;
  args: string[];
  expect: Expectation;
}

function newCase(label: string): FuzzCase {
  return { label, files: new Map(), args: [], expect: { kind: 'any' } };
}

function validCase(rng: Rng, n: number, folder: string): FuzzCase {
  const c = newCase(`valid #${n}`);
  const ids = new Set<string>();
  const articles = Array.from({ length: rng.range(1, 8) }, () => validArticle(rng, ids));
  // Split over one to three files of mixed shapes; a few Markdown files (jsdom makes them slow).
  const fileCount = Math.min(articles.length, rng.range(1, 3));
  const groups: GeneratedArticle[][] = Array.from({ length: fileCount }, () => []);
  articles.forEach((a, i) => groups[i % fileCount]?.push(a));
  groups.forEach((group, i) => {
    const single = group[0];
    if (group.length === 1 && single && rng.chance(0.04) && !String(single.value.id).startsWith(' ')) {
      const id = String(single.value.id);
      if (/^[\w-]+$/.test(id)) {
        c.files.set(`${folder}/${id}.md`, markdownFile(single));
        delete single.expected.html;
        return;
      }
    }
    const { ext, text: content } = serialize(
      rng,
      group.map((a) => a.value),
      rng.pick(['object', 'array', 'ndjson']),
    );
    c.files.set(`${folder}/f${i}${ext}`, content);
  });
  c.args = [...c.files.keys()];
  if (rng.chance(0.3)) c.args.push('--no-index');
  if (rng.chance(0.2)) c.args.push('--skip-invalid');
  c.expect = { kind: 'valid', articles: articles.map((a) => a.expected) };
  return c;
}

const WRONG_VALUES: readonly unknown[] = [
  42,
  -0.5,
  true,
  false,
  {},
  { a: { b: [1, 2, { c: null }] } },
  [],
  [1, 2],
  [null],
  [[['x']]],
  '',
  '   ',
  'x',
  1e308,
];
const REQUIRED = ['id', 'title', 'body'] as const;

function isPlainEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
}
const OPTIONAL = ['date', 'category', 'summary', 'tags', 'lang', 'images', 'url', 'translations'] as const;
const BAD_DATES = [
  '2023-02-30',
  'yesterday',
  '2024-13-01',
  '20240101',
  '2024-1-1',
  '0000-00-00',
  '2024-02-29T25:00:00Z',
  '2024-06-01T12:60:00Z',
  '10000-01-01',
  'NaN',
  '2024-06-01T12:00:00+5',
  'Tue, 05 Mar 2024 10:15:00 GMT',
  '２０２４-01-01',
  '2024-01-01\u0000',
  '2024-06-31',
  '2023-02-29',
];
const BAD_LANGS = ['english', 'en_US', '12', '-', 'zh--CN', 'x'.repeat(200), '🌊'];
const NDJSON_GARBAGE = ['{', 'not json', '{"id": "x", oops}', '[1,2', '"unterminated', '{"a":1}}', ',', '\u0000\u0001'];
const NDJSON_NOT_ARTICLES = ['null', '42', '"text"', '[]', '{}', 'true'];
const CONTROL_CHARS = ['\u0000', '\u0001', '\u0007', '\u001b', '\u007f', '\u0085', '\u009f', '\ud800', '\udfff'];
const TOP_LEVEL = [
  'null',
  '42',
  '"articles"',
  '{}',
  '{"articles": {}}',
  '{"articles": null}',
  'true',
  '{"articles": "x"}',
];
const INVALID_UTF8: readonly number[][] = [
  [0xff],
  [0xc3, 0x28],
  [0xe2, 0x82],
  [0xf0, 0x28, 0x8c, 0xbc],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0x80],
];

function malformedCase(rng: Rng, n: number, folder: string): FuzzCase {
  const ids = new Set<string>();
  const articles = Array.from({ length: rng.range(1, 4) }, () => validArticle(rng, ids));
  const values = articles.map((a) => a.value);
  const target = rng.int(values.length);
  const victim = values[target] ?? {};
  const skip = rng.chance(0.25);
  const kinds = [
    'truncate',
    'wrong-type',
    'missing',
    'duplicate',
    'bad-date',
    'bad-lang',
    'huge',
    'empty',
    'control',
    'control-id',
    'invalid-utf8',
    'bom',
    'ndjson-bad-lines',
    'top-level',
    'deep',
    'binary',
    'mixed',
    'markdown',
    'feed',
    'html-page',
  ] as const;
  // Slow kinds (jsdom for Markdown, feeds and pages; megabyte strings; deep nesting) get a fixed small share.
  const slow: readonly string[] = ['huge', 'deep', 'mixed', 'markdown', 'feed', 'html-page'];
  const kind = rng.chance(SLOW_SHARE)
    ? rng.pick(kinds.filter((k) => slow.includes(k)))
    : rng.pick(kinds.filter((k) => !slow.includes(k)));
  const c = newCase(`malformed #${n} ${kind}${skip ? ' --skip-invalid' : ''}`);
  const shape: JsonShape = rng.pick(['object', 'array', 'ndjson']);
  const at = (shape === 'ndjson' ? `line ` : 'articles[') as string;
  let file = `${folder}/in.json`;
  let content: string | Uint8Array | null = null;
  const write = (): void => {
    const s = serialize(rng, values, shape);
    file = `${folder}/in${s.ext}`;
    content = s.text;
  };
  const others = values.length > 1;
  /** An invalid article fails the build; with --skip-invalid only when nothing valid is left. */
  const articleError = (field: string): Expectation =>
    skip && others
      ? { kind: 'valid', articles: articles.filter((_, i) => i !== target).map((a) => a.expected) }
      : { kind: 'invalid', field, where: at };
  switch (kind) {
    case 'truncate': {
      const s = serialize(rng, values, shape);
      file = `${folder}/in${s.ext}`;
      const cut = rng.range(s.text.startsWith(BOM) ? 1 : 0, s.text.length - 1);
      content = s.text.slice(0, cut);
      c.expect = shape === 'ndjson' ? { kind: 'any' } : { kind: 'invalid', message: /invalid JSON|expected/ };
      break;
    }
    case 'wrong-type': {
      const required = rng.chance(0.4);
      const field = required ? rng.pick(REQUIRED) : rng.pick(OPTIONAL);
      let wrong = rng.pick(WRONG_VALUES);
      // A string is the right type for most fields: a blank one is a different case ('empty').
      if (typeof wrong === 'string' && field !== 'tags' && field !== 'images' && field !== 'translations') wrong = 7;
      if (field === 'body' && Array.isArray(wrong) && wrong.length === 0) wrong = 7;
      // No tags, no images and no translations are valid values of those fields, not wrong types.
      const empty =
        (Array.isArray(wrong) && wrong.length === 0) || (isPlainEmptyObject(wrong) && field === 'translations');
      if (empty && (field === 'tags' || field === 'images' || field === 'translations')) wrong = 7;
      victim[field] = wrong;
      write();
      c.expect = articleError(field);
      break;
    }
    case 'missing': {
      const field = rng.pick(REQUIRED);
      delete victim[field];
      write();
      c.expect = articleError(field);
      break;
    }
    case 'duplicate': {
      const source = values[(target + 1) % values.length];
      if (values.length < 2 || !source) values.push({ ...victim });
      else victim.id = source.id;
      write();
      c.expect = skip
        ? { kind: 'any' }
        : { kind: 'invalid', field: 'id', message: /expected a unique id, got .* again \(first at / };
      break;
    }
    case 'bad-date':
      victim.date = rng.pick(BAD_DATES);
      write();
      c.expect = articleError('date');
      break;
    case 'bad-lang':
      victim.lang = rng.pick(BAD_LANGS);
      write();
      c.expect = articleError('lang');
      break;
    case 'huge': {
      const field = rng.pick(['id', 'title', 'category', 'summary', 'body', 'body[0]', 'tags[0]']);
      const huge = 'x'.repeat(MAX_TEXT_CHARS + rng.range(1, 1000));
      if (field === 'body') victim.body = [huge.slice(0, MAX_TEXT_CHARS / 2), huge.slice(0, MAX_TEXT_CHARS / 2 + 10)];
      else if (field === 'body[0]') victim.body = [huge];
      else if (field === 'tags[0]') victim.tags = [huge];
      else victim[field] = huge;
      write();
      c.expect = articleError(field);
      break;
    }
    case 'empty': {
      const [field, value] = rng.pick([
        ['id', ''],
        ['id', ' \t'],
        ['title', ''],
        ['title', '\n  '],
        ['body', []],
        ['body', ['', '  ']],
        ['body', ''],
        ['body', '   '],
      ] as const);
      victim[field] = value;
      write();
      c.expect = articleError(field);
      break;
    }
    case 'control': {
      const field = rng.pick(['title', 'category', 'summary', 'body[0]', 'tags[0]']);
      const dirty = `${word(rng)}${rng.pick(CONTROL_CHARS)}${word(rng)}${rng.chance(0.5) ? rng.pick(CONTROL_CHARS) : ''}`;
      const expected = articles[target]?.expected;
      const cleaned = stripControlChars(dirty).text;
      if (field === 'body[0]') {
        victim.body = [dirty];
        if (expected) expected.html = paragraphsToHtml([cleaned]);
      } else if (field === 'tags[0]') {
        victim.tags = [dirty];
        if (expected) expected.tags = [cleaned];
      } else {
        victim[field] = dirty;
        if (expected && field === 'title') expected.title = cleaned;
        if (expected && field === 'category') expected.category = cleaned;
      }
      write();
      c.expect = { kind: 'valid', articles: articles.map((a) => a.expected), warnField: field };
      break;
    }
    case 'control-id':
      victim.id = `${word(rng)}${rng.pick(CONTROL_CHARS)}${word(rng)}`;
      write();
      c.expect = articleError('id');
      break;
    case 'invalid-utf8': {
      const s = serialize(rng, values, shape);
      file = `${folder}/in${s.ext}`;
      const bytes = Buffer.from(s.text, 'utf8');
      const pos = rng.int(bytes.length);
      content = Buffer.concat([bytes.subarray(0, pos), Buffer.from(rng.pick(INVALID_UTF8)), bytes.subarray(pos)]);
      c.expect = { kind: 'invalid', message: /expected UTF-8 text, got bytes that are not UTF-8/ };
      break;
    }
    case 'bom': {
      const s = serialize(rng, values, shape);
      file = `${folder}/in${s.ext}`;
      const plain = s.text.replace(/^\uFEFF/, '');
      const variant = rng.int(4);
      if (variant === 0) {
        content = BOM + plain;
        c.expect = { kind: 'valid', articles: articles.map((a) => a.expected) };
      } else if (variant === 1) {
        content = BOM + BOM + plain;
      } else if (variant === 2) {
        content = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(plain, 'utf16le')]);
        c.expect = { kind: 'invalid', message: /not UTF-8/ };
      } else {
        content = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(plain, 'utf16le').swap16()]);
        c.expect = { kind: 'invalid', message: /not UTF-8/ };
      }
      break;
    }
    case 'ndjson-bad-lines': {
      const lines = values.map((v) => JSON.stringify(v));
      const garbage = rng.chance(0.6);
      const bad = garbage ? rng.pick(NDJSON_GARBAGE) : rng.pick(NDJSON_NOT_ARTICLES);
      const pos = rng.int(lines.length + 1);
      lines.splice(pos, 0, bad);
      file = `${folder}/in.ndjson`;
      content = lines.join(rng.chance(0.5) ? '\n' : '\r\n');
      const line = `line ${pos + 1}`;
      c.expect = skip
        ? { kind: 'valid', articles: articles.map((a) => a.expected) }
        : { kind: 'invalid', where: line, ...(garbage ? { message: /invalid JSON/ } : {}) };
      break;
    }
    case 'top-level':
      content = rng.pick(TOP_LEVEL);
      c.expect = { kind: 'invalid', message: /expected/ };
      break;
    case 'deep': {
      const depth = rng.pick([100, 5_000, 100_000]);
      const open = rng.chance(0.5) ? '[' : '{"a":';
      const close = open === '[' ? ']' : '}';
      const nested = `${open.repeat(depth)}1${close.repeat(depth)}`;
      const where = rng.int(4);
      const victimJson = JSON.stringify(victim).slice(0, -1);
      if (where === 0) {
        content = nested;
        c.expect = { kind: 'invalid' };
      } else if (where === 1) {
        // Cut short: the parser's error must still come out as a message, not a stack overflow.
        content = `{"articles": [${victimJson}, "body": ${nested.slice(0, nested.length / 2)}`;
        c.expect = { kind: 'invalid' };
      } else if (where === 2) {
        content = `[${victimJson}, "unknown": ${nested}}]`;
        c.expect = { kind: 'valid', articles: [articles[target]?.expected as Expected] };
      } else {
        content = `[${victimJson}, "translations": ${nested}}]`;
        c.expect = { kind: 'any' };
      }
      break;
    }
    case 'binary': {
      const bytes = Buffer.from(Array.from({ length: rng.range(1, 2000) }, () => rng.int(256)));
      file = `${folder}/in${rng.pick(['.json', '.ndjson', '.md', '.rss', '.html'])}`;
      content = bytes;
      break;
    }
    case 'mixed': {
      // A good JSON file, a good NDJSON file, and one broken file: only the broken one is named.
      const [a, ...rest] = values;
      c.files.set(`${folder}/good.json`, JSON.stringify({ articles: a ? [a] : [] }));
      c.files.set(`${folder}/good.ndjson`, rest.map((v) => JSON.stringify(v)).join('\n') + '\n');
      file = `${folder}/bad.${rng.pick(['json', 'md', 'rss'])}`;
      content = rng.pick([
        '{"articles": [',
        '---\ntitle: [unclosed\n---\nText',
        '<rss><channel><item>',
        '---js\n{}\n---\n',
      ]);
      // --skip-invalid leaves out a Markdown file with broken front matter; other broken files still fail.
      c.expect = skip && file.endsWith('.md') ? { kind: 'any' } : { kind: 'invalid' };
      break;
    }
    case 'markdown': {
      file = `${folder}/${String(victim.id).replace(/[^\w-]/g, '_') || 'x'}.md`;
      content = rng.pick([
        `---\ntitle: [unclosed\n---\nText.\n`,
        `---js\nmodule.exports = { title: (() => { throw new Error('ran') })() }\n---\nText.\n`,
        `---\ntitle: Ok\ndate: 2024-02-30\n---\nText.\n`,
        `---\ntitle: Ok\n---\n`,
        `---\ntitle: ${'['.repeat(50_000)}\n---\nText.\n`,
        `---\ntitle: &a [*a]\n---\nText.\n`,
        `---\ntitle: Ok\ntags: one\n---\nText.\n`,
        `---\n- a list\n---\nText.\n`,
        `---\ntitle: Ok\n`,
        `---\ntitle: !!js/function 'function () {}'\n---\nText.\n`,
        `---\n${Array.from({ length: 300 }, (_, i) => `k${i}: &a${i} [*a${i > 0 ? i - 1 : 0}, *a${i > 0 ? i - 1 : 0}]`).join('\n')}\n---\nT\n`,
      ]);
      break;
    }
    case 'feed': {
      file = `${folder}/feed.${rng.pick(['rss', 'xml', 'atom'])}`;
      content = rng.pick([
        '<rss version="2.0"><channel><title>x</title></channel></rss>',
        '<rss><channel><item><title>A</title>',
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">]><rss version="2.0"><channel><item><guid>a</guid><title>&lol5;</title><description>x</description></item></channel></rss>',
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><item><guid>a</guid><title>&xxe;</title><description>x</description></item></channel></rss>',
        '<html><body>not a feed</body></html>',
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id></entry></feed>',
        `<rss version="2.0"><channel><item><guid>${'<b>'.repeat(5_000)}</guid></item></channel></rss>`,
        '<rss version="2.0"><channel><item><guid>a</guid><title>A</title><pubDate>yesterday</pubDate><description>x</description></item></channel></rss>',
        '',
      ]);
      break;
    }
    case 'html-page': {
      file = `${folder}/page.html`;
      content = rng.pick([
        '',
        '<html>',
        '<html><head><title></title></head><body></body></html>',
        // Nesting that once kept jsdom and Readability busy for minutes (MAX_PAGE_DEPTH).
        `<html><body>${'<div>'.repeat(20_000)}x</body></html>`,
        `<html><body>${'<div><span>'.repeat(65)}x</body></html>`,
        '<html lang="\u0000"><head><meta property="article:published_time" content="yesterday"><title>T</title></head><body><article><p>Some text of the article, long enough to be read.</p></article></body></html>',
      ]);
      break;
    }
  }
  if (content === null) write();
  c.files.set(file, content ?? '');
  c.args = [...c.files.keys()];
  if (skip) c.args.push('--skip-invalid');
  if (rng.chance(0.5)) c.args.push('--no-index');
  return c;
}

const ARGV_TOKENS = [
  '--out',
  '--out=',
  `--out=${OUT}`,
  '--title',
  '--title=  ',
  '--title=T',
  '--skip-invalid',
  '--no-index',
  '--bogus',
  '-x',
  '--',
  '-',
  '--help',
  '-h',
  'missing.json',
  'notes.txt',
];

function argvCase(rng: Rng, n: number, folder: string): FuzzCase {
  const c = newCase(`argv #${n}`);
  c.files.set(`${folder}/a.json`, JSON.stringify([{ id: 'a', title: 'A', body: ['x'] }]));
  c.files.set(`${folder}/notes.txt`, 'not an input');
  const tokens = [`${folder}/a.json`, `${folder}/notes.txt`, folder, ...ARGV_TOKENS];
  c.args = Array.from({ length: rng.range(0, 5) }, () => rng.pick(tokens));
  // Every run writes to the snapshotted --out (or fails): never to the working folder itself.
  if (!c.args.some((a) => a.startsWith('--out'))) c.args.push('--out', OUT);
  return c;
}

function hostileCases(strings: readonly string[], label: string, rng: Rng): FuzzCase[] {
  return strings.map((s, n) => {
    const c = newCase(`${label} #${n}`);
    const folder = `${label}${n}`;
    const field = rng.pick(['id', 'title', 'category', 'summary', 'tags', 'body', 'date', 'lang', 'url']);
    const value: Record<string, unknown> = { id: `h-${n}`, title: 'Hostile', date: '2024-01-01', body: ['Text.'] };
    value[field] = field === 'tags' || field === 'body' ? [s] : s;
    const shape: JsonShape = rng.pick(['object', 'array', 'ndjson']);
    const { ext, text: content } = serialize(rng, [value, { id: `other-${n}`, title: 'Other', body: ['x'] }], shape);
    c.files.set(`${folder}/hostile${ext}`, content);
    c.args = [...c.files.keys(), '--no-index'];
    // A valid id must come back exactly as written, a title as cleaned text.
    const id = String(value.id);
    const cleanTitle = field === 'title' ? stripControlChars(s).text.trim() : 'Hostile';
    c.expect =
      (field === 'id' || field === 'title') &&
      id.trim() !== '' &&
      stripControlChars(id).text === id &&
      cleanTitle !== ''
        ? { kind: 'valid', articles: [{ id, title: cleanTitle } as Expected] }
        : { kind: 'any' };
    if (c.expect.kind === 'valid') c.expect.articles.push({ id: `other-${n}`, title: 'Other' } as Expected);
    return c;
  });
}

// ---- Running a case and checking what came out ----

interface Outcome {
  code: number;
  stderr: string[];
  stdout: string[];
  ms: number;
}

/** What must hold for every run, whatever the input; returns the problems found. */
function checkOutput(c: FuzzCase, outcome: Outcome): string[] {
  const problems: string[] = [];
  const { code, stderr } = outcome;
  const inputs = [...c.files.keys()];
  const all = [...stderr, ...outcome.stdout].join('\n');
  if (RAW_EXCEPTION.test(all)) problems.push(`a raw exception in the output: ${all.slice(0, 400)}`);
  if (c.args.some((a) => a === '--help' || a === '-h')) return problems;
  if (code === EXIT_USAGE) {
    if (!/^error: .+\n\nUsage: /.test(stderr.join('\n'))) problems.push('exit 2 without a usage message');
    return problems;
  }
  if (code !== EXIT_OK && code !== EXIT_FAILED) problems.push(`exit code ${code}`);
  for (const line of stderr) {
    if (!LINE_PREFIXES.some((p) => line.startsWith(p))) {
      problems.push(`unexpected stderr line: ${line.slice(0, 200)}`);
      continue;
    }
    const issue = /^(?:error|warning|skipped): (.*)$/s.exec(line)?.[1];
    if (issue === undefined) continue;
    // Each issue names where: an input file, a path given on the command line, --out, or the corpus as a whole.
    const namesFile = [...inputs, ...c.args, OUT, '(corpus)'].some(
      (name) =>
        name !== '' &&
        (issue.startsWith(`${name} `) ||
          issue.startsWith(`${name}:`) ||
          issue.startsWith(`${name.replace(/\/$/, '')}/`)),
    );
    if (!namesFile) problems.push(`an issue that names no file: ${line.slice(0, 200)}`);
    if (
      !/: .*(expected|invalid JSON|invalid XML|invalid YAML|control character|surrogate|replaced|dropped|removed)/s.test(
        issue,
      )
    )
      problems.push(`an issue that says not what was expected: ${line.slice(0, 200)}`);
  }
  const errors = stderr.filter((l) => l.startsWith('error: '));
  // Under --skip-invalid an invalid article is named on a `skipped:` line instead.
  const named = stderr.filter((l) => l.startsWith('error: ') || l.startsWith('skipped: '));
  if (code === EXIT_FAILED) {
    if (errors.length === 0) problems.push('exit 1 without an error line');
    if (!stderr.some((l) => l.startsWith('Build failed with '))) problems.push('exit 1 without the summary line');
  }
  if (code === EXIT_OK && errors.length > 0) problems.push(`exit 0 with errors: ${errors.join(' | ')}`);
  const e = c.expect;
  if (e.kind === 'valid' && code !== EXIT_OK)
    problems.push(`expected a build, got exit ${code}: ${errors.join(' | ').slice(0, 600)}`);
  if (e.kind === 'valid' && e.warnField !== undefined) {
    const field = e.warnField;
    if (!stderr.some((l) => l.startsWith('warning: ') && l.includes(` ${field}: `)))
      problems.push(`no warning naming ${field}: ${stderr.join(' | ').slice(0, 400)}`);
  }
  if (e.kind === 'invalid') {
    if (code !== EXIT_FAILED) problems.push(`expected exit 1, got ${code}`);
    else {
      if (e.field !== undefined) {
        const field = e.field;
        const fieldNamed = named.some(
          (l) => l.includes(` ${field}: `) || l.includes(` ${field}[`) || l.includes(` ${field}.`),
        );
        if (!fieldNamed) problems.push(`no error names the field ${field}: ${errors.join(' | ').slice(0, 600)}`);
      }
      if (e.where !== undefined && !named.some((l) => l.includes(e.where as string)))
        problems.push(`no error names ${e.where}: ${errors.join(' | ').slice(0, 600)}`);
      if (e.message !== undefined && !errors.some((l) => (e.message as RegExp).test(l)))
        problems.push(`no error says ${String(e.message)}: ${errors.join(' | ').slice(0, 600)}`);
    }
  }
  return problems;
}

function sameStrings(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}

/** A successful build: the expected articles, in corpus order, linked, counted. */
async function checkCorpus(c: FuzzCase, folder: string): Promise<string[]> {
  const problems: string[] = [];
  const manifest = await readCorpusManifest(folder);
  const articles = await readCorpusArticles(folder);
  if (manifest.count !== articles.length)
    problems.push(`manifest count ${manifest.count}, ${articles.length} articles`);
  articles.forEach((a, i) => {
    if (a.ord !== i) problems.push(`${a.id}: ord ${a.ord} at position ${i}`);
  });
  // Order: dated (ascending) before undated; prev/next follow it within each language.
  const dated = articles.filter((a) => a.date !== null);
  if (articles.slice(0, dated.length).some((a) => a.date === null))
    problems.push('an undated article before a dated one');
  const byLang = new Map<string, Article[]>();
  for (const a of articles) byLang.set(a.lang, [...(byLang.get(a.lang) ?? []), a]);
  for (const chain of byLang.values()) {
    chain.forEach((a, i) => {
      if ((a.prev?.id ?? null) !== (chain[i - 1]?.id ?? null)) problems.push(`${a.id}: prev ${a.prev?.id}`);
      if ((a.next?.id ?? null) !== (chain[i + 1]?.id ?? null)) problems.push(`${a.id}: next ${a.next?.id}`);
    });
  }
  const categories: Record<string, number> = {};
  for (const a of articles) {
    if (a.category !== null)
      categories[a.category] = (Object.hasOwn(categories, a.category) ? (categories[a.category] ?? 0) : 0) + 1;
  }
  const counted = Object.entries(manifest.counts.category).sort();
  if (JSON.stringify(counted) !== JSON.stringify(Object.entries(categories).sort()))
    problems.push(`category counts ${JSON.stringify(counted)}`);
  if (c.expect.kind !== 'valid') return problems;
  const byId = new Map(articles.map((a) => [a.id, a]));
  if (articles.length !== c.expect.articles.length)
    problems.push(`${articles.length} articles built, ${c.expect.articles.length} expected`);
  for (const want of c.expect.articles) {
    const got = byId.get(want.id);
    if (!got) {
      problems.push(`article ${JSON.stringify(want.id)} missing; built ${JSON.stringify([...byId.keys()])}`);
      continue;
    }
    const diff: string[] = [];
    if (got.title !== want.title) diff.push(`title ${JSON.stringify(got.title)} != ${JSON.stringify(want.title)}`);
    if ('date' in want && got.date !== want.date) diff.push(`date ${got.date} != ${want.date}`);
    if ('category' in want && got.category !== want.category) diff.push(`category ${got.category} != ${want.category}`);
    if ('lang' in want && got.lang !== want.lang) diff.push(`lang ${got.lang} != ${want.lang}`);
    if (want.html !== undefined && got.html !== want.html)
      diff.push(`html ${JSON.stringify(got.html)} != ${JSON.stringify(want.html)}`);
    if (want.tags !== undefined && !sameStrings(got.tags, want.tags)) diff.push(`tags ${JSON.stringify(got.tags)}`);
    if (diff.length > 0) problems.push(`${JSON.stringify(want.id)}: ${diff.join('; ')}`);
  }
  return problems;
}

interface FuzzRun {
  cases: number;
  failed: string[];
  built: number;
  refused: number;
  ms: number;
  /** The slowest cases, for the report. */
  slowest: { label: string; ms: number }[];
}

/** Runs cases in-process against a good --out, which must be untouched after every failed build. */
async function fuzz(
  cli: CliSandbox,
  cases: Iterable<FuzzCase>,
  record?: (c: FuzzCase, o: Outcome) => void,
): Promise<FuzzRun> {
  const started = performance.now();
  const out = path.join(cli.dir, OUT);
  const pristine = path.join(cli.dir, '.pristine');
  await putFile(cli.dir, 'seed/good.json', [
    { id: 'seed', title: 'The corpus before', date: '2020-01-01', body: ['Kept.'] },
  ]);
  expect(await cli.run('seed/good.json', '--out', OUT)).toBe(EXIT_OK);
  await cp(out, pristine, { recursive: true });
  const good = await snapshot(out);
  const run: FuzzRun = { cases: 0, failed: [], built: 0, refused: 0, ms: 0, slowest: [] };
  for (const c of cases) {
    run.cases += 1;
    if (TRACE) process.stderr.write(`${c.label}\n`);
    for (const [name, content] of c.files) await putFile(cli.dir, name, content);
    cli.stdout.length = 0;
    cli.stderr.length = 0;
    const t = performance.now();
    let code: number;
    try {
      code = await cli.run(...(c.args.some((a) => a.startsWith('--out')) ? c.args : [...c.args, '--out', OUT]));
    } catch (err) {
      run.failed.push(`${c.label}: main() threw ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      continue;
    }
    const outcome: Outcome = { code, stderr: [...cli.stderr], stdout: [...cli.stdout], ms: performance.now() - t };
    record?.(c, outcome);
    run.slowest = [...run.slowest, { label: c.label, ms: outcome.ms }]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, SLOWEST_LISTED);
    const problems = checkOutput(c, outcome);
    const leftovers = (await readdir(cli.dir)).filter((n) => n.startsWith(`.${OUT}.`));
    if (leftovers.length > 0) problems.push(`temporary folders left behind: ${leftovers.join(', ')}`);
    // Help is what was printed, not what the arguments hold: in `--title -h`, -h is a title.
    const printedHelp = outcome.stdout.some((line) => line.includes('Usage:'));
    if (code === EXIT_OK && !printedHelp) {
      run.built += 1;
      try {
        problems.push(...(await checkCorpus(c, out)));
      } catch (err) {
        problems.push(`the built corpus does not read back: ${String(err)}`);
      }
      await rm(out, { recursive: true, force: true });
      await cp(pristine, out, { recursive: true });
    } else {
      run.refused += 1;
      const after = existsSync(out) ? await snapshot(out) : {};
      if (JSON.stringify(after) !== JSON.stringify(good)) {
        problems.push('--out changed by a failed build');
        // Put it back, so one failure is reported once and not again by every later case.
        await rm(out, { recursive: true, force: true });
        await cp(pristine, out, { recursive: true });
      }
    }
    if (problems.length > 0)
      run.failed.push(`${c.label} (args ${JSON.stringify(c.args).slice(0, 200)}): ${problems.join('\n    ')}`);
    const folder = c.files.keys().next().value?.split('/')[0];
    if (folder !== undefined) await rm(path.join(cli.dir, folder), { recursive: true, force: true });
  }
  run.ms = performance.now() - started;
  return run;
}

function* generate(
  count: number,
  make: (rng: Rng, n: number, folder: string) => FuzzCase,
  seed: number,
): Generator<FuzzCase> {
  const rng = new Rng(seed);
  for (let n = 0; n < count; n += 1) yield make(rng, n, `c${n}`);
}

function report(name: string, run: FuzzRun): void {
  console.log(
    `${name}: ${run.cases} cases (${run.built} built, ${run.refused} refused) in ${(run.ms / 1000).toFixed(1)} s, seed ${SEED}; slowest: ${run.slowest.map((s) => `${s.label} ${Math.round(s.ms)} ms`).join(', ')}`,
  );
}

function readHostile(file: string, key: string): string[] {
  const data: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const list = isRecord(data) ? data[key] : undefined;
  if (!isStringArray(list)) throw new Error(`${file}: expected a "${key}" array of strings`);
  return list;
}

describe(`corpus builder fuzz (seed ${SEED})`, () => {
  const cli = useCliSandbox('folio-fuzz-');

  it(
    `${VALID_CASES} generated valid corpora build and round-trip (JSON, arrays, NDJSON, BOMs, CRLF, several files, tricky ids)`,
    { timeout: FUZZ_TIMEOUT_MS },
    async () => {
      const run = await fuzz(cli, generate(VALID_CASES, validCase, SEED));
      report('valid', run);
      expect(run.failed).toEqual([]);
      expect(run.built).toBe(VALID_CASES);
    },
  );

  it(
    `${MALFORMED_CASES} malformed inputs fail with errors naming file, article and field, and leave --out untouched`,
    { timeout: FUZZ_TIMEOUT_MS },
    async () => {
      const run = await fuzz(cli, generate(MALFORMED_CASES, malformedCase, SEED + 1));
      report('malformed', run);
      expect(run.failed).toEqual([]);
      expect(run.refused).toBeGreaterThan(MALFORMED_CASES / 2);
    },
  );

  it(
    `${ARGV_CASES} generated command lines exit 0, 1 or 2 with a message, never touching --out on failure`,
    { timeout: FUZZ_TIMEOUT_MS },
    async () => {
      const run = await fuzz(cli, generate(ARGV_CASES, argvCase, SEED + 2));
      report('argv', run);
      expect(run.failed).toEqual([]);
    },
  );

  it.runIf(HOSTILE_AVAILABLE)(
    `hostile strings (${SHARED}/hostile) in every field: clean errors or a build where ids and titles round-trip`,
    { timeout: FUZZ_TIMEOUT_MS },
    async () => {
      const rng = new Rng(SEED + 3);
      const naughty = readHostile(NAUGHTY, 'strings').slice(0, NAUGHTY_CASES_MAX);
      const vectors = readHostile(XSS, 'vectors');
      const xss = Array.from({ length: XSS_CASES }, () => rng.pick(vectors));
      const run = await fuzz(cli, [...hostileCases(naughty, 'naughty', rng), ...hostileCases(xss, 'xss', rng)]);
      report('hostile', run);
      expect(run.failed).toEqual([]);
    },
  );
  it.skipIf(HOSTILE_AVAILABLE)(
    `hostile strings: SKIPPED, ${NAUGHTY} and ${XSS} not found (set FOLIO_SHARED_CORPUS to the shared corpus folder)`,
    () => {},
  );

  it(
    `a sample of ${PROCESS_SAMPLE} cases through the real CLI process: same exit code and errors as in-process`,
    // Each case starts Node and tsx: seconds on a quiet machine, minutes on a loaded one.
    { timeout: 2 * FUZZ_TIMEOUT_MS },
    async () => {
      const rng = new Rng(SEED + 4);
      const sample: FuzzCase[] = [];
      for (let n = 0; sample.length < PROCESS_SAMPLE; n += 1) {
        const c = n % 3 === 0 ? validCase(rng, n, `p${n}`) : malformedCase(rng, n, `p${n}`);
        // Huge and deep inputs are the in-process suite's job; here what matters is the process boundary.
        if (!/huge|deep|html-page|markdown|feed/.test(c.label)) sample.push(c);
      }
      const inProcess = new Map<string, Outcome>();
      const run = await fuzz(cli, sample, (c, o) => inProcess.set(c.label, o));
      expect(run.failed).toEqual([]);
      const started = performance.now();
      const problems: string[] = [];
      const queue = [...sample];
      const worker = async (): Promise<void> => {
        for (let c = queue.shift(); c !== undefined; c = queue.shift()) {
          for (const [name, content] of c.files) await putFile(cli.dir, name, content);
          const out = `proc-out-${c.label.replace(/\W+/g, '-')}`;
          const args = c.args.map((a) => (a === OUT ? out : a));
          if (!args.includes(out)) args.push('--out', out);
          await cp(path.join(cli.dir, '.pristine'), path.join(cli.dir, out), { recursive: true });
          const before = await snapshot(path.join(cli.dir, out));
          const result = await runCliProcess(cli.dir, args);
          const want = inProcess.get(c.label);
          // Compared line by line, trimmed: in-process output arrives in pieces, the process's as one text.
          const errorLines = (text: string): string[] =>
            text
              .split('\n')
              .map((l) => l.trimEnd())
              .filter((l) => l.startsWith('error: '));
          const errors = errorLines(result.stderr);
          const wantErrors = errorLines((want?.stderr ?? []).join('\n'));
          if (result.code !== want?.code)
            problems.push(`${c.label}: exit ${result.code}, in-process ${want?.code}: ${result.stderr.slice(0, 400)}`);
          if (
            JSON.stringify(errors) !==
            JSON.stringify(wantErrors.map((l) => l.replace(new RegExp(`(?<![\\w.-])${OUT}(?![\\w.-])`, 'g'), out)))
          )
            problems.push(`${c.label}: errors differ: ${errors.join(' | ')} vs ${wantErrors.join(' | ')}`);
          if (/\n\s+at /.test(result.stderr)) problems.push(`${c.label}: a stack trace`);
          if (
            result.code !== EXIT_OK &&
            JSON.stringify(await snapshot(path.join(cli.dir, out))) !== JSON.stringify(before)
          )
            problems.push(`${c.label}: --out changed by a failed build`);
        }
      };
      await Promise.all(Array.from({ length: PROCESS_CONCURRENCY }, worker));
      console.log(`process sample: ${sample.length} cases in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      expect(problems).toEqual([]);
    },
  );
});
