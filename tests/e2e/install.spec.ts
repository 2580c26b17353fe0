import { expect, test } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../chromium.ts';
import { deploy, expectHome, OFFLINE_ROOT, startServer, waitForController } from './offline-helpers.ts';
import { E2E_DIST } from './paths.ts';

test.use({ serviceWorkers: 'allow' });

/** The app over the demo corpus, its service worker precaching that corpus (prepare.ts). */
const build = E2E_DIST;

test('Chromium finds Folio installable: manifest, icons and service worker', async ({ browserName }, testInfo) => {
  expect(browserName).toBe('chromium');
  const dir = join(OFFLINE_ROOT, `served-${testInfo.workerIndex}-install`);
  deploy(build, dir);
  const server = await startServer(dir);
  // Installability is not reported in incognito-like contexts: use a real profile.
  const profile = await mkdtemp(join(tmpdir(), 'folio-install-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: findChromium(),
    args: CHROMIUM_ARGS,
    headless: true,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(server.url);
    await expectHome(page);
    await waitForController(page);
    const cdp = await context.newCDPSession(page);
    const manifest = (await cdp.send('Page.getAppManifest')) as { url: string; errors: unknown[] };
    expect(manifest.url).toBe(`${server.url}manifest.webmanifest`);
    expect(manifest.errors).toEqual([]);
    await expect
      .poll(async () => {
        const result = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: unknown[] };
        return result.installabilityErrors;
      })
      .toEqual([]);
    // The icons the manifest lists are real PNGs of the sizes it claims.
    for (const size of [192, 512]) {
      for (const kind of ['icon', 'maskable']) {
        const dims = await page.evaluate(async (src) => {
          const img = new Image();
          img.src = src;
          await img.decode();
          return [img.naturalWidth, img.naturalHeight];
        }, `icons/${kind}-${size}.png`);
        expect(dims).toEqual([size, size]);
      }
    }
  } finally {
    await context.close();
    await server.close();
    await rm(profile, { recursive: true, force: true });
  }
});
