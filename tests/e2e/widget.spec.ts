/**
 * <folio-reader> on partner pages: the widget build (vite.widget.config.ts) and two corpora, laid out
 * by prepare.ts in .tmp/widget-e2e, served by our own static server (tests/e2e/widget-server.ts)
 * with host pages written here.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { resolve } from 'node:path';
import { readBuiltCorpus, type BuiltArticle } from './helpers.ts';
import { WIDGET_ROOT } from './paths.ts';
import { PARTNER_TITLE } from './widget-corpora.ts';
import { startStaticServer, type StaticServer } from './widget-server.ts';
import { traceCompiles } from './compile-trace.ts';

const ROOT = resolve(WIDGET_ROOT);
const WIDGET_SCRIPT = '/widget/folio-reader.js';
const CORPUS_A = '/corpus-a/manifest.json';
const CORPUS_B = '/corpus-b/manifest.json';
const HOSTILE_CSS =
  '* { color: red !important; } a { display: none !important; } body { font-family: "Courier New", monospace; }';
const STRICT_CSP =
  "default-src 'self'; script-src 'self'; worker-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'";

let server: StaticServer;
/** Two more origins: the partner page of the iframe test, and a hostile frame on it. */
let partnerServer: StaticServer;
let evilServer: StaticServer;
let demo: BuiltArticle[];

test.use({ serviceWorkers: 'allow' });

test.beforeAll(async () => {
  demo = await readBuiltCorpus(`${ROOT}/corpus-a`);
  server = await startStaticServer(ROOT);
  partnerServer = await startStaticServer(ROOT);
  evilServer = await startStaticServer(ROOT);
});

test.afterAll(async () => {
  await server?.close();
  await partnerServer?.close();
  await evilServer?.close();
});

function origin(host = 'localhost'): string {
  return `http://${host}:${server.port}`;
}

