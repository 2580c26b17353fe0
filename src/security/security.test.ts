import { describe, expect, it } from 'vitest';
import {
  CACHE_IMMUTABLE,
  CACHE_REVALIDATE,
  contentSecurityPolicy,
  securityHeaders,
  TRUSTED_TYPES_POLICIES,
} from './policy.ts';
import { isOwnScriptUrl, isPlainText } from './trusted-types.ts';

function directive(csp: string, name: string): string | undefined {
  return csp
    .split('; ')
    .find((d) => d.startsWith(`${name} `))
    ?.slice(name.length + 1);
}

describe('Content-Security-Policy', () => {
  const app = contentSecurityPolicy({ kind: 'app' });

  it('runs only our own script files: no inline, eval or blob', () => {
    expect(directive(app, 'script-src')).toBe("'self'");
    expect(directive(app, 'worker-src')).toBe("'self'");
    expect(app).not.toMatch(/unsafe-eval|wasm-unsafe-eval|blob:|strict-dynamic/);
    expect(directive(app, 'object-src')).toBe("'none'");
    expect(directive(app, 'base-uri')).toBe("'none'");
  });

  it('requires Trusted Types and lists exactly our policies', () => {
    expect(directive(app, 'require-trusted-types-for')).toBe("'script'");
    expect(directive(app, 'trusted-types')).toBe(TRUSTED_TYPES_POLICIES.join(' '));
    expect(app).not.toContain("'allow-duplicates'");
  });

  it('forbids framing the app; embed.html may be framed by the partners named', () => {
    expect(directive(app, 'frame-ancestors')).toBe("'none'");
    const embed = contentSecurityPolicy({ kind: 'embed', embedFrameAncestors: 'https://partner.example' });
    expect(directive(embed, 'frame-ancestors')).toBe('https://partner.example');
  });

  it('leaves header-only directives out of the <meta> fallback', () => {
    const meta = contentSecurityPolicy({ kind: 'app', meta: true });
    expect(meta).not.toContain('frame-ancestors');
    expect(directive(meta, 'require-trusted-types-for')).toBe("'script'");
    expect(meta).not.toContain('"');
  });
});

describe('security headers by path', () => {
  it.each([
    ['/index.html', CACHE_REVALIDATE],
    ['/sw.js', CACHE_REVALIDATE],
    ['/corpus/manifest.json', CACHE_REVALIDATE],
    ['/widget/embed.html', CACHE_REVALIDATE],
    ['/widget/folio-reader.js', CACHE_REVALIDATE],
    ['/assets/index-Djeim8Zg.js', CACHE_IMMUTABLE],
    ['/widget/assets/worker-CJ0_a-1x.js', CACHE_IMMUTABLE],
    ['/corpus/articles-0123456789abcdef.json', CACHE_IMMUTABLE],
    ['/corpus/index-0123456789abcdef.part', CACHE_IMMUTABLE],
  ])('%s: Cache-Control %s', (path, cache) => {
    const headers = securityHeaders(path);
    expect(headers['Cache-Control']).toBe(cache);
    expect(headers['X-Content-Type-Options']).toBe('nosniff');
    expect(headers['Referrer-Policy']).toBe('no-referrer');
    expect(headers['Content-Security-Policy']).toContain("require-trusted-types-for 'script'");
  });
});

describe('default policy rules', () => {
  const origin = 'https://folio.example';
  const base = `${origin}/app/`;

  it("vouches only for .js files on the page's own origin", () => {
    expect(isOwnScriptUrl('./sw.js', base, origin)).toBe(true);
    expect(isOwnScriptUrl(`${origin}/app/assets/worker-abc12345.js`, base, origin)).toBe(true);
    for (const bad of [
      'https://evil.example/sw.js',
      '//evil.example/x.js',
      'data:text/javascript,alert(1)//.js',
      'blob:https://folio.example/1234',
      'javascript:alert(1)//.js',
      './corpus/manifest.json',
    ]) {
      expect(isOwnScriptUrl(bad, base, origin), bad).toBe(false);
    }
  });

  it('lets markup-free text through, nothing with a tag', () => {
    expect(isPlainText('⌫')).toBe(true);
    expect(isPlainText('EN → 中')).toBe(true);
    expect(isPlainText('')).toBe(true);
    expect(isPlainText('<b>x</b>')).toBe(false);
    expect(isPlainText('x >')).toBe(false);
  });
});
