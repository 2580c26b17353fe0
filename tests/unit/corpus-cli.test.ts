import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureDemoCorpus } from '../../src/cli/ensure-demo-corpus.ts';
import { locateJsonError } from '../../src/cli/json-error.ts';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, parseArgs } from '../../src/cli/main.ts';
import { parseInputText } from '../../src/cli/read-inputs.ts';
import { createHtmlSanitizer } from '../../src/cli/sanitize-html.ts';
import { snapshot, useCliSandbox } from './cli-helpers.ts';

const cli = useCliSandbox('folio-cli-');
const { run, put, readManifest, readArticles, stdout, stderr } = cli;

function article(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, title: `Title ${id}`, date: '2024-01-01', category: 'News', body: [`Text of ${id}.`], ...extra };
}

describe('parseArgs', () => {
  it('reads inputs and options', () => {
    expect(parseArgs(['a.json', '--out=x', 'b', '--skip-invalid', '--title', 'T'])).toEqual({
      kind: 'build',
      watch: false,
      options: { inputs: ['a.json', 'b'], out: 'x', skipInvalid: true, index: true, title: 'T' },
    });
    expect(parseArgs(['a.json', '--no-index'])).toMatchObject({ options: { index: false } });
    expect(parseArgs(['a.json', '--watch'])).toMatchObject({ kind: 'build', watch: true });
    expect(parseArgs(['a.json'])).toMatchObject({ options: { out: 'public/corpus', skipInvalid: false } });
    expect(parseArgs(['--', '--odd-name.json'])).toMatchObject({ options: { inputs: ['--odd-name.json'] } });
  });
});

