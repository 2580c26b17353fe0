import { expect, test } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readBuiltCorpus, storedArticleCount, type BuiltArticle } from './helpers.ts';
import { deploy, expectHome, OFFLINE_ROOT, startServer, waitForController } from './offline-helpers.ts';
import { E2E_DIST } from './paths.ts';

test.use({ serviceWorkers: 'allow' });

/** The app over the demo corpus, its service worker precaching that corpus (prepare.ts). */
const build = E2E_DIST;
let articles: BuiltArticle[] = [];

test.beforeAll(async () => {
  articles = await readBuiltCorpus(`${build}/corpus`);
});

function englishChain(): BuiltArticle[] {
  return articles.filter((a) => a.lang === 'en').sort((a, b) => a.ord - b.ord);
}

test('after one visit, Folio works with the server gone: deep links, prev/next, search, saved', async ({
  page,
  context,
}, testInfo) => {
  const dir = join(OFFLINE_ROOT, `served-${testInfo.workerIndex}-offline`);
  deploy(build, dir);
  const server = await startServer(dir);
  const chain = englishChain();
  const start = chain[1]!;
  try {
    await page.goto(server.url);
    await expectHome(page);
    await waitForController(page);
    // Saved while online; read back offline.
    await page.goto(`${server.url}#/article/${encodeURIComponent(start.id)}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(start.title);
    await page.getByRole('button', { name: 'Save this article' }).click();
    await expect(page.getByRole('button', { name: 'Remove from saved articles' })).toBeVisible();
  } finally {
    await server.close();
  }

  // A real reload of a deep link, with nothing listening on the port.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(start.title);
  await page.locator('a[rel="next"]').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(chain[2]!.title);
  await page.locator('a[rel="prev"]').click();
  await page.locator('a[rel="prev"]').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(chain[0]!.title);

  // A fresh navigation (not a hash change) to a search, answered by the worker's app shell.
  await page.goto(`${server.url}#/search?q=coral`);
  const results = page.locator('ol[aria-label="Search results"] > li');
  await expect(results.first()).toBeVisible({ timeout: 30_000 });
  expect(await results.count()).toBeGreaterThan(0);

  await page.goto(`${server.url}#/saved`);
  await expect(page.getByTestId('saved-list').getByRole('link', { name: start.title })).toBeVisible();

  // Any path opens the app too: the worker answers navigations with the app shell.
  await page.goto(`${server.url}some/deep/path/#/article/${encodeURIComponent(chain[3]!.id)}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(chain[3]!.title);

  // The browser now knows it is offline: the reader is told, and links out say they need a network.
  await context.setOffline(true);
  await expect(page.getByRole('status').filter({ hasText: 'You are offline' })).toBeVisible();
  const note = await page.evaluate(() => {
    const link = document.createElement('a');
    link.href = 'https://example.org/source';
    link.textContent = 'Original source';
    document.querySelector('main')!.append(link);
    return getComputedStyle(link, '::after').content;
  });
  expect(note).toContain('needs a network');
  await context.setOffline(false);
  await expect(page.getByRole('status').filter({ hasText: 'You are offline' })).toHaveCount(0);
});

test('IndexedDB cleared while offline is rebuilt from the precache, with no network', async ({ page }, testInfo) => {
  const dir = join(OFFLINE_ROOT, `served-${testInfo.workerIndex}-evict`);
  deploy(build, dir);
  const server = await startServer(dir);
  try {
    await page.goto(server.url);
    await expectHome(page);
    await waitForController(page);
  } finally {
    await server.close();
  }
  // What eviction does: the origin's IndexedDB is gone, the service worker's caches stay.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.clearDataForOrigin', {
    origin: new URL(server.url).origin,
    storageTypes: 'indexeddb',
  });
  await page.reload();
  await expectHome(page);
  await expect(page.locator('ol.articles > li a.title').first()).toBeVisible();
  expect(await storedArticleCount(page)).toBe(articles.length);
});

test('the storage panel shows the corpus and verifies every file, offline too', async ({ page }, testInfo) => {
  const dir = join(OFFLINE_ROOT, `served-${testInfo.workerIndex}-panel`);
  deploy(build, dir);
  const server = await startServer(dir);
  try {
    await page.goto(server.url);
    await expectHome(page);
    await waitForController(page);
  } finally {
    await server.close();
  }
  await page.goto(`${server.url}#/settings`);
  const panel = page.getByRole('region', { name: 'Offline storage' });
  await expect(panel).toBeVisible();
  const manifest = JSON.parse(await readFile(`${build}/corpus/manifest.json`, 'utf8')) as {
    hash: string;
    chunks: unknown[];
  };
  await expect(panel.getByTestId('corpus-version')).toHaveText(manifest.hash.slice(0, 12));
  await expect(panel.getByTestId('corpus-articles')).toHaveText(String(articles.length));
  await expect(panel.getByTestId('storage-usage')).toContainText(/\d/);
  await panel.getByRole('button', { name: 'Re-download and verify' }).click();
  await expect(panel.getByRole('status')).toHaveText(
    `All ${manifest.chunks.length} files are intact; ${articles.length} articles were written again from them.`,
    { timeout: 30_000 },
  );
  expect(await storedArticleCount(page)).toBe(articles.length);
});
