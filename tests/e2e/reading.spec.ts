import { expect, test, type Page } from '@playwright/test';
import { openHome, readBuiltCorpus, storeRecord, type BuiltArticle } from './helpers.ts';
import { E2E_DIST } from './paths.ts';

let articles: (BuiltArticle & { translations: Record<string, string> })[] = [];

test.beforeAll(async () => {
  articles = (await readBuiltCorpus(`${E2E_DIST}/corpus`)) as typeof articles;
});

const heading = (page: Page) => page.getByRole('heading', { level: 1 });

async function openArticle(page: Page, article: BuiltArticle): Promise<void> {
  await page.goto(`./#/article/${encodeURIComponent(article.id)}`);
  await expect(heading(page)).toHaveText(article.title);
}

test('a saved article is listed on the saved page, and stays saved after a reload', async ({ page }) => {
  const [first, second] = articles;
  await openHome(page);
  await openArticle(page, first!);
  const save = page.getByRole('button', { name: 'Save this article' });
  await save.click();
  await expect(page.getByRole('button', { name: 'Remove from saved articles' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await openArticle(page, second!);
  await page.getByRole('button', { name: 'Save this article' }).click();

  await page.getByRole('link', { name: 'Saved', exact: true }).click();
  await expect(heading(page)).toHaveText('Saved articles');
  const saved = page.getByTestId('saved-list').getByRole('link');
  await expect(saved).toHaveText([second!.title, first!.title]);

  await page.reload();
  await expect(saved).toHaveText([second!.title, first!.title]);
  await page.getByRole('button', { name: `Remove “${second!.title}” from saved articles` }).click();
  await expect(saved).toHaveText([first!.title]);
  await page.reload();
  await expect(saved).toHaveText([first!.title]);
});

test('continue reading returns to the last scroll position, with a reading progress bar', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 480 });
  // The longest body: 600 px of scrolling must leave it unfinished (under 95%) on any font.
  const long = [...articles].sort((a, b) => b.html.length - a.html.length)[0]!;
  await openHome(page);
  await openArticle(page, long);
  const bar = page.getByRole('progressbar', { name: 'Reading progress' });
  await expect(bar).toHaveAttribute('aria-valuenow', '0');
  await page.evaluate(() => window.scrollTo(0, 600));
  await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThan(10);
  const percent = Number(await bar.getAttribute('aria-valuenow'));
  // Back, without scrolling up to the header first (as clicking "Latest" would).
  await page.goBack();
  await expect(heading(page)).toHaveText('Latest articles');
  // The page writes the position as it closes: a reload before the write lands would lose it.
  await expect.poll(async () => (await storeRecord<{ y: number }>(page, 'history', long.id))?.y).toBe(600);

  await page.reload();
  const card = page.getByRole('complementary', { name: 'Continue reading' });
  await expect(card.getByRole('link')).toHaveText(long.title);
  await expect(card).toContainText(`${percent}% read`);
  await card.getByRole('link').click();
  await expect(heading(page)).toHaveText(long.title);
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(600);

  await page.goto('./#/saved');
  await expect(page.getByTestId('history-list').getByRole('link').first()).toHaveText(long.title);
  await page.getByRole('button', { name: 'Clear history' }).click();
  await expect(page.getByText('Articles you read will appear here.')).toBeVisible();
});

test('a position scrolled to just before a reload or a closed tab is kept', async ({ page, context }) => {
  await page.setViewportSize({ width: 360, height: 480 });
  const long = [...articles].sort((a, b) => b.html.length - a.html.length)[0]!;
  await openHome(page);
  await openArticle(page, long);
  const bar = page.getByRole('progressbar', { name: 'Reading progress' });
  await page.evaluate(() => window.scrollTo(0, 700));
  await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThan(10);
  // At once: the position's timer (one write a second while scrolling) has not fired yet.
  expect(await storeRecord<{ y: number }>(page, 'history', long.id)).toBeUndefined();
  await page.reload();
  await expect(heading(page)).toHaveText(long.title);
  expect((await storeRecord<{ y: number }>(page, 'history', long.id))?.y).toBe(700);

  // A closed tab: the timer dies with the page, the write on pagehide does not.
  const before = Number(await bar.getAttribute('aria-valuenow'));
  await page.evaluate(() => window.scrollTo(0, 300));
  await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow'))).not.toBe(before);
  await page.close();
  const next = await context.newPage();
  await next.goto('./#/');
  await expect.poll(async () => (await storeRecord<{ y: number }>(next, 'history', long.id))?.y).toBe(300);
});

