import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { escapeHtml, findMatches, highlight, snippet } from '../../src/search/highlight.ts';

const HOSTILE_DIR = path.join(process.env.FOLIO_SHARED_CORPUS ?? path.resolve('../shared/corpus'), 'hostile');

/** Any tag in the output other than a bare <mark> or </mark>. */
const FOREIGN_TAG = /<(?!\/?mark>)/;

const { document } = new JSDOM('').window;

/** What a browser would make of the output: the elements it creates and the text it shows. */
function parse(html: string): { tags: string[]; attributes: number; text: string } {
  const template = document.createElement('template');
  template.innerHTML = html;
  const elements = [...template.content.querySelectorAll('*')];
  return {
    tags: elements.map((element) => element.tagName.toLowerCase()),
    attributes: elements.reduce((sum, element) => sum + element.attributes.length, 0),
    text: template.content.textContent ?? '',
  };
}

/** Text as the HTML parser shows it: CR and CRLF become LF, NUL is dropped. */
function asParsed(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(/\0/g, '');
}

describe('highlight', () => {
  it('marks whole words whatever their case, and escapes everything else', () => {
    expect(highlight('Gordon Brown met <b>brown</b> & "co"', 'brown')).toBe(
      'Gordon <mark>Brown</mark> met &lt;b&gt;<mark>brown</mark>&lt;/b&gt; &amp; &quot;co&quot;',
    );
  });

  it('marks completions of the last word and words one typo away', () => {
    expect(highlight('The government spent more', 'goverment spe')).toBe(
      'The <mark>government</mark> <mark>spent</mark> more',
    );
    // A finished word is not a prefix.
    expect(highlight('spent', 'spe ')).toBe('spent');
  });

  it('marks Chinese runs as substrings, one mark for touching runs, never across punctuation', () => {
    expect(highlight('北京大学的学生，北京，大学生', '北京 大学')).toBe(
      '<mark>北京大学</mark>的学生，<mark>北京</mark>，<mark>大学</mark>生',
    );
    expect(highlight('北京，大学', '京大')).toBe('北京，大学');
    expect(highlight('新款iPhone发布会', 'iphone发布')).toBe('新款<mark>iPhone发布</mark>会');
  });

  it('keeps the text itself intact (a parser shows exactly the original)', () => {
    const text = 'Fish & <chips> "quoted" \'single\' 北京';
    expect(parse(highlight(text, 'fish 北京')).text).toBe(text);
  });

  it('finds matches with their spans and query parts', () => {
    expect(findMatches('red apple and red', 'red apple')).toEqual([
      { start: 0, end: 3, groups: [0] },
      { start: 4, end: 9, groups: [1] },
      { start: 14, end: 17, groups: [0] },
    ]);
  });

  it('escapes for attributes too', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;');
  });
});

describe('snippet', () => {
  const filler = (n: number) => 'Lorem ipsum dolor sit amet. '.repeat(n);
  const text = `${filler(20)}The Chancellor Gordon Brown presented the budget today.\n${filler(20)}`;

  it('shows a window around the best match, cut between words, with ellipses', () => {
    const html = snippet(text, 'brown budget', 120);
    expect(html.startsWith('…')).toBe(true);
    expect(html.endsWith('…')).toBe(true);
    expect(html).toContain('<mark>Brown</mark> presented the <mark>budget</mark>');
    const shown = parse(html).text;
    expect(shown.length).toBeLessThanOrEqual(120 + 2);
    expect(shown).not.toMatch(/\n/);
  });

  it('prefers the window holding the most distinct query words', () => {
    const spread = `brown ${filler(30)} budget ${filler(30)} brown budget ${filler(30)}`;
    expect(snippet(spread, 'brown budget', 80)).toContain('<mark>brown</mark> <mark>budget</mark>');
  });

  it('finds Chinese matches deep inside long text', () => {
    const html = snippet(`${'长'.repeat(500)}北京大学${'短'.repeat(500)}`, '北京大学', 60);
    expect(html).toContain('<mark>北京大学</mark>');
    expect(parse(html).text.length).toBeLessThanOrEqual(62);
  });

  it('starts at the beginning when nothing matches, and returns short text whole', () => {
    expect(snippet(text, 'zebra', 40).startsWith('Lorem ipsum')).toBe(true);
    expect(snippet('Short <text>', 'short')).toBe('<mark>Short</mark> &lt;text&gt;');
  });
});

function hostileStrings(): string[] {
  const naughty = JSON.parse(readFileSync(path.join(HOSTILE_DIR, 'naughty-strings.json'), 'utf8')) as {
    strings: string[];
  };
  const xss = JSON.parse(readFileSync(path.join(HOSTILE_DIR, 'xss-vectors.json'), 'utf8')) as { vectors: string[] };
  return [...naughty.strings, ...xss.vectors];
}

/** Queries that hit hostile text where it hurts: its own words, markup words, the whole string. */
function hostileQueries(text: string): string[] {
  const firstWord = text.split(/[^\p{L}\p{N}]+/u).find((word) => word !== '') ?? '';
  return [text, firstWord, `${firstWord.slice(0, 2)}`, 'script alert', 'img onerror', 'iframe src', '<', 'a'];
}

describe.skipIf(!existsSync(HOSTILE_DIR))('hostile strings (needs ../shared/corpus/hostile)', () => {
  // A skipped suite is still collected: read the files only when they are there.
  const strings = existsSync(HOSTILE_DIR) ? hostileStrings() : [];

  it('come out with no tag but a bare <mark> (so no attribute either), for many queries', () => {
    expect(strings.length).toBeGreaterThan(7000);
    for (const text of strings) {
      for (const query of hostileQueries(text)) {
        expect(highlight(text, query), `${text} / ${query}`).not.toMatch(FOREIGN_TAG);
        expect(snippet(text, query, 80), `${text} / ${query}`).not.toMatch(FOREIGN_TAG);
      }
    }
  });

  it('parse to <mark> elements only, without attributes, showing exactly the original text', () => {
    for (const text of strings) {
      const [own, firstWord] = hostileQueries(text);
      const marked = parse(highlight(text, firstWord ?? ''));
      expect(marked.tags.every((tag) => tag === 'mark')).toBe(true);
      expect(marked.attributes).toBe(0);
      expect(marked.text, text).toBe(asParsed(text));
      const cut = parse(snippet(text, own ?? '', 80));
      expect(cut.tags.every((tag) => tag === 'mark') && cut.attributes === 0, text).toBe(true);
    }
  });
});
