/**
 * The shared hostile lists (Big List of Naughty Strings, payloadbox XSS payloads) as titles,
 * categories, paragraphs and HTML bodies: the build must not crash, and what comes out must be
 * inert. The lists are read from the shared corpus folder, never copied into the repo.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { createHtmlSanitizer } from '../../src/cli/sanitize-html.ts';
import { buildCorpus, type BuildResult } from '../../src/corpus/build.ts';
import type { Article } from '../../src/corpus/types.ts';
import { isChunk, isRecord, isStringArray, stripControlChars } from '../../src/corpus/validate.ts';

const SHARED = path.resolve(process.env.FOLIO_SHARED_CORPUS ?? '../shared/corpus');
const NAUGHTY = path.join(SHARED, 'hostile', 'naughty-strings.json');
const XSS = path.join(SHARED, 'hostile', 'xss-vectors.json');
const AVAILABLE = existsSync(NAUGHTY) && existsSync(XSS);
/** Sanitizing ~7,000 HTML bodies in jsdom takes several seconds. */
const HOSTILE_TIMEOUT_MS = 120_000;

const TITLE = AVAILABLE
  ? `hostile input (${path.dirname(NAUGHTY)})`
  : `hostile input: SKIPPED, ${NAUGHTY} and ${XSS} not found (set FOLIO_SHARED_CORPUS to the shared corpus folder)`;

function readList(file: string, key: string): string[] {
  const data: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const list = isRecord(data) ? data[key] : undefined;
  if (!isStringArray(list)) throw new Error(`${file}: expected a "${key}" array of strings`);
  return list;
}

// Elements that run code, load from elsewhere or take input: none may survive.
const FORBIDDEN_ELEMENTS = new Set([
  'script',
  'style',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'form',
  'input',
  'button',
  'textarea',
  'select',
  'link',
  'meta',
  'base',
  'svg',
  'math',
  'template',
  'video',
  'audio',
  'source',
  'picture',
]);
const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'srcset', 'poster', 'background']);
// Browsers ignore whitespace and control characters inside a scheme (`java\tscript:`).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const IGNORED_IN_SCHEME = /[\u0000-\u0020\u007f-\u009f]/g;
const SCRIPT_SCHEME = /^(?:javascript|vbscript|livescript):/i;
const REMOTE = /^(?:https?:)?\/\//i;

/** Every way `html` could still run script or fetch from a third party; empty when inert. */
function hazards(html: string, fragment = JSDOM.fragment(html)): string[] {
  const found: string[] = [];
  if (/<script/i.test(html)) found.push('a literal <script');
  for (const el of fragment.querySelectorAll('*')) {
    const tag = el.localName;
    if (FORBIDDEN_ELEMENTS.has(tag)) found.push(`<${tag}>`);
    for (const attr of [...el.attributes]) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) found.push(`${tag}[${name}]`);
      if (name === 'style') found.push(`${tag}[style]`);
      if (!URL_ATTRIBUTES.has(name)) continue;
      const value = attr.value.replace(IGNORED_IN_SCHEME, '');
      if (SCRIPT_SCHEME.test(value)) found.push(`${tag}[${name}=${value.slice(0, 30)}]`);
      if (tag === 'img' && name === 'src' && REMOTE.test(value)) found.push(`remote <img src=${value.slice(0, 30)}>`);
    }
  }
  return found;
}

function articlesOf(result: BuildResult): Article[] {
  return [...result.files]
    .filter(([name]) => name !== 'manifest.json')
    .flatMap(([, text]) => {
      const chunk: unknown = JSON.parse(text);
      if (!isChunk(chunk)) throw new Error('not a chunk');
      return chunk.articles;
    });
}

describe('the inertness check itself', () => {
  it('finds handlers, script URLs hidden by whitespace, forbidden elements and remote images', () => {
    expect(hazards('<p>fine <a href="https://x.org" rel="noopener">link</a> &lt;script&gt;</p>')).toEqual([]);
    expect(hazards('<a href="java\tscript:x()" onclick="y()">a</a><svg></svg><img src="//x.org/a.png">')).toEqual([
      'a[href=javascript:x()]',
      'a[onclick]',
      '<svg>',
      'remote <img src=//x.org/a.png>',
    ]);
  });
});

describe.skipIf(!AVAILABLE)(TITLE, () => {
  it(
    'builds every string as title, category, paragraph and HTML body, and all of it comes out inert',
    () => {
      const strings = [...readList(NAUGHTY, 'strings'), ...readList(XSS, 'vectors')];
      const articles = strings.flatMap((text, i) => [
        { id: `text-${i}`, title: text, date: null, category: text, body: [text], tags: [text] },
        { id: `html-${i}`, title: `HTML body ${i}`, date: null, category: null, body: text },
      ]);
      const sanitizer = createHtmlSanitizer();
      const result = buildCorpus([{ file: 'hostile.json', articles }], {
        title: 'Hostile',
        skipInvalid: true,
        sanitizeHtml: sanitizer.sanitizeHtml,
        sha256Hex: (text) => createHash('sha256').update(text, 'utf8').digest('hex'),
      });
      expect(result.errors).toEqual([]);

      // Only what is blank once cleaned (or sanitized to nothing) may be left out, and it is listed.
      for (const skipped of result.skipped) {
        for (const reason of skipped.reasons) {
          expect(['title', 'body']).toContain(reason.field);
          expect(reason.message).toMatch(
            /^expected (a non-empty string|an array of paragraph|at least one|HTML with content)/,
          );
        }
      }
      const built = articlesOf(result);
      expect(built.length + result.skipped.length).toBe(articles.length);

      const byId = new Map(built.map((a) => [a.id, a]));
      const problems: string[] = [];
      strings.forEach((text, i) => {
        const cleaned = stripControlChars(text).text.trim();
        const plain = byId.get(`text-${i}`);
        if (plain) {
          // Titles and categories stay plain text: not escaped, not sanitized, only cleaned.
          if (plain.title !== cleaned) problems.push(`text-${i}: title changed`);
          if (plain.category !== cleaned) problems.push(`text-${i}: category changed`);
          const fragment = JSDOM.fragment(plain.html);
          for (const hazard of hazards(plain.html, fragment)) problems.push(`text-${i} paragraph: ${hazard}`);
          // Paragraphs are escaped text: what was written is what reads (line breaks become <br>).
          if (fragment.textContent !== stripControlChars(text).text.replaceAll('\n', '')) {
            problems.push(`text-${i}: paragraph text changed`);
          }
        }
        const html = byId.get(`html-${i}`);
        if (html) for (const hazard of hazards(html.html)) problems.push(`html-${i}: ${hazard}`);
      });
      expect(problems).toEqual([]);
    },
    HOSTILE_TIMEOUT_MS,
  );
});
