/**
 * Lists at scale (issue #7): with a big built corpus already imported, reloads the home page at
 * 4x CPU throttling and measures the time to the first list row on screen, then scrolls through
 * the list (wheel, PageDown, End, jumps) and reports the longest main-thread task after that
 * first paint, from a Chromium trace (every task, not only those over 50 ms).
 *
 *   npx tsx bench/lists-scroll.ts --corpus /tmp/folio-100k/corpus [--dist .tmp/e2e-dist] [--port 4185]
 *
 * The app is served by `vite preview` over --dist (build it with `npx tsx tests/e2e/prepare.ts`);
 * the corpus is swapped in with page.route, as the e2e tests do.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium, HOW_TO_GET_CHROMIUM } from '../tests/chromium.ts';
import { startTrace, stopTrace } from './lib/trace.ts';

const CPU_THROTTLING = 4;
const VIEWPORT = { width: 1280, height: 800 };
const IMPORT_TIMEOUT_MS = 30 * 60_000;
const WHEEL_STEPS = 80;
const WHEEL_PX = 1200;
const JUMPS = 20;
const FIRST_ROW_MARK = 'folio-first-row';
const US_PER_MS = 1000;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const corpus = arg('corpus', '/tmp/folio-100k/corpus');
/** A kept browser profile: the import (minutes for 100,000 articles) happens once. */
const profile = arg('profile', `${corpus}-profile`);
const dist = arg('dist', '.tmp/e2e-dist');
const port = Number(arg('port', '4185'));
const base = `http://localhost:${port}/`;

async function waitForServer(): Promise<void> {
  for (let i = 0; i < 120; i += 1) {
    try {
      if ((await fetch(base)).ok) return;
    } catch {
      // Not up yet.
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`no server on ${base}`);
}

async function serveCorpus(page: Page): Promise<void> {
  await page.route('**/corpus/**', async (route) => {
    const name = new URL(route.request().url()).pathname.split('/corpus/')[1] ?? '';
    try {
      const body = await readFile(join(corpus, name));
      await route.fulfill({ body, contentType: 'application/json' });
    } catch {
      await route.fulfill({ status: 404, body: 'not found' });
    }
  });
}

/** Marks, in the trace, when the first list row is in the DOM and a frame has been produced. */
const FIRST_ROW_PROBE = `(() => {
  const seen = () => document.querySelector('ol.articles > li a.title');
  const observer = new MutationObserver(() => {
    if (!seen()) return;
    observer.disconnect();
    requestAnimationFrame(() => setTimeout(() => {
      window.__folioFirstRow = performance.now();
      console.timeStamp(${JSON.stringify(FIRST_ROW_MARK)});
    }, 0));
  });
  observer.observe(document, { childList: true, subtree: true });
})();`;

const executablePath = findChromium();
if (!executablePath) throw new Error(HOW_TO_GET_CHROMIUM);
const server = spawn('npx', ['vite', 'preview', '--outDir', dist, '--port', String(port), '--strictPort'], {
  stdio: 'ignore',
});
try {
  await waitForServer();
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: VIEWPORT,
    serviceWorkers: 'block',
    locale: 'en-US',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await serveCorpus(page);
  const importStart = Date.now();
  await page.goto(base);
  await page
    .getByRole('heading', { level: 1, name: 'Latest articles' })
    .waitFor({ state: 'visible', timeout: IMPORT_TIMEOUT_MS });
  console.log(`import (unthrottled): ${Math.round((Date.now() - importStart) / 1000)} s`);
  const total = await page
    .locator('p.count')
    .textContent({ timeout: 120_000 })
    .catch(() => null);

  await page.addInitScript(FIRST_ROW_PROBE);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_THROTTLING });
  await startTrace(cdp, 'toplevel,devtools.timeline,blink.user_timing');
  await page.reload();
  await page.locator('ol.articles > li a.title').first().waitFor({ timeout: 120_000 });
  await page.waitForFunction(() => '__folioFirstRow' in window, undefined, { timeout: 60_000 });
  const firstRowMs = await page.evaluate(
    () => (window as unknown as { __folioFirstRow: number }).__folioFirstRow ?? Number.NaN,
  );
  const fcp = await page.evaluate(
    () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
  );

  // Scroll through the list as a reader would, then as a keyboard user, then by jumps.
  await page.mouse.move(640, 400);
  for (let i = 0; i < WHEEL_STEPS; i += 1) {
    await page.mouse.wheel(0, WHEEL_PX);
    await page.waitForTimeout(60);
  }
  await page.locator('body').click({ position: { x: 2, y: 2 } });
  for (let i = 0; i < 10; i += 1) {
    await page.keyboard.press('PageDown');
    await page.waitForTimeout(100);
  }
  await page.keyboard.press('End');
  await page.waitForTimeout(1500);
  await page.keyboard.press('Home');
  await page.waitForTimeout(1500);
  for (let i = 1; i <= JUMPS; i += 1) {
    await page.evaluate((share) => window.scrollTo(0, document.documentElement.scrollHeight * share), i / (JUMPS + 1));
    await page.waitForTimeout(250);
  }
  const domRows = await page.locator('ol.articles > li').count();
  const events = await stopTrace(cdp);
  const mark = events.find((e) => e.name === 'TimeStamp' && e.args?.data?.message === FIRST_ROW_MARK);
  const mains = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  // The page's renderer: the one whose main thread logged the mark.
  const mainThread = mark ? `${mark.pid}:${mark.tid}` : [...mains][0];
  const tasks = events.filter(
    (e) =>
      e.ph === 'X' &&
      (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') &&
      `${e.pid}:${e.tid}` === mainThread &&
      (!mark || e.ts >= mark.ts),
  );
  const durations = tasks.map((e) => (e.dur ?? 0) / US_PER_MS).sort((a, b) => b - a);
  const over50 = durations.filter((d) => d > 50).length;
  const p99 = durations[Math.floor(durations.length / 100)] ?? 0;
  console.log(
    JSON.stringify(
      {
        corpus,
        list: total,
        cpuThrottling: CPU_THROTTLING,
        firstContentfulPaintMs: Math.round(fcp),
        firstListRowPaintMs: Math.round(firstRowMs),
        tasksAfterFirstRow: durations.length,
        longestTaskAfterFirstRowMs: Math.round((durations[0] ?? 0) * 10) / 10,
        top5TasksMs: durations.slice(0, 5).map((d) => Math.round(d * 10) / 10),
        p99TaskMs: Math.round(p99 * 10) / 10,
        tasksOver50ms: over50,
        domRowsAtEnd: domRows,
      },
      null,
      2,
    ),
  );
  await context.close();
} finally {
  server.kill();
}
