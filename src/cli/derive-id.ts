/**
 * Ids for articles whose input carries none (Markdown files, saved pages, feed items without
 * guid/id): derived only from the file name or the article's URL, so the same input always
 * gives the same id and rebuilding never breaks links to `#/article/<id>`.
 */
import path from 'node:path';

/** Long enough for any real slug; keeps ids (and URLs) of pathological names bounded. */
const MAX_SLUG_CHARS = 80;
const NOT_SLUG = /[^\p{L}\p{N}]+/gu;
const EDGE_DASHES = /^-+|-+$/g;
// Index pages say nothing: `/storm/index.html` is the `storm` article.
const INDEX_NAMES = new Set(['index', 'default']);

/** `Storm Hits: Coast!` → `storm-hits-coast`; letters of every script are kept. */
export function slugify(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(NOT_SLUG, '-')
    .replace(EDGE_DASHES, '')
    .slice(0, MAX_SLUG_CHARS)
    .replace(EDGE_DASHES, '');
}

/** The id of a one-article file: its name without the extension (`notes/storm.md` → `storm`). */
export function idFromFileName(file: string): string {
  return path.basename(file, path.extname(file));
}

/**
 * A slug of an http(s) URL's path without its extension (`https://x.org/world/2024/storm.html`
 * → `world-2024-storm`), or of its host for a bare domain; null for anything else.
 */
export function idFromUrl(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  const segments = decodeURIComponent(parsed.pathname)
    .split('/')
    .filter((segment) => segment !== '');
  const last = segments.pop();
  if (last !== undefined) {
    const stem = last.slice(0, last.length - path.extname(last).length) || last;
    if (!INDEX_NAMES.has(stem.toLowerCase())) segments.push(stem);
  }
  const slug = slugify(segments.join('-'));
  return slug === '' ? slugify(parsed.hostname) || null : slug;
}
