import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SYNC_PARAM,
  parseAttributes,
  parseHeight,
  parseLang,
  parseSearch,
  parseSyncParam,
  parseTheme,
  resolveCorpus,
} from '../../src/widget/attributes.ts';
import { embedOptions } from '../../src/widget/embed-options.ts';
import {
  acceptOpen,
  heightMessage,
  isHeightMessage,
  isOpenMessage,
  parseParentOrigin,
} from '../../src/widget/messages.ts';
import { readArticleParam, withArticleParam } from '../../src/widget/sync-url.ts';

describe('widget attributes', () => {
  it('reads lang as en or zh-CN, with zh and any zh-* accepted, else the browser languages', () => {
    expect(parseLang('en', [])).toBe('en');
    expect(parseLang('zh', [])).toBe('zh-CN');
    expect(parseLang('zh-Hant-TW', [])).toBe('zh-CN');
    expect(parseLang(' ZH-cn ', ['en'])).toBe('zh-CN');
    expect(parseLang('fr', ['zh-TW'])).toBe('zh-CN');
    expect(parseLang(undefined, ['de'])).toBe('en');
  });

  it('falls back to auto theme, search on and auto height', () => {
    expect(parseTheme('DARK')).toBe('dark');
    expect(parseTheme('blue')).toBe('auto');
    expect(parseTheme(null)).toBe('auto');
    expect(parseSearch(undefined)).toBe(true);
    expect(parseSearch('')).toBe(true);
    expect(parseSearch('on')).toBe(true);
    for (const off of ['off', 'false', 'No', '0', 'none']) expect(parseSearch(off)).toBe(false);
  });

  it('accepts a fixed height with a unit (pixels by default) or auto', () => {
    expect(parseHeight('480px')).toBe('480px');
    expect(parseHeight('480')).toBe('480px');
    expect(parseHeight('30.5rem')).toBe('30.5rem');
    expect(parseHeight('80vh')).toBe('80vh');
    expect(parseHeight('auto')).toBeNull();
    expect(parseHeight('0px')).toBeNull();
    expect(parseHeight('calc(100% - 1px)')).toBeNull();
    expect(parseHeight('480px; color: red')).toBeNull();
  });

  it('turns sync-url on only when present, with a safe parameter name', () => {
    expect(parseSyncParam(undefined)).toBeNull();
    expect(parseSyncParam(null)).toBeNull();
    expect(parseSyncParam('')).toBe(DEFAULT_SYNC_PARAM);
    expect(parseSyncParam('true')).toBe(DEFAULT_SYNC_PARAM);
    expect(parseSyncParam('off')).toBeNull();
    expect(parseSyncParam('news')).toBe('news');
    expect(parseSyncParam('a&b=c')).toBe(DEFAULT_SYNC_PARAM);
  });

  it('resolves the corpus against the host page, http(s) only', () => {
    expect(resolveCorpus('corpus/manifest.json', 'https://partner.example/news/')).toBe(
      'https://partner.example/news/corpus/manifest.json',
    );
    expect(resolveCorpus('javascript:alert(1)', 'https://partner.example/')).toBeNull();
    expect(resolveCorpus('  ', 'https://partner.example/')).toBeNull();
    const options = parseAttributes(
      { corpus: '/c/manifest.json', category: ' ', article: 'a-1' },
      'https://p.example/x',
      [],
    );
    expect(options).toMatchObject({
      corpus: 'https://p.example/c/manifest.json',
      category: null,
      article: 'a-1',
      syncParam: null,
    });
  });
});

describe('sync-url', () => {
  const base = 'https://partner.example/page';
  it('adds, replaces and removes its own parameter, keeping the rest as written', () => {
    expect(withArticleParam(`${base}?q=a%20b&x=1#host`, 'folio-article', 'en 1/2')).toBe(
      `${base}?q=a%20b&x=1&folio-article=en%201%2F2#host`,
    );
    expect(withArticleParam(`${base}?folio-article=old&q=a+b#h`, 'folio-article', 'new')).toBe(
      `${base}?q=a+b&folio-article=new#h`,
    );
    expect(withArticleParam(`${base}?q=1&folio-article=old#h`, 'folio-article', null)).toBe(`${base}?q=1#h`);
    expect(withArticleParam(`${base}?folio-article=old`, 'folio-article', null)).toBe(base);
    expect(withArticleParam(`${base}#/?folio-article=x`, 'folio-article', null)).toBe(`${base}#/?folio-article=x`);
  });

  it('reads the article id, ignoring the hash and undecodable values', () => {
    expect(readArticleParam(`${base}?folio-article=zh-2023%E5%B9%B4#x`, 'folio-article')).toBe('zh-2023年');
    expect(readArticleParam(`${base}#?folio-article=x`, 'folio-article')).toBeNull();
    expect(readArticleParam(`${base}?folio-article=%E0%A4%A`, 'folio-article')).toBeNull();
    expect(readArticleParam(`${base}?folio-article=`, 'folio-article')).toBeNull();
  });
});