function hostPage(body: string, head = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Partner page</title>${head}<script type="module" src="${WIDGET_SCRIPT}"></script></head><body><h1>Partner page</h1>${body}</body></html>`;
}

/** Events the widgets dispatch, recorded from the start of every page (bubbling + composed reach document). */
async function recordEvents(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const log: { type: string; detail: unknown; target: string }[] = [];
    Object.assign(window, { folioEvents: log });
    for (const type of ['folio-ready', 'folio-article-open', 'folio-error']) {
      document.addEventListener(type, (event) => {
        const target = event.target instanceof Element ? (event.target.id ?? '') : '';
        log.push({ type, detail: (event as CustomEvent).detail, target });
      });
    }
  });
}

function events(page: Page): Promise<{ type: string; detail: unknown; target: string }[]> {
  return page.evaluate(
    () => (window as unknown as { folioEvents: { type: string; detail: unknown; target: string }[] }).folioEvents,
  );
}

async function waitForList(widget: Locator, heading = /Latest articles|最新文章/): Promise<void> {
  await expect(widget.getByRole('heading', { level: 2, name: heading })).toBeVisible({ timeout: 30_000 });
}

function newestEnglish(): BuiltArticle {
  const dated = demo.filter((a) => a.lang === 'en' && a.date !== null).sort((a, b) => b.ord - a.ord);
  const article = dated[1];
  if (!article) throw new Error('the demo corpus has too few English articles');
  return article;
}

test('renders on a hostile host page and leaves it untouched', async ({ page }) => {
  server.fixtures.set('/hostile.html', {
    body: hostPage(
      `<section id="host-section"><p>Host text</p></section><folio-reader corpus="${CORPUS_A}" lang="en" theme="light"></folio-reader>`,
      `<style>${HOSTILE_CSS}</style>`,
    ),
  });
  await recordEvents(page);
  // Every <style> or <link> added to the host document once its own markup is parsed (shadow roots are not observed from here).
  await page.addInitScript(() => {
    const added: string[] = [];
    Object.assign(window, { addedToHost: added });
    new MutationObserver((records) => {
      if (document.readyState === 'loading') return;
      for (const record of records)
        for (const node of record.addedNodes)
          if (node.nodeName === 'STYLE' || node.nodeName === 'LINK') added.push(node.nodeName);
    }).observe(document, { childList: true, subtree: true });
  });
  await page.goto(`${origin()}/hostile.html#host-section`);
  const widget = page.locator('folio-reader');
  await waitForList(widget);
  const before = await page.evaluate(() => ({
    sheets: document.styleSheets.length,
    head: document.head.children.length,
  }));
  expect(before).toEqual({ sheets: 1, head: 4 });

  // The host's `* { color: red !important }` and `a { display: none !important }` stop at the shadow root.
  const firstTitle = widget.locator('ol.articles a.title').first();
  await expect(firstTitle).toBeVisible();
  const colours = await firstTitle.evaluate((a) => {
    const heading = a.getRootNode() instanceof ShadowRoot ? (a.getRootNode() as ShadowRoot).querySelector('h2') : null;
    return {
      link: getComputedStyle(a).color,
      heading: heading ? getComputedStyle(heading).color : '',
      font: getComputedStyle(a).fontFamily,
    };
  });
  expect(colours.link).not.toBe('rgb(255, 0, 0)');
  expect(colours.heading).not.toBe('rgb(255, 0, 0)');
  // Fonts are inherited from the host page.
  expect(colours.font).toContain('Courier New');
  expect(await widget.evaluate((el) => el.shadowRoot?.mode)).toBe('open');

  // Open an article, go to the next one, come back to the list: the host's URL never changes.
  const target = newestEnglish();
  const url = page.url();
  await widget.locator(`ol.articles a.title[href="#/article/${target.id}"]`).click();
  await expect(widget.getByRole('heading', { level: 2, name: target.title })).toBeVisible();
  expect(page.url()).toBe(url);
  await widget.locator('a[rel="next"]').click();
  await expect(widget.locator(`article[data-article-id]`)).not.toHaveAttribute('data-article-id', target.id);
  await widget.locator('a[rel="prev"]').click();
  await expect(widget.locator('article')).toHaveAttribute('data-article-id', target.id);
  await widget.getByRole('button', { name: 'Back to the list' }).click();
  await waitForList(widget);
  expect(page.url()).toBe(url);
  expect(await page.evaluate(() => location.hash)).toBe('#host-section');

  // Search runs in the worker that folio-reader.js loads from its own folder.
  await widget.getByRole('searchbox', { name: 'Search articles' }).fill('coral');
  await expect(widget.getByRole('list', { name: 'Search results' }).getByRole('listitem').first()).toBeVisible({
    timeout: 30_000,
  });

  const after = await page.evaluate(async () => ({
    sheets: document.styleSheets.length,
    head: document.head.children.length,
    added: (window as unknown as { addedToHost: string[] }).addedToHost,
    registrations: (await navigator.serviceWorker.getRegistrations()).length,
  }));
  expect(after).toEqual({ sheets: before.sheets, head: before.head, added: [], registrations: 0 });

  const log = await events(page);
  expect(log.filter((e) => e.type === 'folio-ready')).toHaveLength(1);
  expect(log.filter((e) => e.type === 'folio-article-open').map((e) => e.detail)).toContainEqual({ id: target.id });
  expect(log.filter((e) => e.type === 'folio-error')).toEqual([]);
});

test('keyboard: Enter opens, arrows move, Escape returns to the list; the host keeps its own keys', async ({
  page,
}) => {
  server.fixtures.set('/keys.html', { body: hostPage(`<folio-reader corpus="${CORPUS_A}" lang="en"></folio-reader>`) });
  await page.goto(`${origin()}/keys.html`);
  const widget = page.locator('folio-reader');
  await waitForList(widget);
  // An arrow key outside the widget belongs to the host.
  await page.keyboard.press('ArrowRight');
  await expect(widget.getByRole('heading', { level: 2, name: 'Latest articles' })).toBeVisible();
  const target = newestEnglish();
  await widget.locator(`a.title[href="#/article/${target.id}"]`).focus();
  await page.keyboard.press('Enter');
  const heading = widget.getByRole('heading', { level: 2, name: target.title });
  await expect(heading).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(widget.locator('article')).not.toHaveAttribute('data-article-id', target.id);
  await page.keyboard.press('ArrowLeft');
  await expect(widget.locator('article')).toHaveAttribute('data-article-id', target.id);
  await page.keyboard.press('Escape');
  await expect(widget.getByRole('heading', { level: 2, name: 'Latest articles' })).toBeFocused();
});

