import { mkdtemp, readFile, rm, writeFile, mkdir, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idFromUrl, slugify } from '../../src/cli/derive-id.ts';
import { rfc822ToIso } from '../../src/cli/input-feed.ts';
import { EXIT_OK, main } from '../../src/cli/main.ts';
import { formatOf, parseInputText } from '../../src/cli/read-inputs.ts';
import type { Article, Manifest } from '../../src/corpus/types.ts';
import { formatIssue, isChunk, isManifest, validateInputs } from '../../src/corpus/validate.ts';

const FIXTURES = path.resolve('tests/fixtures/corpus-inputs');

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'folio-inputs-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string[];
  stderr: string[];
}

async function run(cwd: string, ...argv: string[]): Promise<Run> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(argv, { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l), cwd });
  return { code, stdout, stderr };
}

async function readCorpus(out: string): Promise<{ manifest: Manifest; articles: Map<string, Article> }> {
  const manifest: unknown = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8'));
  if (!isManifest(manifest)) throw new Error('not a manifest');
  const articles = new Map<string, Article>();
  for (const ref of manifest.chunks) {
    const chunk: unknown = JSON.parse(await readFile(path.join(out, ref.file), 'utf8'));
    if (!isChunk(chunk)) throw new Error('not a chunk');
    for (const article of chunk.articles) articles.set(article.id, article);
  }
  return { manifest, articles };
}

function get(articles: ReadonlyMap<string, Article>, id: string): Article {
  const article = articles.get(id);
  if (!article) throw new Error(`no article ${id} among ${[...articles.keys()].join(', ')}`);
  return article;
}

/** Parses one fixture file and validates it, returning the cleaned articles by id. */
async function parseFixture(relative: string): Promise<Map<string, Record<string, unknown>>> {
  const absolute = path.join(FIXTURES, relative);
  const parsed = parseInputText(relative, await readFile(absolute, 'utf8'), absolute);
  expect(parsed.errors).toEqual([]);
  expect(parsed.badLines).toEqual([]);
  if (!parsed.input) throw new Error('no input');
  const result = validateInputs([parsed.input]);
  expect(result.errors.map(formatIssue)).toEqual([]);
  return new Map(result.valid.map((v) => [v.input.id, { ...v.input, date: v.date }]));
}