describe('iframe messages', () => {
  const parent = { name: 'parent window' };
  it('accepts folio:open only from the parent origin and window, well formed', () => {
    const ok = { origin: 'https://partner.example', source: parent, data: { type: 'folio:open', id: ' a-1 ' } };
    expect(acceptOpen(ok, 'https://partner.example', parent)).toBe('a-1');
    expect(acceptOpen({ ...ok, origin: 'https://evil.example' }, 'https://partner.example', parent)).toBeNull();
    expect(acceptOpen({ ...ok, source: {} }, 'https://partner.example', parent)).toBeNull();
    expect(acceptOpen(ok, null, parent)).toBeNull();
    for (const data of [
      null,
      'folio:open',
      [1],
      { type: 'folio:open' },
      { type: 'folio:open', id: 3 },
      { type: 'folio:open', id: '' },
      { type: 'folio:open', id: 'x'.repeat(600) },
    ]) {
      expect(acceptOpen({ ...ok, data }, 'https://partner.example', parent)).toBeNull();
    }
    expect(isOpenMessage({ type: 'folio:open', id: 'x' })).toBe(true);
    // Only own properties of a plain object count, and no id holds control characters.
    expect(isOpenMessage(Object.create({ type: 'folio:open', id: 'x' }))).toBe(false);
    expect(isOpenMessage(Object.assign(Object.create({ id: 'x' }), { type: 'folio:open' }))).toBe(false);
    expect(isOpenMessage(Object.assign(new Map(), { type: 'folio:open', id: 'x' }))).toBe(false);
    expect(isOpenMessage({ type: 'folio:open', id: 'x\u0000' })).toBe(false);
    expect(isHeightMessage(Object.create({ type: 'folio:height', height: 5 }))).toBe(false);
  });

  it('guards height messages and builds them rounded and bounded', () => {
    expect(isHeightMessage({ type: 'folio:height', height: 480 })).toBe(true);
    for (const height of [Number.NaN, Infinity, -1, 2e6, '480']) {
      expect(isHeightMessage({ type: 'folio:height', height })).toBe(false);
    }
    expect(heightMessage(479.2)).toEqual({ type: 'folio:height', height: 480 });
    expect(isHeightMessage(heightMessage(-5))).toBe(true);
  });

  it('takes the parent parameter only as a bare http(s) origin', () => {
    expect(parseParentOrigin('https://partner.example')).toBe('https://partner.example');
    expect(parseParentOrigin('https://partner.example/')).toBe('https://partner.example');
    expect(parseParentOrigin('http://localhost:8080')).toBe('http://localhost:8080');
    expect(parseParentOrigin('https://partner.example/page')).toBeNull();
    expect(parseParentOrigin('*')).toBeNull();
    expect(parseParentOrigin('javascript:alert(1)')).toBeNull();
    expect(parseParentOrigin(null)).toBeNull();
  });

  it('embed.html takes a corpus on its own origin only', () => {
    const page = 'https://folio.example/widget/embed.html';
    const ok = embedOptions('?corpus=/corpus/manifest.json&lang=zh&theme=dark&parent=https://partner.example', page);
    expect(ok).toEqual({
      attributes: { corpus: 'https://folio.example/corpus/manifest.json', lang: 'zh', theme: 'dark' },
      parentOrigin: 'https://partner.example',
      corpusRefused: null,
    });
    const foreign = embedOptions('?corpus=https://evil.example/manifest.json', page);
    expect(foreign.attributes.corpus).toBeUndefined();
    expect(foreign.corpusRefused).toBe('https://evil.example/manifest.json');
  });
});