describe('corpus CLI', () => {
  it('prints usage for --help, and exits 2 on a bad command line', async () => {
    expect(await run('--help')).toBe(EXIT_OK);
    expect(stdout.join('\n')).toContain('Usage: npm run corpus');
    expect(await run()).toBe(EXIT_USAGE);
    expect(await run('a.json', '--bogus')).toBe(EXIT_USAGE);
    expect(stderr.join('\n')).toContain('unknown option --bogus');
  });

  it('builds from a bare array, an {"articles"} object and NDJSON in a folder', async () => {
    await put('in/one.json', [article('a1')]);
    await put('in/sub/two.json', {
      title: 'From the file',
      lang: 'zh',
      articles: [article('z1', { date: '2024-02-01' })],
    });
    await put('in/three.ndjson', `${JSON.stringify(article('n1'))}\n\n${JSON.stringify(article('n2'))}\r\n`);
    await put('in/notes.txt', 'not an input');
    expect(await run('in', '--out', 'out')).toBe(EXIT_OK);
    const manifest = await readManifest();
    expect(manifest.title).toBe('From the file');
    expect(manifest.count).toBe(4);
    expect(manifest.counts.lang).toEqual({ en: 3, zh: 1 });
    expect((await readArticles()).map((a) => a.id)).toEqual(['a1', 'n1', 'n2', 'z1']);
    const summary = stdout.join('\n');
    expect(summary).toContain('Built "From the file" into out');
    expect(summary).toMatch(/languages: +en 3, zh 1/);
    expect(summary).toMatch(/categories: +News 4/);
    expect(summary).toMatch(/chunks: +1 /);
    expect(summary).toMatch(/in \d+\.\d\d s/);
  });

  it('lets --title override the file title', async () => {
    await put('a.json', { title: 'File title', articles: [article('a1')] });
    expect(await run('a.json', '--out', 'out', '--title', 'Given')).toBe(EXIT_OK);
    expect((await readManifest()).title).toBe('Given');
  });

  it('fails with exit 1 listing every error and leaves --out untouched', async () => {
    await put('good.json', [article('a1')]);
    expect(await run('good.json', '--out', 'out')).toBe(EXIT_OK);
    const before = await snapshot(path.join(cli.dir, 'out'));

    await put('bad.json', [article('b1', { date: '2023-02-30' }), article('b2', { title: '' }), article('a1')]);
    expect(await run('good.json', 'bad.json', '--out', 'out')).toBe(EXIT_FAILED);
    const errors = stderr.filter((l) => l.startsWith('error:'));
    expect(errors).toEqual([
      'error: bad.json articles[0] (id "b1") date: expected a real YYYY-MM-DD date or ISO 8601 date-time, got "2023-02-30"',
      'error: bad.json articles[1] (id "b2") title: expected a non-empty string, got ""',
      'error: bad.json articles[2] (id "a1") id: expected a unique id, got "a1" again (first at good.json articles[0])',
    ]);
    expect(stderr.join('\n')).toContain('out was left untouched');
    expect(await snapshot(path.join(cli.dir, 'out'))).toEqual(before);
    expect((await readdir(cli.dir)).sort()).toEqual(['bad.json', 'good.json', 'out']);
  });

  it('skips invalid articles with --skip-invalid and lists them', async () => {
    await put('mixed.json', [article('ok'), article('bad', { body: [] })]);
    expect(await run('mixed.json', '--out', 'out', '--skip-invalid')).toBe(EXIT_OK);
    expect((await readManifest()).count).toBe(1);
    expect(stderr).toContain(
      'skipped: mixed.json articles[1] (id "bad") body: expected at least one non-empty paragraph, got an empty array',
    );
  });

  it('names file, line and column of a JSON syntax error', async () => {
    await put('broken.json', '{"articles": [\n  {"id": "a", "title": "x",}\n]}');
    expect(await run('broken.json', '--out', 'out')).toBe(EXIT_FAILED);
    expect(stderr).toContain(
      'error: broken.json line 2 column 28: invalid JSON: expected a double-quoted property name, got "}"',
    );
  });

  it('names file and line of a bad NDJSON line, and can skip it', async () => {
    await put(
      'feed.ndjson',
      `${JSON.stringify(article('n1'))}\n{"id": "n2", oops}\n${JSON.stringify(article('n3'))}\n`,
    );
    expect(await run('feed.ndjson', '--out', 'out')).toBe(EXIT_FAILED);
    expect(stderr.find((l) => l.startsWith('error:'))).toMatch(/^error: feed\.ndjson line 2 column 14: invalid JSON/);
    stderr.length = 0;
    expect(await run('feed.ndjson', '--out', 'out', '--skip-invalid')).toBe(EXIT_OK);
    expect((await readArticles()).map((a) => a.id)).toEqual(['n1', 'n3']);
    expect(stderr.some((l) => l.startsWith('skipped: feed.ndjson line 2'))).toBe(true);
  });

  it('rejects files that are not article lists', async () => {
    await put('strings.json', { strings: ['a', 'b'] });
    expect(await run('strings.json', '--out', 'out')).toBe(EXIT_FAILED);
    expect(stderr).toContain(
      'error: strings.json: expected {"articles": [...]} or an array of articles, got an object without an "articles" array',
    );
  });

  it('replaces a previous corpus completely and leaves no temporary folders', async () => {
    await put('a.json', [article('a1')]);
    expect(await run('a.json', '--out', 'out')).toBe(EXIT_OK);
    const firstChunk = (await readManifest()).chunks[0]?.file;
    await put('a.json', [article('a2')]);
    expect(await run('a.json', '--out', 'out')).toBe(EXIT_OK);
    const files = await readdir(path.join(cli.dir, 'out'));
    expect(files).not.toContain(firstChunk);
    // The manifest, one chunk and one part of the pre-built search index.
    expect(files).toHaveLength(3);
    expect(files.filter((f) => f.endsWith('.part'))).toHaveLength(1);
    expect((await readdir(cli.dir)).sort()).toEqual(['a.json', 'out']);
  });

  it('refuses to replace a folder that is not a corpus', async () => {
    await put('a.json', [article('a1')]);
    await put('src/keep.ts', 'export {};');
    expect(await run('a.json', '--out', 'src')).toBe(EXIT_FAILED);
    expect(await readFile(path.join(cli.dir, 'src/keep.ts'), 'utf8')).toBe('export {};');
  });

  it('does not read its own output folder as input', async () => {
    await put('in/a.json', [article('a1')]);
    expect(await run('in', '--out', 'in/corpus')).toBe(EXIT_OK);
    expect(await run('in', '--out', 'in/corpus')).toBe(EXIT_OK);
    expect((await readManifest('in/corpus')).count).toBe(1);
  });

  it('sanitizes HTML bodies with DOMPurify, turning remote images into links', async () => {
    const body =
      '<p onclick="steal()">Hi <a href="javascript:alert(1)">bad</a> <a href="https://example.org">good</a></p>' +
      '<script>alert(2)</script><style>p{}</style><form action="/x"><input name="q"></form><img src="https://example.org/x.png" onerror="alert(3)">';
    await put('h.json', [article('h1', { body })]);
    expect(await run('h.json', '--out', 'out')).toBe(EXIT_OK);
    const [built] = await readArticles();
    expect(built?.html).toBe(
      '<p>Hi <a>bad</a> <a href="https://example.org" rel="noopener noreferrer">good</a></p>' +
        '<a href="https://example.org/x.png" rel="noopener noreferrer" class="remote-image">x.png</a>',
    );
  });

  it('copies local images under content-hashed names, sanitizing SVG', async () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><script>alert(1)</script><rect width="4" height="4" onload="x()"/></svg>';
    await put('in/pics/dot.svg', svg);
    await put('in/a.json', [
      article('i1', {
        images: [
          { src: 'pics/dot.svg', alt: 'A dot' },
          { src: 'https://example.org/remote.png', alt: 'Remote' },
        ],
        body: '<p>Inline <img src="pics/dot.svg" alt=""></p>',
      }),
    ]);
    expect(await run('in/a.json', '--out', 'out')).toBe(EXIT_OK);
    const [built] = await readArticles();
    const local = built?.images[0]?.src ?? '';
    expect(local).toMatch(/^images\/[0-9a-f]{16}\.svg$/);
    expect(built?.images[1]?.src).toBe('https://example.org/remote.png');
    expect(built?.html).toBe(`<p>Inline <img src="${local}" alt=""></p>`);
    const copied = await readFile(path.join(cli.dir, 'out', local), 'utf8');
    expect(copied).toContain('viewBox="0 0 4 4"');
    expect(copied).not.toContain('script');
    expect(copied).not.toContain('onload');
  });

  it('warns about a missing image inside an HTML body and drops its src', async () => {
    await put('a.json', [article('i1', { body: '<p>Text <img src="gone.png" alt="gone"></p>' })]);
    expect(await run('a.json', '--out', 'out')).toBe(EXIT_OK);
    expect((await readArticles())[0]?.html).toBe('<p>Text <img alt="gone"></p>');
    expect(stderr).toContain(
      'warning: a.json articles[0] (id "i1") body: expected an image file at gone.png, got nothing there; <img> left without src',
    );
  });

  it('fails on a missing image, naming the article and field', async () => {
    await put('a.json', [article('i1', { images: [{ src: 'nowhere.png', alt: '' }] })]);
    expect(await run('a.json', '--out', 'out')).toBe(EXIT_FAILED);
    expect(stderr).toContain(
      'error: a.json articles[0] (id "i1") images[0].src: expected an image file at nowhere.png, got nothing there',
    );
  });
});

