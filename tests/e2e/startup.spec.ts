import { expect, test } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { traceCompiles } from './compile-trace.ts';
import { openHome, type BuiltManifest } from './helpers.ts';
import { E2E_DIST } from './paths.ts';

/**
 * The app's entry chunk and the search page's chunk carry V8's explicit compile hint
 * (src/build/compile-hints.ts): their functions are compiled with the script, on V8's streaming
 * thread, instead of one by one on the main thread at their first call. Without it, opening a search
 * compiled about 900 functions lazily on the main thread, each visit (ES modules get no code cache in
 * Chromium); with it, about 70 on a warm visit and 250 on a first one (issue #7, docs/ARCHITECTURE.md).
 */
test('the start and search code is compiled off the main thread, not function by function', async ({
  page,
  context,
}) => {
  const trace = await traceCompiles(context, page, /\/assets\/index-[\w-]+\.js$/, async () => {
    await page.goto('./#/search?q=magnetometr');
    await expect(page.getByRole('list', { name: 'Search results' }).getByRole('link').first()).toBeVisible();
  });
  expect(trace, 'the entry module was compiled').not.toBeNull();
  expect(
    trace?.modules.some((url) => /\/assets\/SearchPage-[\w-]+\.js$/.test(url)),
    'the search page chunk was loaded',
  ).toBe(true);
  expect(trace?.lazyCompiles).toBeLessThan(450);
});

/**
 * A complete corpus's home list takes its size from the manifest: counting the articles' `by-ord`
 * index before the first list waited about 170 ms on a warm en-reuters start (4× throttle, issue #7).
 * Counts made before any article link is on the page are recorded.
 */
test('a warm start shows the home list without counting the stored articles first', async ({ page }) => {
  await openHome(page);
  await page.addInitScript(() => {
    const counted: string[] = [];
    (window as unknown as { folioCounts: string[] }).folioCounts = counted;
    const count = IDBIndex.prototype.count;
    IDBIndex.prototype.count = function (this: IDBIndex, query?: IDBValidKey | IDBKeyRange) {
      if (!document.querySelector('a[href^="#/article/"]')) counted.push(`${this.objectStore.name}.${this.name}`);
      return count.call(this, query);
    };
  });
  await page.reload();
  const first = page.locator('ol.articles > li').first();
  await expect(first.getByRole('link')).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { folioCounts: string[] }).folioCounts)).toEqual([]);
  // Every article is in the list all the same.
  const built = JSON.parse(await readFile(`${E2E_DIST}/corpus/manifest.json`, 'utf8')) as BuiltManifest;
  await expect(first).toHaveAttribute('aria-setsize', String(built.count));
});
