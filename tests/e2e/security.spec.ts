/**
 * The built app under its own policy (docs/SECURITY.md): the headers `vite preview` sends, and zero
 * CSP / Trusted Types violations on every route, in kiosk mode, on the widget's iframe page and on the
 * partner example page. The counter itself is checked to catch a real violation, so zero means zero.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CACHE_IMMUTABLE, CACHE_REVALIDATE, contentSecurityPolicy, COMMON_HEADERS } from '../../src/security/policy.ts';
import { openHome, readBuiltCorpus, type BuiltArticle } from './helpers.ts';
import { E2E_DIST } from './paths.ts';
import { guardPage, type Guard } from './security-helpers.ts';

let articles: BuiltArticle[] = [];
test.beforeAll(async () => {
  articles = await readBuiltCorpus(`${E2E_DIST}/corpus`);
});

const heading = (page: Page) => page.getByRole('heading', { level: 1 });
const results = (page: Page) => page.getByRole('list', { name: 'Search results' });

function originOf(baseURL: string | undefined): string {
  if (!baseURL) throw new Error('no baseURL');
  return new URL(baseURL).origin;
}

async function expectClean(guard: Guard, where: string): Promise<void> {
  expect(await guard.problems(), where).toEqual([]);
}

test('the app, its files and the widget page are served with the CSP, Trusted Types and the other headers', async ({
  request,
}) => {
  const appCsp = contentSecurityPolicy({ kind: 'app' });
  const embedCsp = contentSecurityPolicy({ kind: 'embed' });
  const manifest = JSON.parse(await readFile(`${E2E_DIST}/corpus/manifest.json`, 'utf8')) as {
    chunks: { file: string }[];
  };
  const chunk = manifest.chunks[0]?.file;
  const html = await readFile(`${E2E_DIST}/index.html`, 'utf8');
  const script = /src="\.\/(assets\/index-[\w-]+\.js)"/.exec(html)?.[1];
  if (!chunk || !script) throw new Error('the e2e build has no chunk or entry script');
  const expected: [string, string, string][] = [
    ['./', appCsp, CACHE_REVALIDATE],
    ['./index.html', appCsp, CACHE_REVALIDATE],
    ['./#/search?q=x', appCsp, CACHE_REVALIDATE],
    ['./sw.js', appCsp, CACHE_REVALIDATE],
    ['./corpus/manifest.json', appCsp, CACHE_REVALIDATE],
    [`./corpus/${chunk}`, appCsp, CACHE_IMMUTABLE],
    [`./${script}`, appCsp, CACHE_IMMUTABLE],
    ['./widget/embed.html', embedCsp, CACHE_REVALIDATE],
    ['./widget/folio-reader.js', appCsp, CACHE_REVALIDATE],
  ];
  for (const [path, csp, cache] of expected) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(200);
    const headers = response.headers();
    expect(headers['content-security-policy'], path).toBe(csp);
    expect(headers['cache-control'], path).toBe(cache);
    for (const [name, value] of Object.entries(COMMON_HEADERS)) expect(headers[name.toLowerCase()], path).toBe(value);
  }
  expect(appCsp).toContain("script-src 'self';");
  expect(appCsp).toContain("require-trusted-types-for 'script'");
  expect(appCsp).toContain('trusted-types svelte-trusted-html dompurify default');
  expect(appCsp).toContain("frame-ancestors 'none'");
  expect(appCsp).not.toMatch(/unsafe-eval|blob:|'unsafe-inline'[^;]*;.*script-src/);
  // The <meta> fallback for hosts without headers: the same policy minus frame-ancestors.
  expect(html).toContain(
    `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy({ kind: 'app', meta: true })}" />`,
  );
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
});

test('every route of the app runs with zero CSP and Trusted Types violations', async ({ page, baseURL }) => {
  const guard = await guardPage(page, [originOf(baseURL)]);
  const withImages = articles.find((a) => a.id === 'en-2023-02-coral-survey');
  const category = articles.find((a) => a.category === 'Research')?.category;
  if (!withImages || !category) throw new Error('the demo corpus changed');

  await openHome(page);
  await expectClean(guard, 'home');

  await page.goto(`./#/category/${encodeURIComponent(category)}`);
  await expect(heading(page)).toHaveText(`Category: ${category}`);
  await expect(page.locator('ol.articles > li').first()).toBeVisible();
  await expectClean(guard, 'category');

  await page.goto('./#/archive/2024');
  await expect(heading(page)).toHaveText('Archive: 2024');
  await page.goto('./#/archive/2024/05');
  await expect(page.locator('ol.articles > li').first()).toBeVisible();
  await expectClean(guard, 'archive year and month');

  // An article with images and sanitized HTML (DOMPurify's TrustedHTML), then saved.
  await page.goto(`./#/article/${withImages.id}`);
  await expect(heading(page)).toHaveText(withImages.title);
  await expect(page.locator('article .body p').first()).toBeVisible();
  await expect(page.locator('figure img').first()).toBeVisible();
  await page.getByRole('button', { name: 'Save this article' }).click();
  await expectClean(guard, 'article');

  // Search: the module worker, then highlighted titles and snippets (text nodes and bare <mark>, no policy needed).
  await page.goto('./#/search?q=coral%20reef');
  await expect(results(page).getByRole('link').first()).toBeVisible({ timeout: 30_000 });
  await expect(results(page).locator('.snippet mark').first()).toBeVisible();
  await expectClean(guard, 'search with results');

  await page.goto('./#/saved');
  await expect(heading(page)).toHaveText('Saved articles');
  await expect(page.getByTestId('saved-list').getByRole('link', { name: withImages.title })).toBeVisible();
  await page.goto('./#/settings');
  await expect(heading(page)).toHaveText('Settings');
  await page.goto('./#/article/no-such-article');
  await expect(heading(page)).toHaveText('Page not found');
  await page.goto('./#/no/such/page');
  await expect(heading(page)).toHaveText('Page not found');
  await expectClean(guard, 'saved, settings, not found');
});

test('the service worker registers and takes control under the policy (workbox-window, default policy)', async ({
  browser,
  baseURL,
}) => {
  const context = await browser.newContext({ serviceWorkers: 'allow', baseURL });
  try {
    const page = await context.newPage();
    const guard = await guardPage(page, [originOf(baseURL)]);
    await openHome(page);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    await expectClean(guard, 'service worker');
  } finally {
    await context.close();
  }
});

test('kiosk mode: start screen, on-screen keyboard search and a QR code, with zero violations', async ({
  page,
  baseURL,
}) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  const guard = await guardPage(page, [originOf(baseURL)]);
  await openHome(page, './?mode=kiosk#/');
  await page.goto('./?mode=kiosk#/search?q=');
  await expect(page.locator('.kiosk-keyboard')).toBeVisible();
  for (const char of 'tidal') await page.locator(`.kiosk-keyboard .hg-button[data-skbtn="${char}"]`).click();
  await expect(page.getByRole('searchbox', { name: 'Search articles' })).toHaveValue('tidal');
  await expect(results(page).getByRole('link').first()).toBeVisible({ timeout: 30_000 });
  await page.locator('.kiosk-keyboard .hg-button[data-skbtn="{lang}"]').click();
  await expectClean(guard, 'kiosk keyboard');

  await page.evaluate(() => {
    const link = document.createElement('a');
    link.href = 'https://example.org/more';
    link.target = '_blank';
    link.textContent = 'Read more elsewhere';
    document.querySelector('main')?.prepend(link);
  });
  await page.getByRole('link', { name: 'Read more elsewhere' }).click();
  const dialog = page.getByRole('dialog', { name: 'Continue on your phone' });
  await expect(dialog.locator('svg path')).toHaveAttribute('d', /^M\d/);
  await expectClean(guard, 'kiosk QR code');
});

test('the widget page embed.html runs with zero violations: list, article, search', async ({ page, baseURL }) => {
  const guard = await guardPage(page, [originOf(baseURL)]);
  await page.goto('./widget/embed.html?corpus=../corpus/manifest.json&lang=en');
  const widget = page.locator('folio-reader');
  await expect(widget.getByRole('heading', { level: 2, name: 'Latest articles' })).toBeVisible({ timeout: 30_000 });
  const target = articles.filter((a) => a.lang === 'en' && a.date !== null).sort((a, b) => b.ord - a.ord)[1];
  if (!target) throw new Error('the demo corpus has too few English articles');
  await widget.locator(`a.title[href="#/article/${target.id}"]`).click();
  await expect(widget.getByRole('heading', { level: 2, name: target.title })).toBeVisible();
  await expect(widget.locator('article .body p').first()).toBeVisible();
  await widget.getByRole('button', { name: 'Back to the list' }).click();
  await widget.getByRole('searchbox').fill('coral');
  await expect(widget.getByRole('list', { name: 'Search results' }).getByRole('listitem').first()).toBeVisible({
    timeout: 30_000,
  });
  await expectClean(guard, 'embed.html');
});

/** examples/ as a partner would host it: its own files and meta CSP, no Folio headers, Folio under /dist/. */
async function servePartnerExample(page: Page, baseURL: string): Promise<void> {
  await page.route('**/examples/**', async (route) => {
    const name = new URL(route.request().url()).pathname.split('/examples/')[1] ?? '';
    const body = await readFile(join('examples', name));
    const type = name.endsWith('.html') ? 'text/html' : name.endsWith('.css') ? 'text/css' : 'text/javascript';
    await route.fulfill({ body, contentType: type });
  });
  // ../dist/ in the example is the e2e build, fetched from the preview server with its real headers.
  await page.route('**/dist/**', async (route) => {
    const path = new URL(route.request().url()).pathname.replace(/^\/dist\//, '');
    const response = await route.fetch({ url: new URL(path, baseURL).href });
    await route.fulfill({ response });
  });
}

test('the partner example page (widget and iframe) runs with zero violations', async ({ page, baseURL }) => {
  const guard = await guardPage(page, [originOf(baseURL)]);
  await servePartnerExample(page, baseURL ?? '');
  await page.goto('./examples/widget-host.html');
  const widget = page.locator('folio-reader#reader');
  await expect(widget.getByRole('heading', { level: 2, name: 'Latest articles' })).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('#last-event')).toContainText('folio-ready');
  const frame = page.frameLocator('#folio-frame');
  await expect(frame.getByRole('heading', { level: 2, name: 'Latest articles' })).toBeVisible({ timeout: 30_000 });
  await expectClean(guard, 'examples/widget-host.html');
});

