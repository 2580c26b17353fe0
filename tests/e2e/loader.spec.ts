import { expect, test, type Page } from '@playwright/test';
import { existsSync } from 'node:fs';
import { readFile, writeFile, mkdir, cp } from 'node:fs/promises';
import { openHome, readBuiltCorpus, serveCorpus, storedArticleCount } from './helpers.ts';
import { CORPORA, E2E_DIST } from './paths.ts';

test('the first visit shows import progress, then every article is in IndexedDB', async ({ page }) => {
  await serveCorpus(page, `${E2E_DIST}/corpus`, 400);
  await page.goto('./');
  await expect(page.getByRole('heading', { name: 'Preparing your library' })).toBeVisible();
  await expect(page.getByRole('progressbar', { name: 'Import progress' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: 'Latest articles' })).toBeVisible({ timeout: 30_000 });
  const articles = await readBuiltCorpus(`${E2E_DIST}/corpus`);
  expect(await storedArticleCount(page)).toBe(articles.length);
});

test('the next visit reads from IndexedDB without fetching the chunks again', async ({ page }) => {
  await openHome(page);
  const chunkRequests: string[] = [];
  page.on('request', (request) => {
    if (/\/corpus\/articles-/.test(request.url())) chunkRequests.push(request.url());
  });
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Latest articles' })).toBeVisible();
  await expect(page.locator('ol.articles > li').first()).toBeVisible();
  expect(chunkRequests).toEqual([]);
});

test('a changed corpus hash updates the library: added, changed and removed articles', async ({ page }) => {
  const v1 = await readBuiltCorpus(`${E2E_DIST}/corpus`);
  const v2 = await readBuiltCorpus(`${CORPORA}/demo-v2`);
  await openHome(page);
  await serveCorpus(page, `${CORPORA}/demo-v2`);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Latest articles' })).toBeVisible({ timeout: 30_000 });
  expect(await storedArticleCount(page)).toBe(v2.length);
  await expect(page.locator('ol.articles > li a.title').first()).toHaveText('A newly added article');
  const removed = v1.find((a) => !v2.some((b) => b.id === a.id))!;
  await page.goto(`./#/article/${encodeURIComponent(removed.id)}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
  const changed = v2.find((a) => a.title.endsWith('(updated)'))!;
  await page.goto(`./#/article/${encodeURIComponent(changed.id)}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(changed.title);
});

test('a malformed manifest shows an error the reader understands, and retry recovers', async ({ page }) => {
  let broken = true;
  await page.route('**/corpus/manifest.json', async (route) => {
    if (broken) await route.fulfill({ body: '{"format": 1, "articles": [truncated', contentType: 'application/json' });
    else await route.continue();
  });
  await page.goto('./');
  const alert = page.getByRole('alert');
  await expect(alert.getByRole('heading', { name: 'The library could not be opened' })).toBeVisible();
  await expect(alert).toContainText('damaged or not a Folio corpus');
  broken = false;
  await alert.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Latest articles' })).toBeVisible({ timeout: 30_000 });
});

test('a chunk that fails its checksum is refused with a clear error', async ({ page }, testInfo) => {
  const dir = testInfo.outputPath('tampered');
  await mkdir(dir, { recursive: true });
  await cp(`${E2E_DIST}/corpus`, dir, { recursive: true });
  const manifest = JSON.parse(await readFile(`${dir}/manifest.json`, 'utf8')) as { chunks: { file: string }[] };
  const chunk = `${dir}/${manifest.chunks[0]!.file}`;
  await writeFile(chunk, (await readFile(chunk, 'utf8')).replace('<p>', '<p>Tampered. '));
  await serveCorpus(page, dir);
  await page.goto('./');
  await expect(page.getByRole('alert')).toContainText('Part of the article collection arrived damaged');
  await expect(page.getByRole('button', { name: 'Try again' })).toBeVisible();
});

test('a missing corpus says the download failed', async ({ page }) => {
  await page.route('**/corpus/manifest.json', (route) => route.fulfill({ status: 404, body: 'not found' }));
  await page.goto('./');
  await expect(page.getByRole('alert')).toContainText('could not download the articles');
});

test('the zh-news corpus lands whole in IndexedDB, and its chain has two open ends', async ({ page }) => {
  const dir = `${CORPORA}/zh-news`;
  test.skip(!existsSync(`${dir}/manifest.json`), 'needs ../shared/corpus/zh-news.json (absent on this machine)');
  test.setTimeout(120_000);
  const articles = await readBuiltCorpus(dir);
  expect(articles.length).toBe(1729);
  await serveCorpus(page, dir);
  await openHome(page);
  expect(await storedArticleCount(page)).toBe(1729);
  const first = articles[0]!;
  const last = articles[articles.length - 1]!;
  await page.goto(`./#/article/${encodeURIComponent(first.id)}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(first.title);
  await expect(page.locator('a[rel="prev"]')).toHaveCount(0);
  await expect(page.locator('a[rel="next"]')).toContainText(articles[1]!.title);
  await page.goto(`./#/article/${encodeURIComponent(last.id)}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(last.title);
  await expect(page.locator('a[rel="next"]')).toHaveCount(0);
  await expect(page.locator('a[rel="prev"]')).toContainText(articles[articles.length - 2]!.title);
});

/** The corpus files the page itself fetched: its resource timeline holds none of a worker's fetches. */
async function corpusFetchesOnPage(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((entry) => entry.name)
      .filter((name) => /\/corpus\/(manifest\.json|articles-)/.test(name)),
  );
}

test('the import runs in the import worker: the page itself fetches no corpus file (issue #7)', async ({ page }) => {
  const workers: string[] = [];
  const chunkRequests: string[] = [];
  page.on('worker', (worker) => workers.push(worker.url()));
  page.on('request', (request) => {
    if (/\/corpus\/articles-/.test(request.url())) chunkRequests.push(request.url());
  });
  await openHome(page);
  const articles = await readBuiltCorpus(`${E2E_DIST}/corpus`);
  expect(await storedArticleCount(page)).toBe(articles.length);
  expect(workers.some((url) => /\/import-worker-[\w-]+\.js$/.test(url))).toBe(true);
  // The chunks were fetched (Playwright sees a worker's requests too), but not by the page.
  expect(chunkRequests.length).toBeGreaterThan(0);
  expect(await corpusFetchesOnPage(page)).toEqual([]);
});

test('when the import worker cannot start, the page imports the corpus itself', async ({ page }) => {
  await page.route('**/assets/import-worker-*.js', (route) => route.fulfill({ status: 404, body: '' }));
  await openHome(page);
  const articles = await readBuiltCorpus(`${E2E_DIST}/corpus`);
  expect(await storedArticleCount(page)).toBe(articles.length);
  expect(await corpusFetchesOnPage(page)).toContainEqual(expect.stringMatching(/\/corpus\/articles-/));
});
