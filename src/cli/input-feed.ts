/**
 * RSS 2.0 and Atom feeds (.xml, .rss, .atom; told apart by their root element), parsed with
 * fast-xml-parser. Each <item> / <entry> becomes an article:
 *
 *   id        guid / id as written; else a slug of the link's path; else of the title
 *   title     title (Atom type="html"/"xhtml" titles are reduced to their text)
 *   date      pubDate (RFC 822) or dc:date / published, else updated; normalized to ISO 8601
 *   category  the first category (RSS text, Atom term); the others become tags
 *   body      content:encoded, else description (RSS); content, else summary (Atom): HTML,
 *             or paragraphs for Atom type="text"; sanitized later like any HTML body
 *   summary   the text of description / summary when the body came from the full content
 *   url       link (RSS text, Atom rel="alternate" href)
 *   lang      the item's xml:lang or dc:language, else the channel's / feed's (the file default)
 *   images    RSS <enclosure> elements with an image/* type
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import {
  isArray,
  isRecord,
  isString,
  MAX_TEXT_CHARS,
  type ArticleSource,
  type CorpusIssue,
} from '../corpus/validate.ts';
import { normalizeDate } from '../corpus/order.ts';
import type { ArticleImage } from '../corpus/types.ts';
import { idFromFileName, idFromUrl, slugify } from './derive-id.ts';
import { htmlToText } from './lazy-jsdom.ts';
import { failedFile, fileIssue, lineLocator, siteLang, type ParsedFile } from './parsed-file.ts';

export const FEED_EXTENSIONS = ['.xml', '.rss', '.atom'];

const NS_ATOM = 'http://www.w3.org/2005/Atom';
const NS_CONTENT = 'http://purl.org/rss/1.0/modules/content/';
const NS_DC = 'http://purl.org/dc/elements/1.1/';
const NS_XML = 'http://www.w3.org/XML/1998/namespace';
const TEXT_KEY = '#text';
const ATTRIBUTES_KEY = ':@';
const IMAGE_TYPE = /^image\//i;
const PARAGRAPH_BREAK = /\n\s*\n/;
// Elements that never have content, so the HTML parser must not see `</br>` (it would read a second <br>).
const VOID_ELEMENTS = new Set(['area', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'wbr']);

/** One element, namespaces resolved; built once from fast-xml-parser's ordered output. */
interface XmlElement {
  /** As written, prefix included. */
  name: string;
  local: string;
  ns: string | undefined;
  attrs: Record<string, string>;
  children: (XmlElement | string)[];
  /** Offset of the start tag in the file, when the parser reported one. */
  start: number | undefined;
}

// processEntities keeps fast-xml-parser's limits on DOCTYPE entities (no external ones, bounded expansion).
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  // Whitespace between inline elements of XHTML content is text; fields are trimmed here instead.
  trimValues: false,
  captureMetaData: true,
  processEntities: true,
  htmlEntities: false,
});
const META = XMLParser.getMetaDataSymbol();

function startOf(node: Record<string, unknown>): number | undefined {
  // The metadata lives under a symbol key that fast-xml-parser's types do not declare.
  const meta: unknown = (node as Record<symbol, unknown>)[META as symbol];
  return isRecord(meta) && typeof meta.startIndex === 'number' ? meta.startIndex : undefined;
}

function splitName(name: string): { prefix: string | undefined; local: string } {
  const colon = name.indexOf(':');
  return colon === -1
    ? { prefix: undefined, local: name }
    : { prefix: name.slice(0, colon), local: name.slice(colon + 1) };
}

