/**
 * Lists at scale (issue #7): a generated corpus of LIST_SIZE articles (tests/e2e/lists-corpus.ts,
 * built by prepare.ts into .tmp/corpora), served in place of the demo corpus.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveCorpus } from './helpers.ts';
import { CATEGORIES, LIST_SIZE, LISTS_DIR as DIR, synthetic, UNDATED, type Synthetic } from './lists-corpus.ts';

/** Fewer than this many rows in the DOM proves the list is virtualized. */
const MAX_DOM_ROWS = 100;

const all: Synthetic[] = Array.from({ length: LIST_SIZE }, (_, i) => synthetic(i));
/** "Latest": dated newest first, then undated by id. */
const latest = [...all.filter((a) => a.date).reverse(), ...all.filter((a) => !a.date)];

const rows = (p: Page) => p.locator('ol.articles > li');
const row = (p: Page, position: number) => p.locator(`ol.articles > li[aria-posinset="${position}"]`);

/** Scrolls the window so row `position` (1-based) is 200 px below the top of the viewport. */
async function scrollToRow(p: Page, position: number): Promise<void> {
  await p.locator('ol.articles').evaluate((list, n) => {
    const first = list.querySelector('li');
    if (!first) throw new Error('the list has no rows');
    const top = list.getBoundingClientRect().top + window.scrollY;
    window.scrollTo(0, top + (n - 1) * first.offsetHeight - 200);
  }, position);
}

// These tests read one page that imported the whole list once.
test.describe(() => {
  test.describe.configure({ mode: 'serial' });

  let page: Page;

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(360_000);
    const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as { count: number };
    expect(manifest.count).toBe(LIST_SIZE);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await serveCorpus(page, DIR);
    const started = Date.now();
    await page.goto('./');
    await expect(page.getByRole('heading', { level: 1, name: 'Latest articles' })).toBeVisible({ timeout: 120_000 });
    // The list shows while the import goes on (newest chunk first); these tests want it whole.
    await expect(page.getByRole('progressbar', { name: 'Import progress' })).toHaveCount(0, { timeout: 180_000 });
    console.log(`lists.spec: ${LIST_SIZE} articles imported and listed in ${Date.now() - started} ms`);
  });

  test.afterAll(async () => {
    await page.close();
  });

  test('the whole list is counted while only the rows near the screen are in the DOM', async () => {
    await expect(page.locator('p.count')).toHaveText('20,000 articles');
    await expect(row(page, 1).locator('a.title')).toHaveText(latest[0]!.title);
    await expect(row(page, 1)).toHaveAttribute('aria-setsize', String(LIST_SIZE));
    expect(await rows(page).count()).toBeLessThan(MAX_DOM_ROWS);
    // The page is as tall as the whole list.
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    const rowHeight = await row(page, 1).evaluate((li) => li.getBoundingClientRect().height);
    expect(height).toBeGreaterThan(LIST_SIZE * rowHeight);
  });

  test('scrolling to the end shows the oldest article, and the DOM stays small', async () => {
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    const oldestDated = LIST_SIZE - UNDATED;
    await expect(row(page, oldestDated).locator('a.title')).toHaveText(latest[oldestDated - 1]!.title);
    await expect(row(page, oldestDated)).toBeInViewport();
    await expect(row(page, LIST_SIZE).locator('a.title')).toHaveText(latest[LIST_SIZE - 1]!.title);
    expect(latest[oldestDated - 1]!.id).toBe('list-00000');
    expect(await rows(page).count()).toBeLessThan(MAX_DOM_ROWS);
  });

  test('Home and End keys move through the whole list', async () => {
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Home');
    await expect(row(page, 1).locator('a.title')).toBeInViewport();
    // Home's smooth scroll from the end must have finished: a PageDown pressed while it is still
    // moving is overtaken by it (CI once saw scrollY stay 0 after the PageDown).
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(0);
    await page.keyboard.press('PageDown');
    // The same for PageDown's smooth scroll before End (CI once saw End overtaken, the list not at its end).
    await expect
      .poll(async () => {
        const before = await page.evaluate(() => window.scrollY);
        await page.waitForTimeout(100);
        const after = await page.evaluate(() => window.scrollY);
        return before === after ? after : -1;
      })
      .toBeGreaterThan(300);
    await page.keyboard.press('End');
    await expect(row(page, LIST_SIZE).locator('a.title')).toHaveText(latest[LIST_SIZE - 1]!.title);
    await expect(row(page, LIST_SIZE)).toBeInViewport();
    await expect(row(page, LIST_SIZE - UNDATED).locator('a.title')).toHaveText(/^Article 0:/);
  });

  test('back from an article returns to the same row', async () => {
    const position = 12_345;
    await scrollToRow(page, position);
    const target = row(page, position).locator('a.title');
    await expect(target).toHaveText(latest[position - 1]!.title);
    const before = await page.evaluate(() => window.scrollY);
    await target.click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(latest[position - 1]!.title);
    await page.goBack();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Latest articles');
    await expect(target).toHaveText(latest[position - 1]!.title);
    await expect(row(page, position)).toBeInViewport();
    expect(Math.abs((await page.evaluate(() => window.scrollY)) - before)).toBeLessThan(5);
  });

  test('home shows the twelve largest categories, all twenty on request, still open when coming back', async () => {
    await page.goto('./#/');
    await expect(page.getByRole('heading', { level: 1, name: 'Latest articles' })).toBeVisible();
    const index = page.getByRole('navigation', { name: 'Categories' });
    const names = async () => (await index.getByRole('link').allTextContents()).map((text) => text.split(' ')[0]);
    const sizes = new Map<string, number>();
    for (const a of all) sizes.set(a.category, (sizes.get(a.category) ?? 0) + 1);
    const byName = [...CATEGORIES].sort((a, b) => a.localeCompare(b));
    const largest = [...CATEGORIES].sort((a, b) => sizes.get(b)! - sizes.get(a)!).slice(0, 12);
    await expect.poll(names).toEqual(byName.filter((name) => largest.includes(name)));
    const toggle = index.getByRole('button', { name: 'All 20 categories' });
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await toggle.click();
    await expect.poll(names).toEqual(byName);
    await expect(index.getByRole('button', { name: 'Fewer categories' })).toHaveAttribute('aria-expanded', 'true');

    // The smallest category, hidden at first: its page, then back to the list laid out as it was.
    await index.getByRole('link', { name: /^Epsilon/ }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Category: Epsilon');
    await expect(page.locator('p.count')).toHaveText(`${sizes.get('Epsilon')} articles`);
    await page.goBack();
    await expect(page.getByRole('heading', { level: 1, name: 'Latest articles' })).toBeVisible();
    await expect.poll(names).toEqual(byName);
    await index.getByRole('button', { name: 'Fewer categories' }).click();
    await expect(index.getByRole('link')).toHaveCount(12);
    await expect(index.getByRole('link', { name: /^Epsilon/ })).toHaveCount(0);
  });

  test('a category list reads any position of its index, end included', async () => {
    const inCategory = latest.filter((a) => a.category === 'Beta');
    await page.goto('./#/category/Beta');
    await expect(page.locator('p.count')).toHaveText(`${inCategory.length.toLocaleString('en')} articles`);
    await expect(row(page, 1).locator('a.title')).toHaveText(inCategory[0]!.title);
    await page.keyboard.press('End');
    await expect(row(page, inCategory.length).locator('a.title')).toHaveText(inCategory.at(-1)!.title);
    // The middle, reached from the nearest known key rather than walked from the top.
    const middle = Math.floor(inCategory.length / 2);
    await scrollToRow(page, middle);
    await expect(row(page, middle).locator('a.title')).toHaveText(inCategory[middle - 1]!.title);
    expect(await rows(page).count()).toBeLessThan(MAX_DOM_ROWS);
  });
});