test('a phone switching apps hides the page: the position is written then, not a second later', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 480 });
  const long = [...articles].sort((a, b) => b.html.length - a.html.length)[0]!;
  await page.clock.install();
  await openHome(page);
  await openArticle(page, long);
  // Time stands still from here: the position's one-write-a-second timer cannot fire.
  await page.clock.pauseAt(new Date(Date.now() + 60_000));
  const bar = page.getByRole('progressbar', { name: 'Reading progress' });
  await page.evaluate(() => window.scrollTo(0, 500));
  await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThan(5);
  expect(await storeRecord<{ y: number }>(page, 'history', long.id)).toBeUndefined();
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await expect.poll(async () => (await storeRecord<{ y: number }>(page, 'history', long.id))?.y).toBe(500);
});

test('settings persist across a reload and change the page', async ({ page }) => {
  await page.goto('./#/settings');
  await expect(heading(page)).toHaveText('Settings');
  await page.getByRole('radio', { name: 'Dark' }).check();
  await page.getByRole('radio', { name: '150%' }).check();
  await page.getByRole('radio', { name: 'Relaxed' }).check();
  await page.reload();
  await expect(heading(page)).toHaveText('Settings');
  await expect(page.getByRole('radio', { name: 'Dark' })).toBeChecked();
  await expect(page.getByRole('radio', { name: '150%' })).toBeChecked();
  await expect(page.getByRole('radio', { name: 'Relaxed' })).toBeChecked();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background).toBe('rgb(18, 19, 22)');
  const fontSize = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  expect(fontSize).toBe(24);
  // The theme setting wins over the system's dark preference, both ways.
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.getByRole('radio', { name: 'Light' }).check();
  await expect
    .poll(() => page.evaluate(() => getComputedStyle(document.body).backgroundColor))
    .toBe('rgb(251, 250, 247)');
  await page.getByRole('radio', { name: 'Follow the system' }).check();
  await expect.poll(() => page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(18, 19, 22)');

  await page.getByRole('radio', { name: '简体中文' }).check();
  await expect(heading(page)).toHaveText('设置');
  await page.reload();
  await expect(heading(page)).toHaveText('设置');
  await expect(page.getByRole('radio', { name: '跟随系统' })).toBeVisible();
});

test('the interface language defaults from the browser', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto('./');
  await expect(heading(page)).toHaveText('最新文章', { timeout: 30_000 });
  await context.close();
});

test.describe('on a touch screen', () => {
  test.use({ hasTouch: true, isMobile: true, viewport: { width: 390, height: 800 } });

  async function swipe(page: Page, from: number, to: number): Promise<void> {
    const cdp = await page.context().newCDPSession(page);
    const y = 400;
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: from, y }] });
    for (let step = 1; step <= 5; step++) {
      const x = from + ((to - from) * step) / 5;
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x, y }] });
    }
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  }

  test('swiping moves between articles, and the ends say so', async ({ page }) => {
    const en = articles.filter((a) => a.lang === 'en').sort((a, b) => a.ord - b.ord);
    const newest = en[en.length - 1]!;
    const before = en[en.length - 2]!;
    await openHome(page);
    await openArticle(page, before);
    await expect(page.getByText('Swipe left or right to move between articles.')).toBeVisible();
    await swipe(page, 320, 60);
    await expect(heading(page)).toHaveText(newest.title);
    await swipe(page, 320, 60);
    await expect(page.getByRole('status').filter({ hasText: 'There is no newer article.' })).toBeVisible();
    await expect(heading(page)).toHaveText(newest.title);
    await swipe(page, 60, 320);
    await expect(heading(page)).toHaveText(before.title);
  });
});