describe('the fixture folder, built as one corpus', () => {
  let built: Awaited<ReturnType<typeof readCorpus>>;
  let result: Run;

  beforeAll(async () => {
    result = await run(path.dirname(FIXTURES), 'corpus-inputs', '--out', path.join(dir, 'all'));
    built = await readCorpus(path.join(dir, 'all'));
  });

  it('builds every format without errors or warnings', () => {
    expect(result.stderr).toEqual([]);
    expect(result.code).toBe(EXIT_OK);
    expect(built.manifest.count).toBe(14);
    expect(built.manifest.counts.lang).toEqual({ de: 1, en: 7, 'en-GB': 5, zh: 1 });
    expect(result.stdout.join('\n')).toMatch(/warnings: +0/);
  });

  it('skips the saved page resource folder (ferry-returns_files/comments.html is no article)', () => {
    expect([...built.articles.keys()]).not.toContain('comments');
  });

  it('reads Markdown: front matter, rendered body, local image copied, heading as title, pairs', () => {
    const turbine = get(built.articles, 'harbour-turbine');
    expect(turbine).toMatchObject({
      title: 'Harbour turbine survives its first winter',
      date: '2024-03-01',
      category: 'Science',
      tags: ['energy', 'harbour'],
      lang: 'en',
      translations: { zh: 'harbour-turbine-zh' },
    });
    expect(turbine.html).toContain('<strong>every storm</strong>');
    expect(turbine.html).toMatch(/<img src="images\/[0-9a-f]{16}\.svg" alt="The turbine at low tide">/);
    expect(get(built.articles, 'harbour-turbine-zh')).toMatchObject({
      lang: 'zh',
      translations: { en: 'harbour-turbine' },
    });
    const library = get(built.articles, 'library-hours');
    expect(library.title).toBe('Library opens on Sundays from April');
    expect(library.date).toBe('2024-03-04T07:30:00.000Z');
    expect(library.html).not.toContain('<h1>');
    expect(library.html).toContain('<li>Reading room: quiet hours as usual</li>');
  });

  it('reads RSS 2.0: guid or derived id, RFC 822 dates, content:encoded sanitized, categories', () => {
    const drone = get(built.articles, 'coast-2024-0001');
    expect(drone).toMatchObject({
      title: 'Lifeboat crew trains with new drone',
      date: '2024-03-05T10:15:00.000Z',
      category: 'Safety',
      tags: ['Technology'],
      lang: 'en-GB',
      summary: 'A short teaser for the drone story.',
      url: 'https://coast.example/news/lifeboat-drone.html',
      images: [{ src: 'https://cdn.coast.example/drone-large.jpg', alt: '' }],
    });
    expect(drone.html).toBe(
      '<p>The volunteer crew spent Saturday learning to fly a search drone over the bay.</p>' +
        '<p>The drone can find a swimmer <a>in minutes</a>.</p>' +
        '<a href="https://cdn.coast.example/drone.jpg" rel="noopener noreferrer" class="remote-image">The drone over the bay</a>',
    );
    // No guid: the id comes from the link's path.
    expect(get(built.articles, 'news-2024-ferry-timetable').date).toBe('2024-03-06T06:00:00.000Z');
    expect(get(built.articles, 'coast-2024-0003').date).toBe('2024-03-09T16:00:00.000Z');
    expect(built.manifest.title).toBe('Coast News');
  });

  it('reads Atom: xhtml, html and text content, per-entry xml:lang, html titles as text', () => {
    const kelp = get(built.articles, 'tag:science.example,2024:kelp-forest');
    expect(kelp).toMatchObject({ category: 'Ecology', lang: 'en', date: '2024-03-10T09:00:00.000Z' });
    expect(kelp.html).toContain('<p>Divers counted <em>twice as many</em> kelp stalks as last year.<br>Urchin');
    expect(kelp.html).not.toContain('onclick');
    const watt = get(built.articles, 'tag:science.example,2024:watt-messung');
    expect(watt).toMatchObject({ title: 'Neue Messbojen im Watt', lang: 'de', date: '2024-03-11T07:00:00.000Z' });
    expect(watt.html).toBe('<p>Drei neue Bojen messen seit Montag die Strömung im Watt.</p>');
    expect(get(built.articles, 'tag:science.example,2024:tide-note').html).toBe(
      '<p>Spring tides peak on Friday.</p><p>Expect the causeway to close twice &lt;not a tag&gt;.</p>',
    );
  });

  it('reads saved pages: article text only, metadata, local image copied, scripts and forms gone', () => {
    const ferry = get(built.articles, 'ferry-returns');
    expect(ferry).toMatchObject({
      title: 'Night ferry returns after repairs',
      date: '2024-04-02T17:00:00.000Z',
      category: 'Transport',
      tags: ['ferry', 'night service'],
      lang: 'en-GB',
      summary: 'The night ferry sails again after six weeks in dry dock.',
      url: 'https://harbour.example/news/ferry-returns.html',
    });
    expect(ferry.html).toContain('The night ferry between the old harbour and the island');
    expect(ferry.html).toMatch(/<img src="images\/[0-9a-f]{16}\.svg" alt="The night ferry at the quay">/);
    // Relative links resolve against the page's canonical URL.
    expect(ferry.html).toContain('<a href="https://harbour.example/news/yard-crew.html" rel="noopener noreferrer">');
    for (const gone of ['Most read', 'Subscribe', 'injected', '<form', '<input', 'onerror', 'Home']) {
      expect(ferry.html).not.toContain(gone);
    }
    const bridge = get(built.articles, 'bridge-reopens');
    expect(bridge.date).toBe('2024-04-09T07:30:00.000Z');
    expect(bridge.title).toBe('Old bridge reopens to walkers');
    // The 1×1 tracking pixel is dropped, not turned into a link.
    expect(bridge.html).not.toContain('tracker.example');
    expect(ferry.next?.id).toBe('bridge-reopens');
    expect(bridge.prev?.id).toBe('ferry-returns');
  });

  it('copies the saved page image sanitized (its script and handler removed)', async () => {
    const src = /<img src="(images\/[0-9a-f]{16}\.svg)" alt="The night ferry/.exec(
      get(built.articles, 'ferry-returns').html,
    )?.[1];
    const svg = await readFile(path.join(dir, 'all', src ?? 'missing'), 'utf8');
    expect(svg).toContain('<rect');
    expect(svg).not.toContain('script');
    expect(svg).not.toContain('onclick');
  });

  it('reads NDJSON, blank lines included', () => {
    expect(get(built.articles, 'wire-2').tags).toEqual(['port']);
    expect(get(built.articles, 'wire-3').date).toBeNull();
  });
});