/** fast-xml-parser's `[{tag: [...children], ':@': {...attrs}}, {'#text': '...'}]` → XmlElements. */
function toElements(nodes: unknown, scope: ReadonlyMap<string, string>): (XmlElement | string)[] {
  if (!isArray(nodes)) return [];
  const out: (XmlElement | string)[] = [];
  for (const node of nodes) {
    if (!isRecord(node)) continue;
    const text = node[TEXT_KEY];
    if (text !== undefined) {
      out.push(String(text));
      continue;
    }
    const name = Object.keys(node).find((key) => key !== ATTRIBUTES_KEY);
    // `?xml` declarations and processing instructions are not content.
    if (name === undefined || name.startsWith('?')) continue;
    const rawAttrs = node[ATTRIBUTES_KEY];
    const attrs: Record<string, string> = {};
    if (isRecord(rawAttrs)) for (const [key, value] of Object.entries(rawAttrs)) attrs[key] = String(value);
    let declared: Map<string, string> | undefined;
    for (const [key, value] of Object.entries(attrs)) {
      if (key !== 'xmlns' && !key.startsWith('xmlns:')) continue;
      declared ??= new Map(scope);
      declared.set(key === 'xmlns' ? '' : key.slice('xmlns:'.length), value);
    }
    const inner = declared ?? scope;
    const { prefix, local } = splitName(name);
    out.push({
      name,
      local,
      ns: prefix === 'xml' ? NS_XML : inner.get(prefix ?? ''),
      attrs,
      children: toElements(node[name], inner),
      start: startOf(node),
    });
  }
  return out;
}

function elementsOf(el: XmlElement): XmlElement[] {
  return el.children.filter((c): c is XmlElement => !isString(c));
}

/** Children named `local` in namespace `ns` (undefined: no namespace, as in RSS 2.0). */
function childrenNamed(el: XmlElement, ns: string | undefined, local: string): XmlElement[] {
  return elementsOf(el).filter((c) => c.local === local && c.ns === ns);
}

function child(el: XmlElement, ns: string | undefined, local: string): XmlElement | undefined {
  return childrenNamed(el, ns, local)[0];
}

function textOf(el: XmlElement | undefined): string {
  if (!el) return '';
  return el.children.map((c) => (isString(c) ? c : textOf(c))).join('');
}

