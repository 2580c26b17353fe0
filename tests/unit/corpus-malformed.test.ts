/** Malformed input: every problem is reported with file, line, article and field, and --out stays untouched. */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { EXIT_FAILED, EXIT_OK } from '../../src/cli/main.ts';
import { MAX_TEXT_CHARS } from '../../src/corpus/validate.ts';
import { useCliSandbox } from './cli-helpers.ts';

const cli = useCliSandbox('folio-malformed-');
const { run, put, stdout, stderr } = cli;

const errors = (): string[] => stderr.filter((l) => l.startsWith('error:'));
const GOOD = JSON.stringify([{ id: 'good', title: 'Good', date: '2024-01-01', category: null, body: ['Fine.'] }]);
/** The 50 MB case must fail fast: well under this, on a slow machine too. */
const HUGE_PARAGRAPH_BUDGET_MS = 20_000;
const MB = 1024 * 1024;

describe('malformed input', () => {
  it('truncated JSON: file, line and column', async () => {
    await put('cut.json', '{"articles": [\n  {"id": "a", "title": "A", "body": ["x"]},\n  {"id": "b", "tit');
    expect(await run('cut.json', '--out', 'out')).toBe(EXIT_FAILED);
    expect(errors()).toEqual([
      'error: cut.json line 3 column 19: invalid JSON: expected a closing double quote, got the end of the file',
    ]);
  });

  it('wrong types: every field named, with what was expected', async () => {
    const bad = {
      id: 'typed',
      title: ['not', 'text'],
      date: 20240101,
      category: 7,
      body: [1, 'ok'],
      tags: 'one',
      lang: 'english',
      images: { src: 'a.png' },
      translations: ['zh'],
    };
    await put('types.json', JSON.stringify({ articles: [bad, { title: 'No id', body: ['x'] }] }));
    expect(await run('types.json', '--out', 'out')).toBe(EXIT_FAILED);
    expect(errors()).toEqual([
      'error: types.json articles[0] (id "typed") title: expected a non-empty string, got an array',
      'error: types.json articles[0] (id "typed") date: expected YYYY-MM-DD, an ISO 8601 date-time or null, got a number (20240101)',
      'error: types.json articles[0] (id "typed") category: expected a string or null, got a number (7)',
      'error: types.json articles[0] (id "typed") body[0]: expected a string, got a number (1)',
      'error: types.json articles[0] (id "typed") tags: expected an array of strings, got "one"',
      'error: types.json articles[0] (id "typed") lang: expected a BCP 47 language tag such as "en" or "zh-CN", got "english"',
      'error: types.json articles[0] (id "typed") images: expected an array of {src, alt} objects, got an object',
      'error: types.json articles[0] (id "typed") translations: expected an object such as {"zh": "<id>"}, got an array',
      'error: types.json articles[1] id: expected a string, got nothing',
    ]);
  });

  it('duplicate ids across formats name the first one', async () => {
    await put('in/a.json', JSON.stringify([{ id: 'storm', title: 'Storm', body: ['x'] }]));
    await put('in/storm.md', '---\ntitle: Storm again\n---\nText.\n');
    expect(await run('in', '--out', 'out')).toBe(EXIT_FAILED);
    expect(errors()).toEqual([
      'error: in/storm.md (id "storm") id: expected a unique id, got "storm" again (first at in/a.json articles[0])',
    ]);
  });

  it('a 50 MB paragraph: a quick error naming the article and field, and --skip-invalid builds the rest', async () => {
    const huge = 'x'.repeat(50 * MB);
    await put('big.json', JSON.stringify([{ id: 'big', title: 'Big', body: ['Intro.', huge] }, JSON.parse(GOOD)[0]]));
    const started = performance.now();
    expect(await run('big.json', '--out', 'out')).toBe(EXIT_FAILED);
    expect(errors()).toEqual([
      `error: big.json articles[0] (id "big") body[1]: expected at most ${MAX_TEXT_CHARS} characters, got ${50 * MB}`,
    ]);
    expect(await run('big.json', '--out', 'out', '--skip-invalid')).toBe(EXIT_OK);
    expect(performance.now() - started).toBeLessThan(HUGE_PARAGRAPH_BUDGET_MS);
    expect(stdout.join('\n')).toMatch(/articles: +1 /);
  }, 60_000);

  it('a body too long in total, and an over-long title', async () => {
    const half = 'y'.repeat(MAX_TEXT_CHARS / 2 + 1);
    await put('long.json', JSON.stringify([{ id: 'long', title: 't'.repeat(MAX_TEXT_CHARS + 1), body: [half, half] }]));
    expect(await run('long.json', '--out', 'out')).toBe(EXIT_FAILED);
    expect(errors()).toEqual([
      `error: long.json articles[0] (id "long") title: expected at most ${MAX_TEXT_CHARS} characters, got ${MAX_TEXT_CHARS + 1}`,
      `error: long.json articles[0] (id "long") body: expected at most ${MAX_TEXT_CHARS} characters, got ${MAX_TEXT_CHARS + 2}`,
    ]);
  });

  it('a 50 MB text in a feed is refused before the XML parser sees it', async () => {
    await put(
      'big.rss',
      `<rss version="2.0"><channel>\n<item><title>Big</title><description>${'z'.repeat(50 * MB)}</description></item></channel></rss>`,
    );
    const started = performance.now();
    expect(await run('big.rss', '--out', 'out')).toBe(EXIT_FAILED);
    expect(performance.now() - started).toBeLessThan(HUGE_PARAGRAPH_BUDGET_MS);
    expect(errors()[0]).toMatch(/^error: big\.rss line 2: expected no text over \d+ characters in one element/);
  }, 60_000);

  it('broken XML: file, line and column', async () => {
    await put(
      'feeds/broken.xml',
      '<?xml version="1.0"?>\n<rss version="2.0"><channel>\n  <item><title>A</channel></rss>',
    );
    expect(await run('feeds', '--out', 'out')).toBe(EXIT_FAILED);
    expect(errors()).toEqual([
      "error: feeds/broken.xml line 3 column 17: invalid XML: Expected closing tag 'title' (opened in line 3, col 9) instead of closing tag 'channel'.",
    ]);
  });

  it('Markdown with broken YAML: the line, and --skip-invalid skips just that file', async () => {
    await put('notes/good.md', '---\ntitle: Good\n---\nFine.\n');
    await put('notes/bad.md', '---\ntitle: Bad\ntags: [one, two\ndate: 2024-01-01\n---\nText.\n');
    expect(await run('notes', '--out', 'out')).toBe(EXIT_FAILED);
    expect(errors()).toEqual([
      'error: notes/bad.md line 4 column 1: invalid YAML front matter: missed comma between flow collection entries',
    ]);
    expect(await run('notes', '--out', 'out', '--skip-invalid')).toBe(EXIT_OK);
    expect(stderr).toContain(
      'skipped: notes/bad.md line 4 column 1: invalid YAML front matter: missed comma between flow collection entries',
    );
  });

  it('keeps --out untouched on any error, and counts errors and warnings apart', async () => {
    await put('good.json', GOOD);
    expect(await run('good.json', '--out', 'out')).toBe(EXIT_OK);
    const before = await readdir(path.join(cli.dir, 'out'));
    const manifest = await readFile(path.join(cli.dir, 'out', 'manifest.json'), 'utf8');
    await put(
      'warn.json',
      JSON.stringify([
        { id: 'w', title: 'Bell\u0007', body: ['x'] },
        { id: 'w', title: 'Twice', body: ['y'] },
      ]),
    );
    expect(await run('good.json', 'warn.json', '--out', 'out')).toBe(EXIT_FAILED);
    expect(stderr.filter((l) => l.startsWith('warning:'))).toEqual([
      'warning: warn.json articles[0] (id "w") title: removed 1 control character (U+0007)',
    ]);
    expect(stderr).toContain('Build failed with 1 error and 1 warning; out was left untouched.');
    expect(await readdir(path.join(cli.dir, 'out'))).toEqual(before);
    expect(await readFile(path.join(cli.dir, 'out', 'manifest.json'), 'utf8')).toBe(manifest);
  });
});