describe('ensureDemoCorpus', () => {
  it('builds the demo corpus when public/corpus is missing, and keeps it afterwards', async () => {
    await put('src/demo-corpus/articles.json', { title: 'Demo', articles: [article('d1')] });
    const log: string[] = [];
    expect(
      await ensureDemoCorpus(
        cli.dir,
        (l) => log.push(l),
        (l) => log.push(l),
      ),
    ).toBe(EXIT_OK);
    expect((await readManifest('public/corpus')).title).toBe('Demo');
    expect(
      await ensureDemoCorpus(
        cli.dir,
        (l) => log.push(l),
        (l) => log.push(l),
      ),
    ).toBe(EXIT_OK);
    expect(log).toContain('Keeping existing corpus in public/corpus');
  });
});

describe('createHtmlSanitizer', () => {
  it('gives the same answer across its jsdom window renewals', () => {
    const { sanitizeHtml } = createHtmlSanitizer();
    const dirty = '<p>Keep <em>this</em></p><img src="images/a.png" onerror="alert(1)">';
    const results = new Set(Array.from({ length: 250 }, () => sanitizeHtml(dirty)));
    expect([...results]).toEqual(['<p>Keep <em>this</em></p><img src="images/a.png">']);
  });
});

describe('nothing in an article fetches from elsewhere', () => {
  it('turns remote images into links, drops tracking pixels, media and srcset', () => {
    const { sanitizeHtml } = createHtmlSanitizer();
    expect(sanitizeHtml('<img src="//cdn.example.org/a%20b.png">')).toBe(
      '<a href="https://cdn.example.org/a%20b.png" rel="noopener noreferrer" class="remote-image">a b.png</a>',
    );
    expect(sanitizeHtml('<a href="https://example.org/x"><img src="https://example.org/t.png" alt="Thumb"></a>')).toBe(
      '<a href="https://example.org/x" rel="noopener noreferrer">Thumb</a>',
    );
    expect(sanitizeHtml('<p>Text<img src="https://t.example/p.gif" width="1" height="1" alt=""></p>')).toBe(
      '<p>Text</p>',
    );
    expect(
      sanitizeHtml(
        '<video src="https://v.example/a.mp4" poster="https://v.example/p.jpg">Watch <a href="https://v.example/a">here</a></video>' +
          '<picture><source srcset="https://i.example/a.webp"><img src="local.png" srcset="https://i.example/2x.png 2x" alt="A"></picture>' +
          '<table background="https://i.example/bg.png"><tbody><tr><td>cell</td></tr></tbody></table>',
      ),
    ).toBe('<img src="local.png" alt="A"><table><tbody><tr><td>cell</td></tr></tbody></table>');
  });
});

describe('input parsing', () => {
  it('reads a byte-order mark, a default lang and a default title', () => {
    const parsed = parseInputText('x.json', `\uFEFF${JSON.stringify({ title: ' T ', lang: 'zh', articles: [] })}`);
    expect(parsed.errors).toEqual([]);
    expect(parsed.title).toBe('T');
    expect(parsed.input).toMatchObject({ file: 'x.json', defaultLang: 'zh', articles: [] });
  });

  it('locates JSON syntax errors', () => {
    expect(locateJsonError('[1, 2]')).toBeNull();
    expect(locateJsonError('abc')).toEqual({ line: 1, column: 1, message: 'expected a value, got "a"' });
    expect(locateJsonError('[1,\n2')).toEqual({
      line: 2,
      column: 2,
      message: "expected ',' or ']', got the end of the file",
    });
    expect(locateJsonError('{"a": "x\ty"}')?.column).toBe(9);
    expect(locateJsonError('[01]')?.message).toBe("expected ',' or ']', got \"1\"");
    expect(locateJsonError('{} {}')?.message).toBe('expected end of file after the top-level value, got "{"');
  });
});
