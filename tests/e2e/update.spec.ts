import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { readBuiltCorpus, storedArticleCount, type BuiltArticle } from './helpers.ts';
import { deploy, expectHome, OFFLINE_ROOT, startServer, waitForController } from './offline-helpers.ts';
import { APP_V2, E2E_DIST } from './paths.ts';

test.use({ serviceWorkers: 'allow' });

/** The app over the demo corpus and over its second version (prepare.ts). */
const v1Build = E2E_DIST;
const v2Build = APP_V2;
let v1: BuiltArticle[] = [];
let v2: BuiltArticle[] = [];

test.beforeAll(async () => {
  [v1, v2] = await Promise.all([readBuiltCorpus(`${v1Build}/corpus`), readBuiltCorpus(`${v2Build}/corpus`)]);
});

/** What the app does on its own when the tab becomes visible again: look for a new version. */
async function lookForUpdate(page: Page): Promise<void> {
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
}

function countLoads(page: Page): () => number {
  let loads = 0;
  page.on('load', () => (loads += 1));
  return () => loads;
}

test('a new version waits for the reader, then brings v2 in; saved articles survive; no reload loop', async ({
  context,
}, testInfo) => {
  test.setTimeout(120_000);
  const dir = join(OFFLINE_ROOT, `served-${testInfo.workerIndex}-update`);
  deploy(v1Build, dir);
  const server = await startServer(dir);
  const removed = v1.find((a) => !v2.some((b) => b.id === a.id))!;
  const changed = v2.find((a) => a.title.endsWith('(updated)'))!;
  const kept = v1.find((a) => a.id !== removed.id && a.id !== changed.id && a.lang === 'en')!;
  try {
    const first = await context.newPage();
    await first.goto(server.url);
    await expectHome(first);
    await waitForController(first);
    await first.goto(`${server.url}#/article/${encodeURIComponent(kept.id)}`);
    await first.getByRole('button', { name: 'Save this article' }).click();
    await expect(first.getByRole('button', { name: 'Remove from saved articles' })).toBeVisible();

    const second = await context.newPage();
    await second.goto(`${server.url}#/article/${encodeURIComponent(changed.id)}`);
    await expect(second.getByRole('heading', { level: 1 })).toHaveText(v1.find((a) => a.id === changed.id)!.title);
    const firstLoads = countLoads(first);
    const secondLoads = countLoads(second);

    // Deploy v2 while both tabs read v1.
    deploy(v2Build, dir);
    await lookForUpdate(first);
    const banner = first.getByRole('region', { name: 'App update' });
    await expect(banner).toContainText('A new version of Folio is available.', { timeout: 30_000 });
    await expect(second.getByRole('region', { name: 'App update' })).toContainText('A new version', {
      timeout: 30_000,
    });
    // Nothing reloaded by itself; the reader of the second tab is still on v1's text.
    expect(firstLoads()).toBe(0);
    expect(secondLoads()).toBe(0);

    // Keyboard: the Reload button is reachable and works with Enter.
    await banner.getByRole('button', { name: 'Reload' }).focus();
    await first.keyboard.press('Enter');
    await expect.poll(firstLoads, { timeout: 30_000 }).toBe(1);
    await expect(first.getByRole('heading', { level: 1 })).toHaveText(kept.title, { timeout: 30_000 });
    await first.goto(`${server.url}#/`);
    await expectHome(first);
    await expect(first.locator('ol.articles > li a.title').first()).toHaveText('A newly added article', {
      timeout: 30_000,
    });
    expect(await storedArticleCount(first)).toBe(v2.length);

    // The other tab is told, and reloads only when its reader says so.
    const elsewhere = second.getByRole('region', { name: 'App update' });
    await expect(elsewhere).toContainText('Folio was updated in another tab', { timeout: 30_000 });
    expect(secondLoads()).toBe(0);
    await elsewhere.getByRole('button', { name: 'Reload' }).click();
    await expect(second.getByRole('heading', { level: 1 })).toHaveText(changed.title, { timeout: 30_000 });

    // Let any stray controllerchange or update check play out, then count: one reload per tab.
    await first.waitForTimeout(2000);
    expect(firstLoads()).toBe(1);
    expect(secondLoads()).toBe(1);
    await expect(first.getByRole('region', { name: 'App update' })).toHaveCount(0);
    await expect(second.getByRole('region', { name: 'App update' })).toHaveCount(0);

    await first.goto(`${server.url}#/article/${encodeURIComponent(removed.id)}`);
    await expect(first.getByRole('heading', { level: 1 })).toHaveText('Page not found');
    await first.goto(`${server.url}#/saved`);
    await expect(first.getByTestId('saved-list').getByRole('link', { name: kept.title })).toBeVisible();
  } finally {
    await server.close();
  }

  // Offline after the update: v2 comes from the new precache.
  const page = context.pages()[0]!;
  await page.goto(`${server.url}#/`);
  await page.reload();
  await expectHome(page);
  await expect(page.locator('ol.articles > li a.title').first()).toHaveText('A newly added article');
  await page.goto(`${server.url}#/article/e2e-added-article`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('A newly added article');
});