test('back from an article while the first import goes on returns to the same row', async ({ browser }) => {
  test.setTimeout(180_000);
  // Its own page and database, chunks slowed down: the import is still running when we come back.
  const importing = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await serveCorpus(importing, DIR, 1500);
  await importing.goto('./');
  await expect(importing.getByRole('heading', { level: 1, name: 'Latest articles' })).toBeVisible({ timeout: 120_000 });
  const bar = importing.getByRole('progressbar', { name: 'Import progress' });
  await expect(bar).toBeVisible();
  // Newest chunk first: row 1,000 is among the first imported.
  const position = 1_000;
  await expect(row(importing, 1).locator('a.title')).toHaveText(latest[0]!.title, { timeout: 60_000 });
  await expect
    .poll(async () => Number(await row(importing, 1).getAttribute('aria-setsize')), { timeout: 60_000 })
    .toBeGreaterThan(position + 100);
  await scrollToRow(importing, position);
  const target = row(importing, position).locator('a.title');
  await expect(target).toHaveText(latest[position - 1]!.title);
  const before = await importing.evaluate(() => window.scrollY);
  const onScreen = await target.evaluate((a) => a.getBoundingClientRect().top);
  await target.click();
  await expect(importing.getByRole('heading', { level: 1 })).toHaveText(latest[position - 1]!.title);
  await importing.goBack();
  await expect(importing.getByRole('heading', { level: 1 })).toHaveText('Latest articles');
  await expect(target).toHaveText(latest[position - 1]!.title);
  await expect(bar).toBeVisible();
  // Older chunks keep arriving below: the row stays where it was on screen.
  const count = await importing.locator('p.count').textContent();
  await expect(importing.locator('p.count')).not.toHaveText(count ?? '', { timeout: 30_000 });
  expect(Math.abs((await importing.evaluate(() => window.scrollY)) - before)).toBeLessThan(5);
  expect(Math.abs((await target.evaluate((a) => a.getBoundingClientRect().top)) - onScreen)).toBeLessThan(5);
  await importing.close();
});
