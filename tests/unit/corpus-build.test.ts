import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import {
  buildCorpus,
  escapeHtmlText,
  utf8ByteLength,
  type BuildInput,
  type BuildOptions,
  type BuildResult,
} from '../../src/corpus/build.ts';
import type { Article, Manifest } from '../../src/corpus/types.ts';
import { isChunk, isManifest } from '../../src/corpus/validate.ts';

const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

function options(overrides: Partial<BuildOptions> = {}): BuildOptions {
  return {
    title: 'Test corpus',
    skipInvalid: false,
    sanitizeHtml: (html) => html.replace(/<script>.*?<\/script>/g, ''),
    sha256Hex,
    ...overrides,
  };
}

function article(id: string, date: string | null, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, title: `Title ${id}`, date, category: 'News', body: [`Body of ${id}.`], ...extra };
}

function manifestOf(result: BuildResult): Manifest {
  if (!result.manifest) throw new Error(`build failed: ${JSON.stringify(result.errors)}`);
  return result.manifest;
}

function articlesOf(result: BuildResult): Article[] {
  return manifestOf(result).chunks.flatMap((ref) => {
    const text = result.files.get(ref.file);
    if (text === undefined) throw new Error(`missing ${ref.file}`);
    const chunk: unknown = JSON.parse(text);
    if (!isChunk(chunk)) throw new Error(`${ref.file} is not a chunk`);
    return chunk.articles;
  });
}

