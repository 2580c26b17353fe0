import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { openHome, readBuiltCorpus } from './helpers.ts';
import { E2E_DIST } from './paths.ts';

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

for (const theme of ['light', 'dark'] as const) {
  test(`axe finds no WCAG 2.2 AA violations on every page, ${theme} theme${theme === 'dark' ? ' (colour rules)' : ''}`, async ({
    page,
  }) => {
    test.setTimeout(120_000);
    await page.emulateMedia({ colorScheme: theme });
    const articles = await readBuiltCorpus(`${E2E_DIST}/corpus`);
    const withImage = articles.find((a) => (a as unknown as { images: unknown[] }).images.length > 0)!;
    await openHome(page);
    // Something saved and read, so the saved page shows its lists.
    await page.goto(`./#/article/${encodeURIComponent(withImage.id)}`);
    await page.getByRole('button', { name: 'Save this article' }).click();
    // One page of each kind: every article shares the article page, checked on one with an image that is saved.
    const pages = [
      './#/',
      `./#/article/${encodeURIComponent(withImage.id)}`,
      './#/search?q=coral',
      './#/saved',
      './#/settings',
      './#/archive/2024',
      './#/article/missing',
    ];
    for (const url of pages) {
      await page.goto(url);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await page.waitForTimeout(100);
      // The dark theme changes colours only: its pass runs the rules that read colours (the light pass
      // runs every WCAG 2.2 AA rule on the same pages), which halves its time on CI's two cores.
      // The app has no frames: axe.run in the page itself (legacy mode) applies the same rules to it,
      // without the blank page that the frame-by-frame mode opens for every scan (half the time).
      const axe = new AxeBuilder({ page }).setLegacyMode(true);
      const results = await (
        theme === 'light' ? axe.withTags(WCAG_TAGS) : axe.withRules(['color-contrast', 'link-in-text-block'])
      ).analyze();
      const summary = results.violations.map(
        (v) => `${url} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
      );
      expect(summary).toEqual([]);
    }
  });
}
