/**
 * A saved article page of a news site (.html, .htm) is one article. Readability (on jsdom,
 * scripts never run) extracts the article text; the page's own metadata gives the rest:
 *
 *   id        the file name without its extension
 *   title     og:title, else the article's <h1>, else Readability's title (from <title>)
 *   date      meta article:published_time, else JSON-LD datePublished, else <time datetime>
 *   category  meta article:section; tags: meta article:tag
 *   summary   meta description / og:description
 *   url       link rel=canonical, else og:url (http(s) only)
 *   lang      <html lang>, else og:locale
 *
 * Images saved beside the page (`storm_files/photo.jpg`) stay local and are copied into the
 * corpus; other relative links resolve against the page's canonical URL. The page's own
 * previous/next links (link or a with rel=prev / rel=next) are kept in `page` for checking
 * against the corpus order (see run-build.ts); they never override it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Readability } from '@mozilla/readability';
import { normalizeDate } from '../corpus/order.ts';
import { isArray, isRecord, isString, type ParseProblem } from '../corpus/validate.ts';
import { idFromFileName } from './derive-id.ts';
import { jsdom } from './lazy-jsdom.ts';
import { lostArticle, siteLang, type ParsedFile } from './parsed-file.ts';

export const HTML_PAGE_EXTENSIONS = ['.html', '.htm'];

/** A saved page past this size is not an article page (jsdom would take seconds and hundreds of MB). */
export const MAX_PAGE_CHARS = 10_000_000;
/**
 * Deepest element nesting read: Readability slows down steeply past a few hundred levels (found
 * by fuzzing: 500 nested <div> took 99 s), and real article pages stay far below this.
 */
export const MAX_PAGE_DEPTH = 128;
/**
 * jsdom itself slows down steeply on deep nesting (20,000 nested <div> ran for minutes), so the
 * tags are counted in the text first; the count can overshoot on sloppy markup, hence the margin.
 */
const TEXT_DEPTH_MARGIN = 4;
const TAG = /<(\/?)([a-z][^\s/>]*)[^>]*?(\/?)>/gi;
// Script, style and comment text may hold tag-like strings; they are not elements.
const NOT_MARKUP = /<script\b[\s\S]*?<\/script\s*>|<style\b[\s\S]*?<\/style\s*>|<!--[\s\S]*?-->/gi;
/** Void elements, and elements whose end tag is optional: they never nest by being left open. */
const NEVER_NESTED = new Set(
  (
    'area base br col embed hr img input link meta param source track wbr ' +
    'p li dt dd option optgroup tr td th tbody thead tfoot colgroup caption rb rt rp rtc html head body'
  ).split(' '),
);
const HTTP_URL = /^https?:\/\//i;
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const FILE_PROTOCOL = 'file:';
const OG_LOCALE = /^([a-z]{2,3})(?:_([a-z]{2}))?$/i;
/** How deep JSON-LD is searched for datePublished (@graph nests objects a few levels). */
const MAX_JSON_LD_DEPTH = 8;

function metaContent(document: Document, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const meta = document.querySelector(`meta[property="${key}"], meta[name="${key}"], meta[itemprop="${key}"]`);
    const value = meta?.getAttribute('content')?.trim();
    if (value) return value;
  }
  return undefined;
}

function metaContents(document: Document, key: string): string[] {
  return [...document.querySelectorAll(`meta[property="${key}"], meta[name="${key}"]`)]
    .map((m) => m.getAttribute('content')?.trim() ?? '')
    .filter((v) => v !== '');
}