describe('input formats one by one', () => {
  it('tells formats by extension', () => {
    expect(
      ['a.json', 'a.NDJSON', 'a.jsonl', 'a.md', 'a.markdown', 'a.xml', 'a.rss', 'a.atom', 'a.HTM', 'a.txt'].map(
        formatOf,
      ),
    ).toEqual(['json', 'ndjson', 'ndjson', 'markdown', 'markdown', 'feed', 'feed', 'feed', 'html-page', null]);
  });

  it('reads a .json file of one object per line as NDJSON', () => {
    const text = '{"id": "a", "title": "A", "body": ["x"]}\n{"id": "b", "title": "B", "body": ["y"]}\n';
    const parsed = parseInputText('export.json', text);
    expect(parsed.errors).toEqual([]);
    expect(parsed.input?.articles).toHaveLength(2);
    expect(parsed.input?.lines).toEqual([1, 2]);
  });

  it('gives Markdown field errors the line of the field', async () => {
    const md = '---\ntitle: ""\ndate: 2024-02-30\ncategory: News\nlang: en_GB\n---\n\nText.\n';
    const parsed = parseInputText('notes/x.md', md);
    if (!parsed.input) throw new Error('no input');
    expect(validateInputs([parsed.input]).errors.map(formatIssue)).toEqual([
      'notes/x.md line 2 (id "x") title: expected a non-empty string, got ""',
      'notes/x.md line 3 (id "x") date: expected a real YYYY-MM-DD date or ISO 8601 date-time, got "2024-02-30"',
      'notes/x.md line 5 (id "x") lang: expected a BCP 47 language tag such as "en" or "zh-CN", got "en_GB" (did you mean "en-GB"?)',
    ]);
    expect((await parseFixture('markdown/harbour-turbine.md')).get('harbour-turbine')?.summary).toBe(
      'The tidal turbine kept turning through every storm.',
    );
  });

  it('refuses JavaScript front matter without running it', () => {
    const parsed = parseInputText('x.md', '---js\n{ title: (() => { throw new Error("ran") })() }\n---\nBody\n');
    expect(parsed.input).toBeNull();
    expect(parsed.badLines.map(formatIssue)).toEqual([
      'x.md line 1: expected YAML front matter opened by a bare ---, got "---js"',
    ]);
  });

  it('rejects a front matter body next to a Markdown body', () => {
    const parsed = parseInputText('x.md', '---\ntitle: T\nbody: [a]\n---\nAlso here.\n');
    if (!parsed.input) throw new Error('no input');
    expect(validateInputs([parsed.input]).errors.map(formatIssue)).toEqual([
      'x.md line 5 (id "x") body: expected the body either as Markdown below the front matter or as a front matter field, got both',
    ]);
  });

  it('names the item and its line for feed errors', () => {
    const rss =
      '<rss version="2.0"><channel><title>T</title>\n<item><guid>a</guid><title>A</title><description>x</description></item>\n' +
      '<item><guid>b</guid><title></title><pubDate>Someday</pubDate><description>y</description></item>\n</channel></rss>';
    const parsed = parseInputText('f.rss', rss);
    if (!parsed.input) throw new Error('no input');
    expect(validateInputs([parsed.input]).errors.map(formatIssue)).toEqual([
      'f.rss line 3 item[1] (id "b") title: expected a non-empty string, got ""',
      'f.rss line 3 item[1] (id "b") date: expected a real YYYY-MM-DD date or ISO 8601 date-time, got "Someday"',
    ]);
  });

  it("reads a site's language tags leniently, and keeps derived ids apart", async () => {
    await writeFile(
      path.join(dir, 'lenient.rss'),
      '<rss version="2.0"><channel><title>T</title><language>English</language>' +
        '<item><title>One</title><link>https://x.org/a/story.html</link><description>x</description></item>' +
        '<item><title>Two</title><link>https://x.org/b/../a/story.html</link><description>y</description></item>' +
        '<item xml:lang="pt_BR"><title>Três</title><description>z</description></item></channel></rss>',
    );
    const result = await run(dir, 'lenient.rss', '--out', 'out-lenient');
    expect(result.code).toBe(EXIT_OK);
    expect(result.stderr).toEqual([
      'warning: lenient.rss lang: expected a BCP 47 language tag in the feed\'s language, got "English"; ignored, the language is guessed from the text',
    ]);
    const { articles } = await readCorpus(path.join(dir, 'out-lenient'));
    expect([...articles.values()].map((a) => [a.id, a.lang])).toEqual([
      ['a-story', 'en'],
      ['a-story-2', 'en'],
      ['três', 'pt-BR'],
    ]);
  });

  it('rejects XML that is not a feed', () => {
    expect(parseInputText('x.xml', '<html><body/></html>').errors.map(formatIssue)).toEqual([
      'x.xml: expected an RSS 2.0 <rss> or Atom <feed> (http://www.w3.org/2005/Atom) root element, got <html>',
    ]);
    expect(parseInputText('x.atom', '<feed><entry/></feed>').errors[0]?.message).toContain('got <feed>');
    expect(
      parseInputText('x.rss', '<rss version="2.0"><channel><title>T</title></channel></rss>').errors[0]?.message,
    ).toBe('expected at least one <item>, got none');
  });

  it('converts RFC 822 dates', () => {
    expect(rfc822ToIso('Tue, 05 Mar 2024 10:15:00 GMT')).toBe('2024-03-05T10:15:00+00:00');
    expect(rfc822ToIso('5 Mar 24 10:15 +0130')).toBe('2024-03-05T10:15:00+01:30');
    expect(rfc822ToIso('Sun, 01 Feb 1987 09:00:00 EST')).toBe('1987-02-01T09:00:00-05:00');
    expect(rfc822ToIso('05 March 2024')).toBe('2024-03-05');
    expect(rfc822ToIso('Tue, 05 Mar 2024 10:15:00 Q')).toBeNull();
    expect(rfc822ToIso('2024-03-05')).toBeNull();
  });

  it('derives readable, stable ids', () => {
    expect(slugify('Storm Hits: Coast!')).toBe('storm-hits-coast');
    expect(slugify('港口 涡轮机')).toBe('港口-涡轮机');
    expect(idFromUrl('https://x.org/world/2024/storm.html?utm=1#top')).toBe('world-2024-storm');
    expect(idFromUrl('https://x.org/storm/index.html')).toBe('storm');
    expect(idFromUrl('https://news.x.org/')).toBe('news-x-org');
    expect(idFromUrl('javascript:alert(1)')).toBeNull();
  });
});

