import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { openHome, readBuiltCorpus, type BuiltArticle } from './helpers.ts';
import { E2E_DIST } from './paths.ts';

/** Kiosk mode (docs/KIOSK.md), on a landscape 1080p touch screen. */
const KIOSK = './?mode=kiosk#/';
const IDLE_MS = 90_000;
const ATTRACT_STEP_MS = 8_000;

let articles: BuiltArticle[] = [];
test.beforeAll(async () => {
  articles = await readBuiltCorpus(`${E2E_DIST}/corpus`);
});
test.use({ viewport: { width: 1920, height: 1080 }, hasTouch: true });

const attract = (page: Page) => page.getByRole('dialog', { name: /Touch to start/ });
const searchBox = (page: Page) => page.getByRole('searchbox', { name: 'Search articles' });
const results = (page: Page) => page.getByRole('list', { name: 'Search results' });
const key = (page: Page, name: string) => page.locator(`.kiosk-keyboard .hg-button[data-skbtn="${name}"]`);

/**
 * axe on the kiosk UI. The viewport's zoom lock (user-scalable=no) is a deliberate exception for an
 * unattended screen (docs/KIOSK.md "Accessibility"): text is sized to the screen instead. The app
 * has no frames: legacy mode (axe.run in the page) applies the same rules without a blank page per scan.
 */
function axe(page: Page): AxeBuilder {
  return new AxeBuilder({ page })
    .setLegacyMode(true)
    .withTags(['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa'])
    .disableRules(['meta-viewport']);
}

async function tapKeys(page: Page, text: string): Promise<void> {
  for (const char of text) await key(page, char === ' ' ? '{space}' : char).click();
}

test.beforeEach(async ({ page }) => {
  await page.clock.install();
});