function findDatePublished(value: unknown, depth: number): string | undefined {
  if (depth > MAX_JSON_LD_DEPTH) return undefined;
  if (isArray(value)) {
    for (const item of value) {
      const found = findDatePublished(item, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  if (isString(value.datePublished) && value.datePublished.trim() !== '') return value.datePublished.trim();
  return findDatePublished(value['@graph'], depth + 1);
}

function jsonLdDate(document: Document): string | undefined {
  for (const script of document.querySelectorAll('script[type="application/ld+json"]')) {
    try {
      const found = findDatePublished(JSON.parse(script.textContent ?? ''), 0);
      if (found !== undefined) return found;
    } catch {
      // Broken JSON-LD is common on real sites; the other date sources still count.
    }
  }
  return undefined;
}

function timeDate(document: Document): string | undefined {
  const scope = document.querySelector('article') ?? document;
  const time = scope.querySelector('time[datetime]') ?? document.querySelector('time[datetime]');
  return time?.getAttribute('datetime')?.trim() || undefined;
}

/** The first date that reads as ISO 8601; else the first one found, so validation names it. */
function pageDate(document: Document): string | null {
  const found = [
    metaContent(document, 'article:published_time', 'datePublished'),
    jsonLdDate(document),
    timeDate(document),
  ].filter(isString);
  return found.find((d) => normalizeDate(d) !== null) ?? found[0] ?? null;
}

function pageTitle(document: Document): string | undefined {
  const og = metaContent(document, 'og:title');
  if (og) return og;
  const inArticle = document.querySelector('article h1');
  const h1s = document.querySelectorAll('h1');
  const heading = inArticle ?? (h1s.length === 1 ? h1s[0] : null);
  return heading?.textContent?.trim() || undefined;
}

function pageLang(document: Document): string | undefined {
  const lang = document.documentElement.getAttribute('lang')?.trim();
  if (lang) return lang;
  const locale = OG_LOCALE.exec(metaContent(document, 'og:locale') ?? '');
  if (!locale) return undefined;
  return locale[2] === undefined ? locale[1] : `${locale[1]}-${locale[2]}`;
}

/** The page's address on its site: canonical link, else og:url; only http(s). */
function siteUrl(document: Document): string | undefined {
  const canonical = document.querySelector('link[rel~="canonical" i]')?.getAttribute('href')?.trim();
  return [canonical, metaContent(document, 'og:url')].find((u): u is string => u !== undefined && HTTP_URL.test(u));
}

function withoutHash(url: string): string {
  const hash = url.indexOf('#');
  return hash === -1 ? url : url.slice(0, hash);
}

/** Absolute candidates for an href: against the site URL and against the file itself. */
function resolveCandidates(href: string, bases: readonly string[]): string[] {
  const out = new Set<string>();
  for (const base of bases) {
    try {
      out.add(withoutHash(new URL(href, base).href));
    } catch {
      // An href that is not a URL names no page.
    }
  }
  return [...out];
}

function relHrefs(document: Document, rels: readonly string[]): string[] {
  const selector = rels.flatMap((rel) => [`link[rel~="${rel}" i]`, `a[rel~="${rel}" i]`]).join(', ');
  return [...document.querySelectorAll(selector)]
    .map((el) => el.getAttribute('href')?.trim() ?? '')
    .filter((href) => href !== '');
}

/** Points the page's relative <img> at saved local files, as file: URLs that survive a <base> change. */
function pinLocalImages(document: Document, fileUrl: string): void {
  for (const img of document.querySelectorAll('img[src]')) {
    const src = img.getAttribute('src')?.trim() ?? '';
    if (src === '' || HAS_SCHEME.test(src) || src.startsWith('//')) continue;
    let local: URL;
    try {
      local = new URL(src, fileUrl);
    } catch {
      continue;
    }
    if (existsSync(fileURLToPath(local))) img.setAttribute('src', local.href);
  }
}

/** After Readability: local file: images become paths relative to the page; file: links lose their href. */
function unpinLocalUrls(root: Element, pageFolder: string): void {
  for (const img of root.querySelectorAll('img[src]')) {
    const src = img.getAttribute('src') ?? '';
    if (!src.startsWith(FILE_PROTOCOL)) continue;
    const relative = path.relative(pageFolder, fileURLToPath(src)).split(path.sep).join('/');
    img.setAttribute('src', relative);
  }
  for (const link of root.querySelectorAll('a[href^="file:" i]')) link.removeAttribute('href');
}

/** The deepest nesting the page's tags ask for, counted in the text without parsing it. */
function tagNestingEstimate(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (const [, closing, name = '', selfClosing] of text.replace(NOT_MARKUP, '').matchAll(TAG)) {
    if (NEVER_NESTED.has(name.toLowerCase()) || selfClosing === '/') continue;
    depth = closing === '/' ? Math.max(0, depth - 1) : depth + 1;
    deepest = Math.max(deepest, depth);
  }
  return deepest;
}

/** How deep elements nest under `root` (root itself is 1), walked without recursion. */
function nestingDepth(root: Element): number {
  let deepest = 0;
  const stack: { element: Element; depth: number }[] = [{ element: root, depth: 1 }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    deepest = Math.max(deepest, top.depth);
    for (const child of top.element.children) stack.push({ element: child, depth: top.depth + 1 });
  }
  return deepest;
}

/** Parses a saved article page into a one-article input plus its own prev/next links. */
export function parseHtmlPage(name: string, text: string, absolutePath: string): ParsedFile {
  if (text.length > MAX_PAGE_CHARS) {
    return lostArticle(name, `expected a saved article page under ${MAX_PAGE_CHARS} characters, got ${text.length}`);
  }
  const estimate = tagNestingEstimate(text);
  if (estimate > MAX_PAGE_DEPTH * TEXT_DEPTH_MARGIN) {
    return lostArticle(
      name,
      `expected a saved article page nested at most ${MAX_PAGE_DEPTH} elements deep, got ${estimate}`,
    );
  }
  const fileUrl = pathToFileURL(absolutePath).href;
  const { window } = new (jsdom().JSDOM)(text, { url: fileUrl });
  try {
    const { document } = window;
    const depth = nestingDepth(document.documentElement);
    if (depth > MAX_PAGE_DEPTH) {
      return lostArticle(
        name,
        `expected a saved article page nested at most ${MAX_PAGE_DEPTH} elements deep, got ${depth}`,
      );
    }
    const site = siteUrl(document);
    const article: Record<string, unknown> = { id: idFromFileName(name) };
    const title = pageTitle(document);
    article.date = pageDate(document);
    article.category = metaContent(document, 'article:section') ?? null;
    const tags = metaContents(document, 'article:tag');
    if (tags.length > 0) article.tags = tags;
    const summary = metaContent(document, 'description', 'og:description');
    if (summary !== undefined) article.summary = summary;
    if (site !== undefined) article.url = site;
    const problems: ParseProblem[] = [];
    const written = pageLang(document);
    if (written !== undefined) {
      const { lang, warning } = siteLang(written, 'the page (<html lang>)');
      if (lang !== undefined) article.lang = lang;
      if (warning !== undefined) problems.push({ severity: 'warning', field: 'lang', message: warning });
    }
    const bases = site === undefined ? [fileUrl] : [site, fileUrl];
    const page = {
      self: [...new Set([fileUrl, ...(site === undefined ? [] : [withoutHash(site)])])],
      prev: relHrefs(document, ['prev', 'previous']).flatMap((href) => resolveCandidates(href, bases)),
      next: relHrefs(document, ['next']).flatMap((href) => resolveCandidates(href, bases)),
    };

    pinLocalImages(document, fileUrl);
    // Other relative URLs then resolve against the live site, as they did when the page was saved.
    if (site !== undefined && !document.querySelector('base[href]')) {
      const base = document.createElement('base');
      base.setAttribute('href', site);
      document.head.prepend(base);
    }
    const parsed = new Readability(document, { serializer: (el: Node) => el }).parse();
    const content = parsed?.content;
    if (!content || !(content instanceof window.Element)) {
      return lostArticle(name, 'expected an article page, got a page where Readability found no article text');
    }
    unpinLocalUrls(content, path.dirname(absolutePath));
    // Readability wraps the text in <div id="readability-page-1" class="page">: not the article's markup.
    const wrapper = content.querySelector(':scope > div.page');
    article.title = title ?? parsed.title?.trim() ?? '';
    article.body = (content.children.length === 1 && wrapper ? wrapper : content).innerHTML;
    return {
      input: { file: name, articles: [article], unit: null, sources: [{ problems }] },
      errors: [],
      badLines: [],
      page,
    };
  } finally {
    window.close();
  }
}