test('two widgets with different corpora work independently', async ({ page }) => {
  server.fixtures.set('/two.html', {
    body: hostPage(
      `<folio-reader id="a" corpus="${CORPUS_A}" lang="zh"></folio-reader><folio-reader id="b" corpus="${CORPUS_B}" lang="en" theme="dark" height="480px"></folio-reader>`,
    ),
  });
  await recordEvents(page);
  await page.goto(`${origin()}/two.html`);
  const a = page.locator('folio-reader#a');
  const b = page.locator('folio-reader#b');
  await waitForList(a, /最新文章/);
  await waitForList(b);
  await expect(b.getByRole('link', { name: PARTNER_TITLE })).toBeVisible();
  await expect(a.getByRole('link', { name: PARTNER_TITLE })).toHaveCount(0);
  await expect(a.locator('ol.articles li')).toHaveCount(30);
  await expect(b.locator('ol.articles li')).toHaveCount(2);
  // Fixed height and the dark theme apply to b only.
  const box = await b
    .locator('.folio')
    .evaluate((el) => ({ height: el.getBoundingClientRect().height, bg: getComputedStyle(el).backgroundColor }));
  expect(box.height).toBe(480);
  expect(box.bg).toBe('rgb(18, 19, 22)');

  await b.getByRole('link', { name: PARTNER_TITLE }).click();
  await expect(b.getByRole('heading', { level: 2, name: PARTNER_TITLE })).toBeVisible();
  await expect(a.getByRole('heading', { level: 2, name: '最新文章' })).toBeVisible();
  await b.getByRole('button', { name: 'Back to the list' }).click();
  await b.getByRole('searchbox').fill('market');
  await expect(b.getByRole('list', { name: 'Search results' }).getByRole('link')).toHaveText([/market hall/], {
    timeout: 30_000,
  });
  await a.getByRole('searchbox').fill('market hall');
  await expect(a.getByRole('status').filter({ hasText: /market hall/ })).toBeVisible({ timeout: 30_000 });
  await expect(a.getByRole('list', { name: '搜索结果' }).getByRole('link', { name: /market hall/ })).toHaveCount(0);

  const names = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name).sort());
  expect(names).toEqual([`folio:${origin()}${CORPUS_A}`, `folio:${origin()}${CORPUS_B}`]);
  const ready = (await events(page))
    .filter((e) => e.type === 'folio-ready')
    .map((e) => e.target)
    .sort();
  expect(ready).toEqual(['a', 'b']);
});

test('sync-url writes only its own query parameter, and opens the article it names', async ({ page }) => {
  server.fixtures.set('/sync.html', {
    body: hostPage(`<folio-reader corpus="${CORPUS_A}" lang="en" sync-url></folio-reader>`),
  });
  const start = `${origin()}/sync.html?keep=a%20b&x=1#host-section`;
  await page.goto(start);
  const widget = page.locator('folio-reader');
  await waitForList(widget);
  const historyLength = await page.evaluate(() => history.length);
  const target = newestEnglish();
  await widget.locator(`a.title[href="#/article/${target.id}"]`).click();
  await expect(widget.getByRole('heading', { level: 2, name: target.title })).toBeVisible();
  await expect(page).toHaveURL(
    `${origin()}/sync.html?keep=a%20b&x=1&folio-article=${encodeURIComponent(target.id)}#host-section`,
  );
  expect(await page.evaluate(() => history.length)).toBe(historyLength);
  await page.reload();
  await expect(widget.getByRole('heading', { level: 2, name: target.title })).toBeVisible({ timeout: 30_000 });
  await widget.getByRole('button', { name: 'Back to the list' }).click();
  await expect(page).toHaveURL(start);
});