test('keyboard shortcuts: arrows at the ends, / for search, ? for help, Esc to close', async ({ page }) => {
  const en = articles.filter((a) => a.lang === 'en').sort((a, b) => a.ord - b.ord);
  await openHome(page);
  await openArticle(page, en[0]!);
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByRole('status').filter({ hasText: 'There is no older article.' })).toBeVisible();

  await page.keyboard.press('?');
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText('Previous article')).toBeVisible();
  await expect(dialog.getByText('Search', { exact: true })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  await page.keyboard.press('/');
  await expect(page).toHaveURL(/#\/search/);
});

test('an article with a counterpart offers the other language, and opens it', async ({ page }) => {
  const en = articles.find((a) => a.lang === 'en' && a.translations.zh)!;
  const zh = articles.find((a) => a.id === en.translations.zh)!;
  await openHome(page);
  await openArticle(page, en);
  await page.getByRole('link', { name: 'Read in Chinese' }).click();
  await expect(heading(page)).toHaveText(zh.title);
  await expect(page.locator('article')).toHaveAttribute('lang', 'zh');
  await page.getByRole('link', { name: 'Read in English' }).click();
  await expect(heading(page)).toHaveText(en.title);
});

test('share copies the link where the Web Share API is missing', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.addInitScript(() => {
    // Headless Chromium may or may not have it; this test covers the fallback.
    Object.defineProperty(navigator, 'share', { value: undefined });
  });
  await openHome(page);
  await openArticle(page, articles[0]!);
  await page.getByRole('button', { name: 'Share this article' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Link copied to the clipboard.' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(page.url());
});

test('share uses the Web Share API when there is one', async ({ page }) => {
  await page.addInitScript(() => {
    (window as unknown as { shared: unknown[] }).shared = [];
    Object.defineProperty(navigator, 'share', {
      value: (data: unknown) => {
        (window as unknown as { shared: unknown[] }).shared.push(data);
        return Promise.resolve();
      },
    });
  });
  await openHome(page);
  await openArticle(page, articles[1]!);
  await page.getByRole('button', { name: 'Share this article' }).click();
  const shared = await page.evaluate(() => (window as unknown as { shared: { title: string; url: string }[] }).shared);
  expect(shared).toEqual([{ title: articles[1]!.title, url: page.url() }]);
});

test('the print stylesheet keeps the article and drops the controls', async ({ page }) => {
  await openHome(page);
  await openArticle(page, articles[2]!);
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('.site-header')).toBeHidden();
  await expect(page.getByRole('button', { name: 'Save this article' })).toBeHidden();
  await expect(page.locator('nav.prev-next')).toBeHidden();
  await expect(heading(page)).toBeVisible();
  await expect(page.locator('article .body p').first()).toBeVisible();
});

test('focus moves to the page heading on each route change, and the keyboard alone reads', async ({ page }) => {
  await openHome(page);
  await expect(heading(page)).toBeFocused();
  // Tab from the heading to the first article link and open it with Enter.
  const first = page.locator('ol.articles a.title').first();
  const title = await first.textContent();
  await first.focus();
  await page.keyboard.press('Enter');
  await expect(heading(page)).toHaveText(title!);
  await expect(heading(page)).toBeFocused();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  const focusedText = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
  expect(focusedText.length).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Save this article' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Remove from saved articles' })).toBeFocused();
});

test('reduced motion turns transitions off', async ({ page }) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await openHome(page);
  await openArticle(page, articles[0]!);
  const duration = await page
    .locator('[role="progressbar"] > div')
    .evaluate((el) => getComputedStyle(el).transitionDuration);
  expect(parseFloat(duration)).toBeLessThan(0.001);
});