describe('saved pages and their own prev/next links', () => {
  it('warns where the page order disagrees with the corpus order', async () => {
    const pages = path.join(dir, 'pages-swapped');
    await cp(path.join(FIXTURES, 'pages'), pages, { recursive: true });
    // The ferry story now looks newer than the bridge story it links to as next.
    const ferry = path.join(pages, 'ferry-returns.html');
    await writeFile(
      ferry,
      (await readFile(ferry, 'utf8')).replace('2024-04-02T18:00:00+01:00', '2024-04-20T18:00:00Z'),
    );
    const result = await run(dir, 'pages-swapped', '--out', 'out-swapped');
    expect(result.code).toBe(EXIT_OK);
    expect(result.stderr).toEqual([
      'warning: pages-swapped/bridge-reopens.html (id "bridge-reopens") prev: the page links to "ferry-returns" as previous (rel=prev), but the corpus order (by date, then id) gives none',
      'warning: pages-swapped/ferry-returns.html (id "ferry-returns") next: the page links to "bridge-reopens" as next (rel=next), but the corpus order (by date, then id) gives none',
    ]);
  });

  it('loses a page where Readability finds no article, skippable', async () => {
    await mkdir(path.join(dir, 'empty-page'), { recursive: true });
    await writeFile(
      path.join(dir, 'empty-page', 'blank.html'),
      '<!DOCTYPE html><html><head><title>x</title></head><body></body></html>',
    );
    const failed = await run(dir, 'empty-page/blank.html', '--out', 'out-empty');
    expect(failed.stderr).toContain(
      'error: empty-page/blank.html: expected an article page, got a page where Readability found no article text',
    );
  });
});