describe('buildCorpus', () => {
  it('escapes plain-text paragraphs instead of sanitizing them', () => {
    const sanitizeHtml = vi.fn((html: string) => html);
    const result = buildCorpus(
      [
        {
          file: 'a.json',
          articles: [article('r1', '1987-03-01', { body: ['Shares of <SRD> rose & fell.', 'Line one\nline two'] })],
        },
      ],
      options({ sanitizeHtml }),
    );
    const [built] = articlesOf(result);
    expect(built?.html).toBe('<p>Shares of &lt;SRD&gt; rose &amp; fell.</p><p>Line one<br>line two</p>');
    expect(sanitizeHtml).not.toHaveBeenCalled();
  });

  it('sends an HTML body through the sanitizer, and keeps titles as text', () => {
    const result = buildCorpus(
      [
        {
          file: 'a.json',
          articles: [article('h1', null, { title: '<b>Bold</b> & co', body: '<p>Hi</p><script>alert(1)</script>' })],
        },
      ],
      options(),
    );
    const [built] = articlesOf(result);
    expect(built?.html).toBe('<p>Hi</p>');
    expect(built?.title).toBe('<b>Bold</b> & co');
  });

  it('fails when sanitizing leaves nothing', () => {
    const result = buildCorpus(
      [{ file: 'a.json', articles: [article('h1', null, { body: '<script>x</script>' })] }],
      options(),
    );
    expect(result.manifest).toBeNull();
    expect(result.errors).toMatchObject([{ file: 'a.json', index: 0, id: 'h1', field: 'body' }]);
  });

  it('strips control characters everywhere with a warning per field', () => {
    const result = buildCorpus(
      [
        {
          file: 'a.json',
          articles: [
            article('c1', null, {
              title: 'Bell\u0007',
              summary: 'Esc\u001b[31m',
              tags: ['t\u0000ag'],
              body: ['a\u0085b'],
            }),
          ],
        },
      ],
      options(),
    );
    const [built] = articlesOf(result);
    expect(built).toMatchObject({ title: 'Bell', summary: 'Esc[31m', tags: ['tag'], html: '<p>ab</p>' });
    expect(result.warnings.map((w) => [w.file, w.index, w.id, w.field])).toEqual([
      ['a.json', 0, 'c1', 'title'],
      ['a.json', 0, 'c1', 'body[0]'],
      ['a.json', 0, 'c1', 'summary'],
      ['a.json', 0, 'c1', 'tags[0]'],
    ]);
  });

  it('writes a manifest that matches its chunks', () => {
    const inputs: BuildInput[] = [
      {
        file: 'mixed.json',
        defaultLang: 'en',
        articles: [
          article('e2', '2024-05-01', { category: 'Sport' }),
          article('e1', '2023-01-01'),
          article('z1', '2024-02-01', { lang: 'zh', category: '体育' }),
          article('u1', null, { category: null }),
        ],
      },
    ];
    const result = buildCorpus(inputs, options());
    const manifest = manifestOf(result);
    expect(isManifest(manifest)).toBe(true);
    expect(manifest).toMatchObject({
      format: 1,
      title: 'Test corpus',
      languages: ['en', 'zh'],
      count: 4,
      dated: 3,
      counts: { lang: { en: 3, zh: 1 }, category: { News: 1, Sport: 1, 体育: 1 } },
      categories: ['News', 'Sport', '体育'],
      years: [2023, 2024],
    });
    expect(articlesOf(result).map((a) => [a.id, a.ord, a.prev?.id ?? null, a.next?.id ?? null])).toEqual([
      ['e1', 0, null, 'e2'],
      ['z1', 1, null, null],
      ['e2', 2, 'e1', 'u1'],
      ['u1', 3, 'e2', null],
    ]);
    for (const ref of manifest.chunks) {
      const text = result.files.get(ref.file) ?? '';
      expect(ref.hash).toBe(sha256Hex(text));
      expect(ref.file).toBe(`articles-${ref.hash.slice(0, 16)}.json`);
    }
    expect(result.files.get('manifest.json')).toBe(`${JSON.stringify(manifest, null, 2)}\n`);
  });

  it('uses article lang, then the file default, then a guess', () => {
    const result = buildCorpus(
      [
        { file: 'd.json', defaultLang: 'zh-cn', articles: [article('d1', null)] },
        {
          file: 'g.json',
          articles: [article('g1', null, { title: '港光科学院', body: ['研究人员完成了测试。'] }), article('g2', null)],
        },
      ],
      options(),
    );
    expect(articlesOf(result).map((a) => [a.id, a.lang])).toEqual([
      ['d1', 'zh-CN'],
      ['g1', 'zh'],
      ['g2', 'en'],
    ]);
  });

  it('is deterministic: the same input gives byte-identical files', () => {
    const inputs: BuildInput[] = [
      {
        file: 'a.json',
        articles: Array.from({ length: 50 }, (_, i) =>
          article(`n${i}`, `2024-01-${String((i % 28) + 1).padStart(2, '0')}`),
        ),
      },
    ];
    const first = buildCorpus(inputs, options({ maxChunkBytes: 2000 }));
    const second = buildCorpus(structuredClone(inputs), options({ maxChunkBytes: 2000 }));
    expect([...second.files]).toEqual([...first.files]);
    const retitled = buildCorpus(inputs, options({ maxChunkBytes: 2000, title: 'Other' }));
    expect(manifestOf(retitled).hash).not.toBe(manifestOf(first).hash);
  });

  it('splits chunks to stay under maxChunkBytes, in corpus order', () => {
    const maxChunkBytes = 4096;
    const articles = Array.from({ length: 60 }, (_, i) =>
      article(`a${String(i).padStart(2, '0')}`, '2024-01-01', { body: ['长文本 '.repeat(40)] }),
    );
    const result = buildCorpus([{ file: 'a.json', articles }], options({ maxChunkBytes }));
    const manifest = manifestOf(result);
    expect(manifest.chunks.length).toBeGreaterThan(1);
    for (const ref of manifest.chunks) {
      expect(utf8ByteLength(result.files.get(ref.file) ?? '')).toBeLessThanOrEqual(maxChunkBytes);
    }
    expect(manifest.chunks.reduce((n, c) => n + c.count, 0)).toBe(60);
    expect(articlesOf(result).map((a) => a.ord)).toEqual(Array.from({ length: 60 }, (_, i) => i));
  });

  it('gives an oversized article a chunk of its own, with a warning', () => {
    const result = buildCorpus(
      [
        {
          file: 'a.json',
          articles: [article('small', '2024-01-01'), article('huge', '2024-01-02', { body: ['x'.repeat(5000)] })],
        },
      ],
      options({ maxChunkBytes: 1000 }),
    );
    expect(manifestOf(result).chunks.map((c) => c.count)).toEqual([1, 1]);
    expect(result.warnings).toMatchObject([{ id: 'huge', message: expect.stringContaining('chunk of its own') }]);
  });

  it('fails listing every invalid article, or skips them with skipInvalid', () => {
    const inputs: BuildInput[] = [
      {
        file: 'a.json',
        articles: [article('ok', '2024-01-01'), article('bad-date', 'yesterday'), { title: 'no id', body: ['x'] }],
      },
      { file: 'b.json', articles: [article('ok', '2024-02-02')] },
    ];
    const failed = buildCorpus(inputs, options());
    expect(failed.manifest).toBeNull();
    expect(failed.files.size).toBe(0);
    expect(failed.errors.map((e) => [e.file, e.index, e.field])).toEqual([
      ['a.json', 1, 'date'],
      ['a.json', 2, 'id'],
      ['b.json', 0, 'id'],
    ]);

    const skipped = buildCorpus(inputs, options({ skipInvalid: true }));
    expect(skipped.errors).toEqual([]);
    expect(manifestOf(skipped).count).toBe(1);
    expect(skipped.skipped.map((s) => [s.file, s.index, s.id ?? null, s.reasons.length])).toEqual([
      ['a.json', 1, 'bad-date', 1],
      ['a.json', 2, null, 1],
      ['b.json', 0, 'ok', 1],
    ]);
  });

  it('fails on an empty corpus and on a bad default lang', () => {
    expect(buildCorpus([{ file: 'a.json', articles: [] }], options()).errors).toMatchObject([
      { message: 'expected at least one valid article, got none' },
    ]);
    expect(
      buildCorpus([{ file: 'a.json', articles: [{ id: 'x' }] }], options({ skipInvalid: true })).errors,
    ).toMatchObject([{ message: 'expected at least one valid article, got none (1 skipped as invalid)' }]);
    expect(
      buildCorpus([{ file: 'a.json', defaultLang: 'klingon!', articles: [article('a', null)] }], options()).errors,
    ).toMatchObject([{ file: 'a.json', index: null, field: 'lang' }]);
  });

  it('resolves local image paths and reports missing ones', () => {
    const resolveImage = vi.fn((src: string) =>
      src === 'images/ok.png'
        ? { ok: true as const, src: 'images/0123456789abcdef.png' }
        : { ok: false as const, message: 'missing' },
    );
    const images = [
      { src: 'images/ok.png', alt: 'ok' },
      { src: 'https://example.org/remote.png', alt: 'remote' },
    ];
    const good = buildCorpus(
      [{ file: 'a.json', articles: [article('i1', null, { images })] }],
      options({ resolveImage }),
    );
    expect(articlesOf(good)[0]?.images).toEqual([
      { src: 'images/0123456789abcdef.png', alt: 'ok' },
      { src: 'https://example.org/remote.png', alt: 'remote' },
    ]);
    expect(resolveImage).toHaveBeenCalledWith('images/ok.png', 'a.json');

    const bad = buildCorpus(
      [{ file: 'a.json', articles: [article('i2', null, { images: [{ src: 'nope.png', alt: '' }] })] }],
      options({ resolveImage }),
    );
    expect(bad.errors).toEqual([{ file: 'a.json', index: 0, id: 'i2', field: 'images[0].src', message: 'missing' }]);
  });

  it('drops translations that point outside the corpus, and adds missing links back', () => {
    const result = buildCorpus(
      [
        {
          file: 'a.json',
          articles: [
            article('e1', null, { translations: { zh: 'z1' } }),
            article('z1', null, { lang: 'zh', translations: { en: 'gone' } }),
          ],
        },
      ],
      options(),
    );
    expect(result.warnings).toEqual([
      {
        file: 'a.json',
        index: 1,
        id: 'z1',
        field: 'translations.en',
        message: 'expected the id of another article in this corpus, got "gone"; link dropped',
      },
      {
        file: 'a.json',
        index: 1,
        id: 'z1',
        field: 'translations.en',
        message: 'expected a link back to "e1", which names this article as its zh translation, got none; link added',
      },
    ]);
    expect(Object.fromEntries(articlesOf(result).map((a) => [a.id, a.translations]))).toEqual({
      e1: { zh: 'z1' },
      z1: { en: 'e1' },
    });
  });

  it('warns when a pair disagrees: another article back, or a key in the wrong language', () => {
    const result = buildCorpus(
      [
        {
          file: 'a.json',
          articles: [
            article('e1', null, { translations: { zh: 'z1' } }),
            article('e2', null, { translations: { fr: 'e1' } }),
            article('z1', null, { lang: 'zh', translations: { en: 'e2' } }),
            article('self', null, { translations: { de: 'self' } }),
          ],
        },
      ],
      options(),
    );
    // Corpus order (undated, so by id): e1, e2, self, z1.
    expect(result.warnings.map((w) => `${w.id} ${w.field}: ${w.message}`)).toEqual([
      'self translations.de: expected the id of another article in this corpus, got its own id; link dropped',
      'z1 translations.en: expected a link back to "e1", which names this article as its zh translation, got "e2"',
      'e2 translations.fr: expected the id of a fr article, got "e1", which is en',
      'e2 translations.zh: expected a link back to "z1", which names this article as its en translation, got none; link added',
    ]);
  });
});

describe('escapeHtmlText and utf8ByteLength', () => {
  it('escape only what element content needs', () => {
    expect(escapeHtmlText(`<a href="x">Tom's & Jerry's</a>`)).toBe(`&lt;a href="x"&gt;Tom's &amp; Jerry's&lt;/a&gt;`);
  });

  it('count UTF-8 bytes like Buffer does', () => {
    for (const text of ['', 'ascii', 'é', '港光', '😀', 'mixed é 港 😀']) {
      expect(utf8ByteLength(text)).toBe(Buffer.byteLength(text, 'utf8'));
    }
  });
});
