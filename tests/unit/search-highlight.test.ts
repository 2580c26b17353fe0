import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { findMatches, highlightParts, snippetParts, type MarkedPart } from '../../src/search/highlight.ts';
import { showParts } from '../../src/ui/search/marked-parts.ts';

const HOSTILE_DIR = path.join(process.env.FOLIO_SHARED_CORPUS ?? path.resolve('../shared/corpus'), 'hostile');

const { document } = new JSDOM('').window;

/** The parts in a readable notation: the marked ones in brackets. */
function show(parts: readonly MarkedPart[]): string {
  return parts.map((part) => (part.mark ? `[${part.text}]` : part.text)).join('');
}
const highlight = (text: string, query: string): string => show(highlightParts(text, query));
const snippet = (text: string, query: string, maxLength?: number): string => show(snippetParts(text, query, maxLength));
const plain = (parts: readonly MarkedPart[]): string => parts.map((part) => part.text).join('');

/** What the page makes of the parts (the search results' attachment): its nodes and the text shown. */
function render(parts: readonly MarkedPart[]): { nodes: string[]; attributes: number; text: string } {
  const element = document.createElement('p');
  showParts(element, parts);
  const nodes = [...element.childNodes].map((node) =>
    node.nodeType === node.TEXT_NODE ? '#text' : node.nodeName.toLowerCase(),
  );
  const elements = [...element.querySelectorAll('*')];
  return {
    nodes,
    attributes: elements.reduce((sum, e) => sum + e.attributes.length, 0) + element.attributes.length,
    text: element.textContent ?? '',
  };
}

describe('highlight', () => {
  it('marks whole words whatever their case, and leaves markup in the text as text', () => {
    expect(highlight('Gordon Brown met <b>brown</b> & "co"', 'brown')).toBe('Gordon [Brown] met <b>[brown]</b> & "co"');
  });

  it('marks completions of the last word and words one typo away', () => {
    expect(highlight('The government spent more', 'goverment spe')).toBe('The [government] [spent] more');
    // A finished word is not a prefix.
    expect(highlight('spent', 'spe ')).toBe('spent');
    // A word being typed with a typo, only when nothing matches it as typed.
    expect(highlight('The government spent more', 'gvoern')).toBe('The [government] spent more');
    expect(highlight('gvoern and government', 'gvoern')).toBe('[gvoern] and government');
  });

  it('marks Chinese runs as substrings, one mark for touching runs, never across punctuation', () => {
    expect(highlight('北京大学的学生，北京，大学生', '北京 大学')).toBe('[北京大学]的学生，[北京]，[大学]生');
    expect(highlight('北京，大学', '京大')).toBe('北京，大学');
    expect(highlight('新款iPhone发布会', 'iphone发布')).toBe('新款[iPhone发布]会');
  });

  it('keeps the text itself intact', () => {
    const text = 'Fish & <chips> "quoted" \'single\' 北京\r\n\0';
    expect(plain(highlightParts(text, 'fish 北京'))).toBe(text);
  });

  it('finds matches with their spans and query parts', () => {
    expect(findMatches('red apple and red', 'red apple')).toEqual([
      { start: 0, end: 3, groups: [0] },
      { start: 4, end: 9, groups: [1] },
      { start: 14, end: 17, groups: [0] },
    ]);
  });

  it('renders as text nodes and bare <mark> elements: markup in the text stays text', () => {
    const shown = render(highlightParts('<img src=x onerror=alert(1)> alert & <mark>', 'alert mark'));
    expect(shown.nodes).toEqual(['#text', 'mark', '#text', 'mark', '#text', 'mark', '#text']);
    expect(shown.attributes).toBe(0);
    expect(shown.text).toBe('<img src=x onerror=alert(1)> alert & <mark>');
  });
});

describe('snippet', () => {
  const filler = (n: number) => 'Lorem ipsum dolor sit amet. '.repeat(n);
  const text = `${filler(20)}The Chancellor Gordon Brown presented the budget today.\n${filler(20)}`;

  it('shows a window around the best match, cut between words, with ellipses', () => {
    const cut = snippet(text, 'brown budget', 120);
    expect(cut.startsWith('…')).toBe(true);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut).toContain('[Brown] presented the [budget]');
    const shown = plain(snippetParts(text, 'brown budget', 120));
    expect(shown.length).toBeLessThanOrEqual(120 + 2);
    expect(shown).not.toMatch(/\n/);
    expect(shown).toBe(shown.trim());
  });

  it('prefers the window holding the most distinct query words', () => {
    const spread = `brown ${filler(30)} budget ${filler(30)} brown budget ${filler(30)}`;
    expect(snippet(spread, 'brown budget', 80)).toContain('[brown] [budget]');
  });

  it('finds Chinese matches deep inside long text', () => {
    const parts = snippetParts(`${'长'.repeat(500)}北京大学${'短'.repeat(500)}`, '北京大学', 60);
    expect(show(parts)).toContain('[北京大学]');
    expect(plain(parts).length).toBeLessThanOrEqual(62);
  });

  it('starts at the beginning when nothing matches, and returns short text whole', () => {
    expect(snippet(text, 'zebra', 40).startsWith('Lorem ipsum')).toBe(true);
    expect(snippet('Short <text>', 'short')).toBe('[Short] <text>');
  });

  it('trims the cut: no space after the opening ellipsis or before the closing one', () => {
    const spaced = `${'word '.repeat(60)}   target   ${'word '.repeat(60)}`;
    for (const length of [40, 41, 42, 43, 44, 45]) {
      const cut = snippet(spaced, 'target', length);
      expect(cut, String(length)).toMatch(/^…\S.*\S…$/);
      expect(cut).toContain('[target]');
    }
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

  it('highlighted, give back exactly the original text, for many queries', () => {
    expect(strings.length).toBeGreaterThan(7000);
    for (const text of strings) {
      for (const query of hostileQueries(text)) {
        const parts = highlightParts(text, query);
        expect(plain(parts), `${text} / ${query}`).toBe(text);
        expect(
          parts.every((part) => part.text !== ''),
          `${text} / ${query}`,
        ).toBe(true);
        // A snippet's pieces all come from the text (besides the ellipses).
        for (const part of snippetParts(text, query, 80)) {
          if (part.text !== '…') expect(text.replace(/[\r\n]+/g, ' '), `${text} / ${query}`).toContain(part.text);
        }
      }
    }
  });

  it('render as text nodes and bare <mark> elements only, showing exactly the original text', () => {
    for (const text of strings) {
      const [own, firstWord] = hostileQueries(text);
      const marked = render(highlightParts(text, firstWord ?? ''));
      expect(marked.nodes.every((node) => node === '#text' || node === 'mark')).toBe(true);
      expect(marked.attributes).toBe(0);
      expect(marked.text, text).toBe(text);
      const cut = render(snippetParts(text, own ?? '', 80));
      expect(cut.nodes.every((node) => node === '#text' || node === 'mark') && cut.attributes === 0, text).toBe(true);
    }
  });
});