test('after the idle time the start screen returns with no trace of the visitor', async ({ page }) => {
  await openHome(page, KIOSK);
  const article = articles.find((a) => a.lang === 'en' && a.id.includes('tidal'))!;
  await page.goto(`./?mode=kiosk#/article/${article.id}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(article.title);
  await page.mouse.wheel(0, 400);
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
  await page.getByRole('link', { name: 'Search', exact: true }).click();
  await expect(page.locator('.kiosk-keyboard')).toBeVisible();
  await searchBox(page).fill('tidal turbine');
  await expect(results(page).getByRole('link').first()).toBeVisible();

  await page.clock.fastForward(IDLE_MS + 1_000);
  await expect(attract(page)).toBeVisible();
  expect(new URL(page.url()).hash).toBe('#/');
  await attract(page).getByRole('button').click();
  await expect(attract(page)).toBeHidden();
  await expect(page.getByRole('heading', { level: 1, name: 'Latest articles' })).toBeVisible();
  await expect(searchBox(page)).toHaveCount(0);
  await expect(page.locator('.kiosk-keyboard')).toHaveCount(0);
  await expect(page.locator(`article[data-article-id="${article.id}"]`)).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Continue reading' })).toHaveCount(0);
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  expect(await page.evaluate(() => sessionStorage.getItem('folio:scroll'))).toBeNull();

  // Back does not return to the visitor's search or article.
  // Two steps back reach the visitor's article and the first start screen; a third would leave the page.
  for (let i = 0; i < 2; i++) {
    await page.evaluate(() => history.back());
    await page.waitForTimeout(200);
    expect(new URL(page.url()).hash).toBe('#/');
    await expect(page.getByRole('heading', { level: 1, name: 'Latest articles' })).toBeVisible();
    await expect(page.locator(`article[data-article-id="${article.id}"]`)).toHaveCount(0);
  }
});

test('a custom idle time comes from the URL', async ({ page }) => {
  await openHome(page, './?mode=kiosk&idle=30#/');
  await page.clock.fastForward(20_000);
  await expect(attract(page)).toHaveCount(0);
  await page.clock.fastForward(11_000);
  await expect(attract(page)).toBeVisible();
});

test('the attract loop steps through the latest articles, and a touch ends it', async ({ page }) => {
  await openHome(page, KIOSK);
  await page.clock.fastForward(IDLE_MS + 1_000);
  const featured = attract(page).locator('.featured');
  await expect(featured).toBeVisible();
  await expect(attract(page).getByText('轻触屏幕开始')).toBeVisible();
  const first = await featured.getAttribute('data-article-id');
  expect(first).toBeTruthy();
  await page.clock.runFor(ATTRACT_STEP_MS);
  await expect(featured).not.toHaveAttribute('data-article-id', first!);
  // With reduced motion nothing fades or pulses (axe then also sees the settled colours).
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await expect(attract(page).locator('.cta')).toHaveCSS('animation-name', 'none');
  expect((await axe(page).analyze()).violations).toEqual([]);
  await page.touchscreen.tap(960, 200);
  await expect(attract(page)).toBeHidden();
  await expect(page.getByRole('heading', { level: 1, name: 'Latest articles' })).toBeVisible();
});

test('the start screen meets WCAG AA with large touch targets', async ({ page }) => {
  await openHome(page, KIOSK);
  expect((await axe(page).analyze()).violations).toEqual([]);
  for (const box of await page
    .locator('header a, header button, main a')
    .evaluateAll((els) =>
      els.filter((e) => e.getClientRects().length > 0).map((e) => e.getBoundingClientRect().height),
    ))
    expect(box).toBeGreaterThanOrEqual(44);
  // Nothing to save or set on a shared screen.
  await expect(page.getByRole('link', { name: 'Saved' })).toBeHidden();
  await page.goto('./?mode=kiosk#/settings');
  await expect(page).toHaveURL(/#\/$/);
});

test('searching in English with the on-screen keys', async ({ page }) => {
  await openHome(page, KIOSK);
  await page.goto('./?mode=kiosk#/search?q=');
  await expect(page.locator('.kiosk-keyboard')).toBeVisible();
  await tapKeys(page, 'tidal');
  await expect(searchBox(page)).toHaveValue('tidal');
  await expect(page).toHaveURL(/#\/search\?q=tidal$/);
  const target = articles.find((a) => a.id === 'en-2023-07-tidal-turbine-trial')!;
  await expect(results(page).getByRole('link', { name: target.title })).toBeVisible();
  await key(page, '{bksp}').click();
  await expect(searchBox(page)).toHaveValue('tida');
});

test('searching in Chinese through pinyin and candidates', async ({ page }) => {
  await openHome(page, KIOSK);
  await page.goto('./?mode=kiosk#/search?q=');
  await key(page, '{lang}').click();
  await tapKeys(page, 'zhong');
  const candidates = page.getByRole('list', { name: 'Chinese characters for “zhong”' }).getByRole('button');
  // The pinyin table (~130 KB) loads on first use: allow for a busy machine.
  await expect(candidates.nth(0)).toHaveText('中', { timeout: 20_000 });
  await expect(candidates.nth(1)).toHaveText('种');
  await expect(candidates.nth(2)).toHaveText('重');
  // The pinyin is not typed into the field until a candidate is chosen.
  await expect(searchBox(page)).toHaveValue('');
  for (let i = 0; i < 5; i++) await key(page, '{bksp}').click();
  await expect(page.locator('.candidates ul')).toHaveCount(0);

  await tapKeys(page, 'shanhu');
  await page
    .getByRole('list', { name: /“shanhu”/ })
    .getByRole('button', { name: '珊瑚' })
    .click();
  await expect(searchBox(page)).toHaveValue('珊瑚');
  await expect(searchBox(page)).toBeFocused();
  const target = articles.find((a) => a.lang === 'zh' && a.title.includes('珊瑚'))!;
  // By address: highlighting splits the link's text around each match.
  await expect(results(page).locator(`a[href="#/article/${target.id}"]`)).toBeVisible({ timeout: 15_000 });
});

for (const viewport of [
  { width: 1920, height: 1080 },
  { width: 1080, height: 1920 },
  { width: 1280, height: 720 },
]) {
  test(`the keyboard never covers the search field (${viewport.width}×${viewport.height})`, async ({ page }) => {
    await page.setViewportSize(viewport);
    await openHome(page, KIOSK);
    await page.goto('./?mode=kiosk#/search?q=');
    const keyboard = page.locator('.kiosk-keyboard');
    await expect(keyboard).toBeVisible();
    await tapKeys(page, 'the');
    await expect(results(page).locator('li').first()).toBeVisible();
    const check = async (): Promise<void> => {
      const field = (await searchBox(page).boundingBox())!;
      const keys = (await keyboard.boundingBox())!;
      expect(field.y).toBeGreaterThanOrEqual(0);
      expect(field.y + field.height).toBeLessThanOrEqual(keys.y);
    };
    await check();
    // Scrolled down through the results, the field stays above the keyboard.
    await page.mouse.wheel(0, 5000);
    await page.waitForTimeout(300);
    await check();
    await key(page, 's').click();
    await check();
  });
}

test('an outside link shows a QR code and opens nothing', async ({ page, context }) => {
  await openHome(page, KIOSK);
  const before = page.url();
  let popups = 0;
  context.on('page', () => popups++);
  await page.evaluate(() => {
    const link = document.createElement('a');
    link.href = 'https://example.org/more?ref=folio';
    link.target = '_blank';
    link.textContent = 'Read more elsewhere';
    document.querySelector('main')?.prepend(link);
  });
  await page.getByRole('link', { name: 'Read more elsewhere' }).click();
  const dialog = page.getByRole('dialog', { name: 'Continue on your phone' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('img', { name: 'QR code for https://example.org/more?ref=folio' })).toBeVisible();
  await expect(dialog.locator('svg path')).toHaveAttribute('d', /^M\d/);
  await expect(dialog.getByText('https://example.org/more?ref=folio')).toBeVisible();
  expect(page.url()).toBe(before);
  expect(popups).toBe(0);
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
  // window.open is caught too.
  await page.evaluate(() => window.open('https://example.org/other'));
  await expect(dialog.getByText('https://example.org/other')).toBeVisible();
  expect(popups).toBe(0);
  // Closed, and another link at once, before the dialog's close event: the new one shows (CI once
  // saw the late close event clear it).
  await page.evaluate(() => {
    document.querySelector<HTMLButtonElement>('dialog[open] form button')?.click();
    window.open('https://example.org/third');
  });
  await expect(dialog.getByText('https://example.org/third')).toBeVisible();
  await expect(page.locator('dialog[open]')).toHaveCount(1);
});

test('lockdown: no context menu, no zoom, no overscroll, no selecting controls', async ({ page }) => {
  await openHome(page, KIOSK);
  const prevented = await page.evaluate(() => {
    const event = new MouseEvent('contextmenu', { bubbles: true, cancelable: true });
    document.querySelector('main')?.dispatchEvent(event);
    return event.defaultPrevented;
  });
  expect(prevented).toBe(true);
  const styles = await page.evaluate(() => {
    const html = getComputedStyle(document.documentElement);
    const button = document.querySelector('header button');
    return {
      touchAction: html.touchAction,
      overscroll: html.overscrollBehaviorY,
      buttonSelect: button ? getComputedStyle(button).userSelect : '',
      viewport: document.querySelector('meta[name="viewport"]')?.getAttribute('content'),
    };
  });
  expect(styles).toEqual({
    touchAction: 'pan-x pan-y',
    overscroll: 'none',
    buttonSelect: 'none',
    viewport: expect.stringContaining('user-scalable=no'),
  });
  await page.goto(`./?mode=kiosk#/article/${articles[0]!.id}`);
  await expect(page.locator('article')).toHaveCSS('user-select', 'text');
});

test('the library error screen tries again by itself after a countdown', async ({ page }) => {
  let fail = true;
  await page.route('**/corpus/manifest.json', (route) =>
    fail ? route.fulfill({ status: 503, body: 'down' }) : route.fallback(),
  );
  await page.goto(KIOSK);
  await expect(page.getByRole('alert').filter({ hasText: 'The archive could not be loaded.' })).toBeVisible();
  await expect(page.getByText(/Trying again in \d+ s/)).toBeVisible();
  fail = false;
  await page.clock.fastForward(10_000);
  await expect(page.getByText(/Trying again in 1\d s/)).toBeVisible();
  await page.clock.runFor(11_000);
  await expect(page.getByRole('heading', { level: 1, name: 'Latest articles' })).toBeVisible({ timeout: 30_000 });
});

test('an unexpected error shows a kiosk error screen that starts again by itself', async ({ page }) => {
  await openHome(page, KIOSK);
  await page.goto('./?mode=kiosk#/search?q=tidal');
  await page.evaluate(() => void Promise.reject(new Error('boom')));
  await expect(page.getByRole('heading', { name: 'Something went wrong' })).toBeVisible();
  await expect(page.getByText(/Starting again in \d+ s/)).toBeVisible();
  await page.clock.runFor(16_000);
  await expect(page.getByRole('heading', { level: 1, name: 'Latest articles' })).toBeVisible({ timeout: 30_000 });
  expect(new URL(page.url()).search).toBe('?mode=kiosk');
  expect(new URL(page.url()).hash).toBe('#/');
});
