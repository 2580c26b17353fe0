import { expect, test } from '@playwright/test';
import { traceCompiles } from './compile-trace.ts';

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