function escapeXmlText(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Serializes XHTML content for the HTML parser: namespace prefixes dropped, void elements unclosed. */
function serializeHtml(nodes: readonly (XmlElement | string)[]): string {
  return nodes
    .map((node) => {
      if (isString(node)) return escapeXmlText(node);
      const attrs = Object.entries(node.attrs)
        .filter(([key]) => key !== 'xmlns' && !key.startsWith('xmlns:'))
        .map(([key, value]) => ` ${key}="${escapeXmlText(value).replaceAll('"', '&quot;')}"`)
        .join('');
      const open = `<${node.local}${attrs}>`;
      return VOID_ELEMENTS.has(node.local) ? open : `${open}${serializeHtml(node.children)}</${node.local}>`;
    })
    .join('');
}

type AtomTextType = 'text' | 'html' | 'xhtml';

function atomType(el: XmlElement): AtomTextType {
  const type = (el.attrs.type ?? 'text').toLowerCase();
  if (type === 'html' || type === 'text/html') return 'html';
  if (type === 'xhtml' || type === 'application/xhtml+xml') return 'xhtml';
  return 'text';
}

/** The inner markup of an Atom type="xhtml" construct (its one wrapping <div> removed). */
function xhtmlInner(el: XmlElement): string {
  const elements = elementsOf(el);
  const [div] = elements;
  const wrapped = elements.length === 1 && div?.local === 'div';
  return serializeHtml(wrapped ? div.children : el.children);
}

/** An Atom text construct as plain text. */
function atomText(el: XmlElement | undefined): string {
  if (!el) return '';
  const type = atomType(el);
  if (type === 'text') return textOf(el);
  return htmlToText(type === 'html' ? textOf(el) : xhtmlInner(el));
}

/** An Atom text construct as a body: HTML, or paragraphs for plain text. */
function atomBody(el: XmlElement): string | string[] {
  const type = atomType(el);
  if (type === 'html') return textOf(el);
  if (type === 'xhtml') return xhtmlInner(el);
  return textOf(el)
    .split(PARAGRAPH_BREAK)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

const RFC822 =
  /^(?:[a-z]{3,9},\s*)?(\d{1,2})\s+([a-z]{3,9})\.?\s+(\d{2}|\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([+-]\d{4}|[a-z]{1,5}))?)?$/i;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_PREFIX_CHARS = 3;
/** RFC 822 zone names; military single letters are left out (RFC 2822 says they are unreliable). */
const ZONE_OFFSETS: Record<string, string> = {
  ut: '+00:00',
  utc: '+00:00',
  gmt: '+00:00',
  z: '+00:00',
  est: '-05:00',
  edt: '-04:00',
  cst: '-06:00',
  cdt: '-05:00',
  mst: '-07:00',
  mdt: '-06:00',
  pst: '-08:00',
  pdt: '-07:00',
};
/** RFC 2822 §4.3: a two-digit year below 50 is 20xx, otherwise 19xx. */
const TWO_DIGIT_YEAR_PIVOT = 50;
const OFFSET_DIGITS = /^([+-]\d{2})(\d{2})$/;

/** An RFC 822 date (`Tue, 05 Mar 2024 10:00:00 GMT`) as ISO 8601, or null when it is not one. */
export function rfc822ToIso(value: string): string | null {
  const match = RFC822.exec(value.trim());
  if (!match) return null;
  const [, day = '', monthName = '', yearText = '', hour, minute, second, zone] = match;
  const month = MONTHS.indexOf(monthName.slice(0, MONTH_PREFIX_CHARS).toLowerCase()) + 1;
  if (month === 0) return null;
  let year = Number(yearText);
  if (yearText.length === 2) year += year < TWO_DIGIT_YEAR_PIVOT ? 2000 : 1900;
  const date = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${day.padStart(2, '0')}`;
  if (hour === undefined) return date;
  let offset = '+00:00';
  if (zone !== undefined) {
    const digits = OFFSET_DIGITS.exec(zone);
    const named = ZONE_OFFSETS[zone.toLowerCase()];
    if (digits) offset = `${digits[1]}:${digits[2]}`;
    else if (named !== undefined) offset = named;
    else return null;
  }
  return `${date}T${hour.padStart(2, '0')}:${minute}:${second ?? '00'}${offset}`;
}

/** A feed date as the article wants it: ISO 8601 when readable, else as written (validation names it). */
function feedDate(values: readonly string[]): string | null {
  const written = values.map((v) => v.trim()).filter((v) => v !== '');
  for (const value of written) {
    if (normalizeDate(value) !== null) return value;
    const iso = rfc822ToIso(value);
    if (iso !== null && normalizeDate(iso) !== null) return iso;
  }
  return written[0] ?? null;
}

/**
 * Fills in a derived id: from the link, else the title, else the item's position; a second
 * item deriving the same id in this feed gets `-2`, `-3`… (in feed order, so still stable).
 */
function ensureId(article: Record<string, unknown>, url: string, title: string, ids: DerivedIds): void {
  if (isString(article.id) && article.id.trim() !== '') return;
  const base = idFromUrl(url) ?? (slugify(title) || ids.fallback);
  let id = base;
  for (let n = 2; ids.taken.has(id); n += 1) id = `${base}-${n}`;
  ids.taken.add(id);
  article.id = id;
}

interface DerivedIds {
  /** Ids already derived in this feed. */
  taken: Set<string>;
  /** `<file name>-<position>`, for an item with neither link nor title. */
  fallback: string;
}

function setIfText(article: Record<string, unknown>, field: string, value: string): void {
  const text = value.trim();
  if (text !== '') article[field] = text;
}

function langOf(el: XmlElement): string | undefined {
  const lang = el.attrs['xml:lang']?.trim();
  return lang === undefined || lang === '' ? undefined : lang;
}

function rssItem(item: XmlElement, ids: DerivedIds): Record<string, unknown> {
  const article: Record<string, unknown> = {};
  setIfText(article, 'id', textOf(child(item, undefined, 'guid')));
  const title = textOf(child(item, undefined, 'title')).trim();
  article.title = title;
  const url = textOf(child(item, undefined, 'link')).trim();
  if (url !== '') article.url = url;
  article.date = feedDate([
    textOf(child(item, undefined, 'pubDate')),
    ...childrenNamed(item, NS_DC, 'date').map((d) => textOf(d)),
  ]);
  const categories = [
    ...childrenNamed(item, undefined, 'category').map((c) => textOf(c).trim()),
    ...childrenNamed(item, NS_DC, 'subject').map((c) => textOf(c).trim()),
  ].filter((c) => c !== '');
  article.category = categories[0] ?? null;
  if (categories.length > 1) article.tags = [...new Set(categories.slice(1))];
  const full = textOf(child(item, NS_CONTENT, 'encoded'));
  const description = textOf(child(item, undefined, 'description'));
  if (full.trim() !== '') {
    article.body = full;
    setIfText(article, 'summary', description.trim() === '' ? '' : htmlToText(description));
  } else {
    article.body = description;
  }
  const lang = langOf(item) ?? textOf(child(item, NS_DC, 'language')).trim();
  if (lang !== '') article.lang = lang;
  const images: ArticleImage[] = childrenNamed(item, undefined, 'enclosure')
    .filter((e) => IMAGE_TYPE.test(e.attrs.type ?? '') && (e.attrs.url ?? '').trim() !== '')
    .map((e) => ({ src: (e.attrs.url ?? '').trim(), alt: '' }));
  if (images.length > 0) article.images = images;
  ensureId(article, url, title, ids);
  return article;
}

function atomLink(entry: XmlElement): string {
  const links = childrenNamed(entry, NS_ATOM, 'link');
  const alternate = links.find((l) => (l.attrs.rel ?? 'alternate') === 'alternate') ?? links[0];
  return (alternate?.attrs.href ?? '').trim();
}

function atomEntry(entry: XmlElement, ids: DerivedIds): Record<string, unknown> {
  const article: Record<string, unknown> = {};
  setIfText(article, 'id', textOf(child(entry, NS_ATOM, 'id')));
  const title = atomText(child(entry, NS_ATOM, 'title')).trim();
  article.title = title;
  const url = atomLink(entry);
  if (url !== '') article.url = url;
  article.date = feedDate([textOf(child(entry, NS_ATOM, 'published')), textOf(child(entry, NS_ATOM, 'updated'))]);
  const categories = childrenNamed(entry, NS_ATOM, 'category')
    .map((c) => (c.attrs.term ?? c.attrs.label ?? '').trim())
    .filter((c) => c !== '');
  article.category = categories[0] ?? null;
  if (categories.length > 1) article.tags = [...new Set(categories.slice(1))];
  const content = child(entry, NS_ATOM, 'content');
  const summary = child(entry, NS_ATOM, 'summary');
  // Out-of-line content (`<content src="…">`) is not in the feed: fall back to the summary.
  if (content && content.attrs.src === undefined && (textOf(content).trim() !== '' || elementsOf(content).length > 0)) {
    article.body = atomBody(content);
    setIfText(article, 'summary', atomText(summary));
  } else {
    article.body = summary ? atomBody(summary) : '';
  }
  const lang = langOf(entry) ?? (content ? langOf(content) : undefined);
  if (lang !== undefined) article.lang = lang;
  ensureId(article, url, title, ids);
  return article;
}

/**
 * fast-xml-parser builds text nodes slowly (~0.4 µs a character: 50 MB take ~40 s and GBs of
 * memory), so text runs far over what an article may hold are refused before parsing. Escaped
 * HTML (`&lt;p&gt;`) is longer than the text it decodes to, hence the margin.
 */
export const MAX_FEED_TEXT_RUN = 4 * MAX_TEXT_CHARS;
const CDATA_OPEN = '<![CDATA[';
const CDATA_CLOSE = ']]>';
const COMMENT_OPEN = '<!--';
const COMMENT_CLOSE = '-->';

/** Offset and length of the first run of text (outside CDATA and comments) over MAX_FEED_TEXT_RUN. */
function findOverlongText(text: string): { offset: number; length: number } | null {
  let pos = 0;
  while (pos < text.length) {
    const lt = text.indexOf('<', pos);
    const end = lt === -1 ? text.length : lt;
    if (end - pos > MAX_FEED_TEXT_RUN) return { offset: pos, length: end - pos };
    if (lt === -1) return null;
    const skipTo = (close: string): number => {
      const at = text.indexOf(close, lt);
      return at === -1 ? text.length : at + close.length;
    };
    if (text.startsWith(CDATA_OPEN, lt)) pos = skipTo(CDATA_CLOSE);
    else if (text.startsWith(COMMENT_OPEN, lt)) pos = skipTo(COMMENT_CLOSE);
    else pos = lt + 1;
  }
  return null;
}

// fast-xml-parser reports tags left open as a JSON dump: `Invalid '[    "rss",    "channel"]' found.`
const UNCLOSED_TAGS = /^Invalid '\[([\s\S]*)\]' found\.?$/;

/** The validator's message, with its one unreadable case (tags left open) in the house style. */
function xmlMessage(message: string): string {
  const open = UNCLOSED_TAGS.exec(message)?.[1];
  if (open === undefined) return message;
  const tags = [...open.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map(([, tag]) => `<${tag}>`);
  return `expected closing tags for ${tags.join(', ')}, got the end of the file`;
}

/** Parses an RSS 2.0 or Atom feed into articles (see the module comment for the mapping). */
export function parseFeed(name: string, text: string): ParsedFile {
  const lineAt = lineLocator(text);
  const overlong = findOverlongText(text);
  if (overlong) {
    const message = `expected no text over ${MAX_FEED_TEXT_RUN} characters in one element (an article field holds at most ${MAX_TEXT_CHARS}), got ${overlong.length}`;
    return failedFile(name, message, lineAt(overlong.offset));
  }
  // The parser is lenient about unclosed tags; the validator says exactly where the XML breaks.
  const valid = XMLValidator.validate(text);
  if (valid !== true)
    return failedFile(name, `invalid XML: ${xmlMessage(valid.err.msg)}`, valid.err.line, valid.err.col);
  let roots: (XmlElement | string)[];
  try {
    roots = toElements(parser.parse(text), new Map());
  } catch (err) {
    return failedFile(name, `invalid XML: ${err instanceof Error ? err.message : String(err)}`);
  }
  const root = roots.find((r): r is XmlElement => !isString(r));
  const unitLine = (el: XmlElement): number | undefined => (el.start === undefined ? undefined : lineAt(el.start));

  let elements: XmlElement[];
  let unit: string;
  let defaultLang: string | undefined;
  let title: string;
  let toArticle: (el: XmlElement, ids: DerivedIds) => Record<string, unknown>;
  if (root?.local === 'rss' && root.ns === undefined) {
    const channel = child(root, undefined, 'channel');
    if (!channel) return failedFile(name, 'expected a <channel> inside <rss>, got none');
    elements = childrenNamed(channel, undefined, 'item');
    unit = 'item';
    defaultLang =
      textOf(child(channel, undefined, 'language')).trim() ||
      textOf(child(channel, NS_DC, 'language')).trim() ||
      langOf(channel) ||
      langOf(root);
    title = textOf(child(channel, undefined, 'title')).trim();
    toArticle = rssItem;
  } else if (root?.local === 'feed' && root.ns === NS_ATOM) {
    elements = childrenNamed(root, NS_ATOM, 'entry');
    unit = 'entry';
    defaultLang = langOf(root);
    title = atomText(child(root, NS_ATOM, 'title')).trim();
    toArticle = atomEntry;
  } else {
    const got = root ? `<${root.name}>${root.ns === undefined ? '' : ` in namespace ${root.ns}`}` : 'no element';
    return failedFile(name, `expected an RSS 2.0 <rss> or Atom <feed> (${NS_ATOM}) root element, got ${got}`);
  }
  if (elements.length === 0) return failedFile(name, `expected at least one <${unit}>, got none`);

  const stem = idFromFileName(name);
  const taken = new Set<string>();
  const articles = elements.map((el, i) => toArticle(el, { taken, fallback: `${stem}-${i + 1}` }));
  // Language tags come from the site, not the user: read leniently (see siteLang).
  const sources: ArticleSource[] = articles.map((article) => {
    if (!isString(article.lang)) return {};
    const { lang, warning } = siteLang(article.lang, `the ${unit}'s language`);
    if (lang !== undefined) article.lang = lang;
    else delete article.lang;
    return warning === undefined ? {} : { problems: [{ severity: 'warning', field: 'lang', message: warning }] };
  });
  const warnings: CorpusIssue[] = [];
  if (defaultLang !== undefined) {
    const { lang, warning } = siteLang(defaultLang, "the feed's language");
    defaultLang = lang;
    if (warning !== undefined) warnings.push(fileIssue(name, warning, 'lang'));
  }
  const lines = elements.map((el) => unitLine(el) ?? 0);
  const parsed: ParsedFile = {
    input: {
      file: name,
      articles,
      unit,
      sources,
      ...(lines.every((l) => l > 0) ? { lines } : {}),
      ...(defaultLang ? { defaultLang } : {}),
    },
    errors: [],
    badLines: [],
    warnings,
  };
  if (title !== '') parsed.title = title;
  return parsed;
}