test('iframe mode: height messages to the partner, folio:open from it; foreign and malformed messages ignored', async ({
  page,
}) => {
  // All on localhost: Chromium's local network access checks block frames from 127.0.0.1 to localhost.
  const partner = `http://localhost:${partnerServer.port}`;
  const embedOrigin = origin();
  const foreignOrigin = `http://localhost:${evilServer.port}`;
  const target = newestEnglish();
  const src = `${embedOrigin}/widget/embed.html?corpus=${encodeURIComponent(CORPUS_A)}&lang=en&parent=${encodeURIComponent(partner)}`;
  partnerServer.fixtures.set('/partner-parent.js', {
    // The parent-side snippet from docs/WIDGET.md, verbatim apart from the element id.
    body: `const frame = document.getElementById('folio-frame');
const folioOrigin = new URL(frame.src).origin;
window.addEventListener('message', (event) => {
  if (event.origin !== folioOrigin || event.source !== frame.contentWindow) return;
  const data = event.data;
  if (typeof data !== 'object' || data === null || data.type !== 'folio:height') return;
  if (typeof data.height !== 'number' || !Number.isFinite(data.height)) return;
  frame.style.height = Math.min(Math.max(data.height, 200), 20000) + 'px';
});`,
  });
  partnerServer.fixtures.set('/iframe.html', {
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Partner</title></head><body><h1>Partner</h1>
<iframe id="folio-frame" title="News archive" src="${src}" style="width:100%;height:300px;border:0"></iframe>
<iframe id="evil" title="Advert" src="${foreignOrigin}/evil.html"></iframe>
<script src="/partner-parent.js"></script></body></html>`,
  });
  evilServer.fixtures.set('/evil.html', { body: '<!doctype html><title>evil</title><p>ad</p>' });
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`${partner}/iframe.html`);
  const frameElement = page.locator('#folio-frame');
  const frame = page.frameLocator('#folio-frame');
  await waitForList(frame.locator('folio-reader'));
  // The partner snippet follows the embed's reported height.
  await expect
    .poll(async () => (await frameElement.boundingBox())?.height ?? 0, { timeout: 15_000 })
    .toBeGreaterThan(1000);

  // Another origin asks the embed to open an article, and tries to resize the partner's frame: ignored.
  const evil = page.frames().find((f) => f.url().startsWith(foreignOrigin));
  if (!evil) throw new Error('the foreign frame did not load');
  const heightBefore = (await frameElement.boundingBox())?.height;
  await evil.evaluate((id) => {
    window.parent.frames[0]?.postMessage({ type: 'folio:open', id }, '*');
    window.parent.postMessage({ type: 'folio:height', height: 5 }, '*');
  }, target.id);
  // Malformed messages from the right origin (the partner page): ignored too.
  await page.evaluate((embed) => {
    const win = (document.getElementById('folio-frame') as HTMLIFrameElement).contentWindow;
    for (const data of [
      'garbage',
      null,
      42,
      { type: 'folio:open' },
      { type: 'folio:open', id: 7 },
      { type: 'folio:open', id: '' },
      { type: 'folio:open', id: 'x'.repeat(100_000) },
      { type: 'other', id: 'x' },
      [1, 2],
    ]) {
      win?.postMessage(data, embed);
    }
  }, embedOrigin);
  await page.waitForTimeout(500);
  await expect(frame.getByRole('heading', { level: 2, name: 'Latest articles' })).toBeVisible();
  expect((await frameElement.boundingBox())?.height).toBe(heightBefore);

  // The expected message from the partner opens the article.
  await page.evaluate(
    ([embed, id]) =>
      (document.getElementById('folio-frame') as HTMLIFrameElement).contentWindow?.postMessage(
        { type: 'folio:open', id },
        embed,
      ),
    [embedOrigin, target.id] as const,
  );
  await expect(frame.getByRole('heading', { level: 2, name: target.title })).toBeVisible();
  expect(errors).toEqual([]);
});

test('reads from IndexedDB when the network fails', async ({ page }) => {
  server.fixtures.set('/offline.html', {
    body: hostPage(`<folio-reader corpus="${CORPUS_A}" lang="en"></folio-reader>`),
  });
  await page.goto(`${origin()}/offline.html`);
  const widget = page.locator('folio-reader');
  await waitForList(widget);
  // Let the search index reach its IndexedDB cache before going offline.
  await widget.getByRole('searchbox').fill('coral');
  await expect(widget.getByRole('list', { name: 'Search results' }).getByRole('listitem').first()).toBeVisible({
    timeout: 30_000,
  });
  await page.waitForTimeout(1000);

  let aborted = 0;
  await page.route('**/corpus-a/**', (route) => {
    aborted += 1;
    return route.abort('internetdisconnected');
  });
  await page.reload();
  await waitForList(widget);
  expect(aborted).toBeGreaterThan(0);
  const target = newestEnglish();
  await widget.locator(`a.title[href="#/article/${target.id}"]`).click();
  await expect(widget.getByRole('heading', { level: 2, name: target.title })).toBeVisible();
  await widget.getByRole('button', { name: 'Back to the list' }).click();
  await widget.getByRole('searchbox').fill('coral');
  await expect(widget.getByRole('list', { name: 'Search results' }).getByRole('listitem').first()).toBeVisible({
    timeout: 30_000,
  });
});

test('runs under a strict CSP with no violations', async ({ page }) => {
  server.fixtures.set('/csp.html', {
    body: hostPage(`<folio-reader corpus="${CORPUS_A}" lang="en"></folio-reader>`),
    headers: { 'content-security-policy': STRICT_CSP },
  });
  await page.addInitScript(() => {
    const violations: string[] = [];
    Object.assign(window, { violations });
    document.addEventListener('securitypolicyviolation', (e) =>
      violations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  const violations = (): Promise<string[]> =>
    page.evaluate(() => (window as unknown as { violations: string[] }).violations);
  await page.goto(`${origin()}/csp.html`);
  const widget = page.locator('folio-reader');
  await waitForList(widget);
  const target = newestEnglish();
  await widget.locator(`a.title[href="#/article/${target.id}"]`).click();
  await expect(widget.getByRole('heading', { level: 2, name: target.title })).toBeVisible();
  await expect(widget.locator('article .body p').first()).toBeVisible();
  await widget.getByRole('button', { name: 'Back to the list' }).click();
  await widget.getByRole('searchbox').fill('coral');
  await expect(widget.getByRole('list', { name: 'Search results' }).getByRole('listitem').first()).toBeVisible({
    timeout: 30_000,
  });
  expect(await violations()).toEqual([]);
  // The counter works: an inline script is a violation under this policy.
  await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'void 0';
    document.body.append(script);
  });
  await expect.poll(violations).toHaveLength(1);
});

test('the built widget has no eval and starts its worker from a URL, not a blob', async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  const assets = readdirSync(`${ROOT}/widget/assets`).filter((f) => f.endsWith('.js'));
  const worker = assets.find((f) => /^worker-.*\.js$/.test(f));
  if (!worker) throw new Error('no worker chunk under dist/widget/assets');
  // What runs in the host page: the element, its lazy chunks and the embed page's script.
  const pageFiles = [
    `${ROOT}/widget/folio-reader.js`,
    ...assets.filter((f) => f !== worker).map((f) => `${ROOT}/widget/assets/${f}`),
  ];
  for (const file of pageFiles) {
    const code = readFileSync(file, 'utf8');
    expect(/\bnew Function\s*\(|\beval\s*\(|createObjectURL|new Blob\(/.test(code), file).toBe(false);
  }
  const main = readFileSync(`${ROOT}/widget/folio-reader.js`, 'utf8');
  expect(main.includes(`new URL(\`assets/${worker}\`,import.meta.url)`), 'worker URL relative to the script').toBe(
    true,
  );
  // The worker bundles FlexSearch, whose unused `worker` option keeps a Function()/Blob path in the
  // bundle; Folio never takes it (src/search/client.ts), and eval itself appears nowhere.
  expect(/\beval\s*\(/.test(readFileSync(`${ROOT}/widget/assets/${worker}`, 'utf8'))).toBe(false);
});

test('accessibility: no axe violations inside the widget, list and article, light and dark', async ({ page }) => {
  server.fixtures.set('/a11y.html', {
    body: hostPage(
      `<main><folio-reader id="light" corpus="${CORPUS_A}" lang="en" theme="light"></folio-reader><folio-reader id="dark" corpus="${CORPUS_A}" lang="zh-CN" theme="dark"></folio-reader></main>`,
    ),
  });
  await page.goto(`${origin()}/a11y.html`);
  await waitForList(page.locator('#light'));
  await waitForList(page.locator('#dark'), /最新文章/);
  const scan = async (): Promise<void> => {
    // No frames on this page: legacy mode (axe.run in the page) applies the same rules without a blank page per scan.
    const result = await new AxeBuilder({ page })
      .setLegacyMode(true)
      .include('folio-reader')
      .withTags(['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa'])
      .analyze();
    expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  };
  await scan();
  const target = newestEnglish();
  await page.locator('#light').locator(`a.title[href="#/article/${target.id}"]`).click();
  await page.locator('#dark').locator(`a.title[href="#/article/${target.id}"]`).click();
  await expect(page.locator('#dark').getByRole('heading', { level: 2, name: target.title })).toBeVisible();
  await scan();
});

test('the widget code is compiled off the host page main thread, not function by function', async ({
  page,
  context,
}) => {
  // V8's compile hint on folio-reader.js (src/build/compile-hints.ts), as on the app's entry chunk.
  server.fixtures.set('/compile.html', {
    body: hostPage(`<folio-reader corpus="${CORPUS_A}" lang="en"></folio-reader>`),
  });
  const trace = await traceCompiles(context, page, /\/widget\/folio-reader\.js$/, async () => {
    await page.goto(`${origin()}/compile.html`);
    await waitForList(page.locator('folio-reader'));
  });
  expect(trace, 'the widget module was compiled').not.toBeNull();
  // About 200 with the hint, 700 without (the test fails then).
  expect(trace?.lazyCompiles).toBeLessThan(450);
});