test('the violation counter sees what the policy blocks: inline script, HTML strings, foreign and blob scripts', async ({
  page,
  baseURL,
}) => {
  const guard = await guardPage(page, [originOf(baseURL)]);
  await openHome(page);
  expect(await guard.violations()).toEqual([]);
  const outcomes = await page.evaluate(() => {
    const attempt = (run: () => void): string => {
      try {
        run();
        return 'ran';
      } catch (error) {
        return error instanceof Error ? error.name : 'thrown';
      }
    };
    return {
      markup: attempt(() => {
        document.createElement('div').innerHTML = '<img src=x onerror=alert(1)>';
      }),
      text: attempt(() => {
        document.createElement('div').innerHTML = 'plain text';
      }),
      blobWorker: attempt(() => {
        new Worker(URL.createObjectURL(new Blob(['1'], { type: 'text/javascript' })));
      }),
      foreignScript: attempt(() => {
        const script = document.createElement('script');
        script.src = 'https://example.org/x.js';
      }),
      inline: attempt(() => {
        const script = document.createElement('script');
        script.textContent = 'window.__pwned = 1';
        document.body.append(script);
      }),
    };
  });
  // Markup-free text passes the default policy (simple-keyboard's labels); everything else is refused.
  expect(outcomes).toEqual({
    markup: 'TypeError',
    text: 'ran',
    blobWorker: 'TypeError',
    foreignScript: 'TypeError',
    inline: 'TypeError',
  });
  await expect.poll(async () => (await guard.violations()).length).toBeGreaterThanOrEqual(4);
  expect(await page.evaluate(() => 'pwned' in window || '__pwned' in window)).toBe(false);
});
