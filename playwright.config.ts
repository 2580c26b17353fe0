import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium, HOW_TO_GET_CHROMIUM } from './tests/chromium.ts';

const executablePath = findChromium();
if (!executablePath) throw new Error(HOW_TO_GET_CHROMIUM);

/** The e2e server: a plain static server over dist/, on its own port so `npm start` can run beside it. */
export const E2E_PORT = Number(process.env.FOLIO_E2E_PORT ?? 4174);

export default defineConfig({
  testDir: 'tests/e2e',
  // Test by test, not file by file: a long file (hostile, kiosk) would leave the other worker idle at
  // the end. Tests that share one page (one import of a big corpus) are grouped in serial describes.
  fullyParallel: true,
  // Two browsers at once on CI's two cores: most of a test is waiting on an import or a network
  // stall, so two run in ~60% of the time; timing-sensitive checks are generous and CI retries once.
  workers: 2,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${E2E_PORT}/`,
    browserName: 'chromium',
    launchOptions: { executablePath, args: CHROMIUM_ARGS },
    // Recording a trace of every run (retain-on-failure) costs about a third of the e2e time on two
    // cores (screencast and DOM snapshots at every action); CI retries a failure once, with a trace.
    trace: 'on-first-retry',
    // Specs swap corpora with page.route, which a service worker would bypass; offline*/update*/install* specs allow it.
    serviceWorkers: 'block',
  },
  webServer: {
    command: `npx vite preview --outDir .tmp/e2e-dist --port ${E2E_PORT} --strictPort`,
    url: `http://localhost:${E2E_PORT}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
