/**
 * The hostile e2e corpus: the shared hostile lists (Big List of Naughty Strings, payloadbox XSS
 * payloads) as titles, categories, summaries, paragraphs and HTML bodies, plus a few hostile ids.
 * Read from the shared corpus folder at run time, never copied into the repo (MIT, see its README).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_CORPUS } from './paths.ts';

export const HOSTILE_DIR = join(SHARED_CORPUS, 'hostile');
export const NAUGHTY_FILE = join(HOSTILE_DIR, 'naughty-strings.json');
export const XSS_FILE = join(HOSTILE_DIR, 'xss-vectors.json');
/** Categories: this many payloads, so every list and category page holds many of them. */
const CATEGORY_COUNT = 24;
const FIRST_YEAR = 1990;
const YEARS = 36;
const MONTHS = 12;
/** Articles with a payload as their id (the rest have safe ids, so the builder keeps them all). */
const HOSTILE_ID_COUNT = 40;

/** A third party the payloads try to reach: no request may ever go there. */
export const EVIL_ORIGIN = 'https://evil.example';

/**
 * Payloads of our own that set the `window.__pwned` canary (tests/e2e/security-helpers.ts) or call home,
 * should they ever run or load: scripts, handlers, javascript: URLs, mXSS, srcdoc, refresh, base, imports.
 */
export const CANARY_PAYLOADS = [
  `<script>window.__pwned='script'</script>`,
  `<img src=x onerror="window.__pwned='img'">`,
  `"><img src=x onerror=window.__pwned='attribute'>`,
  `<svg onload="window.__pwned='svg'"><circle r=1 /></svg>`,
  `<a href="javascript:window.__pwned='link'">a javascript: link</a>`,
  `<iframe srcdoc="<script>parent.__pwned='srcdoc'</script>"></iframe>`,
  `<details open ontoggle="window.__pwned='details'">x</details>`,
  `<math><mtext><table><mglyph><style><img src=x onerror="window.__pwned='mxss'"></style></mglyph></table></mtext></math>`,
  `<form><button formaction="javascript:window.__pwned='form'">send</button></form>`,
  `<object data="javascript:window.__pwned='object'"></object>`,
  `<meta http-equiv="refresh" content="0;url=javascript:window.__pwned='refresh'">`,
  `<base href="${EVIL_ORIGIN}/">`,
  `<img src="${EVIL_ORIGIN}/pixel.gif" alt="tracking pixel">`,
  `<link rel="stylesheet" href="${EVIL_ORIGIN}/x.css"><style>@import '${EVIL_ORIGIN}/y.css'; body{background:url(${EVIL_ORIGIN}/z.png)}</style>`,
  `<video src="${EVIL_ORIGIN}/v.mp4" poster="${EVIL_ORIGIN}/p.png"></video><audio src="${EVIL_ORIGIN}/a.mp3"></audio>`,
  `{{constructor.constructor('window.__pwned="template"')()}}`,
  `\u003cscript\u003ewindow.__pwned='escaped'\u003c/script\u003e`,
];

export function hostileListsPresent(): boolean {
  return existsSync(NAUGHTY_FILE) && existsSync(XSS_FILE);
}

export const HOSTILE_SKIP_MESSAGE = `the hostile lists are absent (${NAUGHTY_FILE}, ${XSS_FILE}); set FOLIO_SHARED_CORPUS to the shared corpus folder`;

function readStrings(file: string, key: string): string[] {
  const data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const list = data[key];
  if (!Array.isArray(list) || !list.every((s) => typeof s === 'string')) throw new Error(`${file}: no "${key}" list`);
  return list as string[];
}

export function naughtyStrings(): string[] {
  return readStrings(NAUGHTY_FILE, 'strings');
}

export function xssVectors(): string[] {
  return readStrings(XSS_FILE, 'vectors');
}

function date(i: number): string | null {
  if (i % 17 === 0) return null;
  const year = FIRST_YEAR + (i % YEARS);
  const month = String(1 + (i % MONTHS)).padStart(2, '0');
  const day = String(1 + (i % 28)).padStart(2, '0');
  return `${year}-${month}-${day}`;
}

/** Every payload in a title, a category, a paragraph and (every other one) a raw HTML body. */
export function hostileArticles(): Record<string, unknown>[] {
  const naughty = naughtyStrings();
  const vectors = xssVectors();
  // Spread over each list, so categories hold markup, quotes, RTL text, emoji and payloads alike.
  const spread = (list: string[]): string[] => {
    const usable = list.filter((s) => s.trim() !== '');
    const step = Math.floor(usable.length / (CATEGORY_COUNT / 2));
    return usable.filter((_, i) => i % step === 0).slice(0, CATEGORY_COUNT / 2);
  };
  const categories = [...spread(vectors), ...spread(naughty)];
  const articles: Record<string, unknown>[] = [];
  const add = (kind: string, i: number, text: string, n: number): void => {
    const html = n % 2 === 1;
    articles.push({
      id: n < HOSTILE_ID_COUNT && text.trim() !== '' ? `${kind}${i}-${text}` : `${kind}-${i}`,
      title: `${kind}${i} ${text}`,
      date: date(n),
      category: categories[n % categories.length] ?? null,
      lang: 'en',
      summary: text.trim() === '' ? undefined : text,
      tags: [text.slice(0, 64)].filter((t) => t.trim() !== ''),
      body: html ? `<p>${kind}${i} html body</p>${text}<p>${text}</p>` : [`${kind}${i} paragraph`, text || '(empty)'],
    });
  };
  // The canaries are the newest articles, so the home page lists them first.
  CANARY_PAYLOADS.forEach((text, i) => {
    add('canary', i, text, articles.length * 2 + 1);
    const article = articles[articles.length - 1];
    if (article) article.date = `2026-01-${String(i + 1).padStart(2, '0')}`;
  });
  naughty.forEach((text, i) => add('naughty', i, text, articles.length));
  vectors.forEach((text, i) => add('xss', i, text, articles.length));
  return articles;
}
