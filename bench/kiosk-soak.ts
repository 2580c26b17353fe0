/**
 * Kiosk soak (issue 9): does memory stay flat over a long day? Builds the app with the build-time
 * kiosk setting (FOLIO_KIOSK=1) over the demo corpus, serves it on localhost and drives headless
 * Chromium through 2,000 navigations and searches (200 with `--quick`): articles, search results,
 * on-screen keyboard typing, and an idle reset with the attract loop every 100 steps. The JS heap is
 * read after a forced garbage collection (CDP HeapProfiler.collectGarbage + Performance.getMetrics)
 * at the start, after warm-up and at the end, and written to the "Kiosk soak" section of BENCHMARKS.md.
 *
 *   npx tsx bench/kiosk-soak.ts [--quick] [--no-write-doc]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type CDPSession, type Page } from 'playwright-core';
import { format, resolveConfig } from 'prettier';
import { CHROMIUM_ARGS, findChromium, HOW_TO_GET_CHROMIUM } from '../tests/chromium.ts';
import { serveStatic } from './lib/server.ts';

const QUICK = process.argv.includes('--quick');
const WRITE_DOC = !process.argv.includes('--no-write-doc');
const STEPS = QUICK ? 200 : 2000;
const WARM_UP = QUICK ? 20 : 100;
/** An idle reset (and a step of the attract loop) this often. */
const RESET_EVERY = 100;
const IDLE_MS = 90_000;
const WORK = '.tmp/kiosk-soak';
const DIST = join(WORK, 'dist');
const QUERIES = [
  'tidal',
  'coral reef',
  'telescope',
  'academy',
  'sensor',
  '珊瑚',
  '望远镜',
  '学院',
  'magnetometr',
  'zzqx',
];
const SECTION = '## Kiosk soak';

interface HeapSample {
  step: number;
  heapMiB: number;
  nodes: number;
  listeners: number;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  execFileSync(command, args, { stdio: ['ignore', 'ignore', 'inherit'], env });
}

function build(): void {
  rmSync(WORK, { recursive: true, force: true });
  run('npx', ['tsx', 'src/cli/ensure-demo-corpus.ts']);
  run('npx', ['vite', 'build', '--outDir', DIST, '--emptyOutDir', '--logLevel', 'warn'], {
    ...process.env,
    FOLIO_KIOSK: '1',
  });
  rmSync(join(DIST, 'corpus'), { recursive: true, force: true });
  run('npx', ['tsx', 'src/cli/main.ts', 'src/demo-corpus/articles.json', '--out', join(DIST, 'corpus')]);
}

function articleIds(): string[] {
  const manifest = JSON.parse(readFileSync(join(DIST, 'corpus/manifest.json'), 'utf8')) as {
    chunks: { file: string }[];
  };
  return manifest.chunks.flatMap((chunk) => {
    const data = JSON.parse(readFileSync(join(DIST, 'corpus', chunk.file), 'utf8')) as { articles: { id: string }[] };
    return data.articles.map((a) => a.id);
  });
}

async function sample(cdp: CDPSession, step: number): Promise<HeapSample> {
  // Twice: the first pass can leave objects that only a second one frees (weak maps, finalizers).
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const metric = (name: string): number => metrics.find((m) => m.name === name)?.value ?? 0;
  return {
    step,
    heapMiB: metric('JSHeapUsedSize') / 1024 / 1024,
    nodes: metric('Nodes'),
    listeners: metric('JSEventListeners'),
  };
}

async function go(page: Page, hash: string, ready: string): Promise<void> {
  await page.evaluate((h) => (location.hash = h), hash);
  await page.locator(ready).first().waitFor({ state: 'visible', timeout: 30_000 });
}

async function step(page: Page, i: number, ids: string[]): Promise<void> {
  if (i % RESET_EVERY === 0) {
    await page.clock.fastForward(IDLE_MS + 1000);
    await page.locator('.attract .featured').waitFor({ timeout: 30_000 });
    await page.clock.runFor(8000);
    await page.locator('.attract button').click();
    await page.locator('.attract').waitFor({ state: 'detached' });
    return;
  }
  if (i % 20 === 0) {
    // Typing on the on-screen keyboard.
    await go(page, '#/search?q=', '.kiosk-keyboard .hg-button');
    for (const key of 'tidal') await page.locator(`.kiosk-keyboard .hg-button[data-skbtn="${key}"]`).click();
    await page.locator('ol[aria-label="Search results"] li').first().waitFor({ timeout: 30_000 });
    return;
  }
  if (i % 2 === 0) {
    const id = ids[(i * 7) % ids.length]!;
    await go(page, `#/article/${encodeURIComponent(id)}`, `article[data-article-id="${id}"]`);
    await page.mouse.wheel(0, 600);
    return;
  }
  const q = QUERIES[i % QUERIES.length]!;
  await go(page, `#/search?q=${encodeURIComponent(q)}`, `main [role="status"]:has-text("“${q}”")`);
}

async function writeDoc(samples: HeapSample[], seconds: number, chromiumVersion: string): Promise<void> {
  const [start, warm, end] = [samples[0]!, samples[1]!, samples[samples.length - 1]!];
  const half = samples.find((s) => s.step >= STEPS / 2)!;
  const change = (from: HeapSample): string =>
    `${end.heapMiB - from.heapMiB >= 0 ? '+' : ''}${(end.heapMiB - from.heapMiB).toFixed(2)} MiB over the last ${(end.step - from.step).toLocaleString('en')} steps`;
  const rows = samples.map(
    (s) =>
      `| ${String(s.step).padStart(5)} | ${s.heapMiB.toFixed(2).padStart(8)} MiB | ${String(s.nodes).padStart(6)} | ${String(s.listeners).padStart(9)} |`,
  );
  const date = new Date().toISOString().slice(0, 10);
  const section = [
    SECTION,
    '',
    `\`npx tsx bench/kiosk-soak.ts${QUICK ? ' --quick' : ''}\` (${date}; headless ${chromiumVersion}; the app built with`,
    `\`FOLIO_KIOSK=1\` over the demo corpus): ${STEPS.toLocaleString('en')} steps — article views with a scroll, searches`,
    `by URL, typing on the on-screen keyboard every 20th step and an idle reset with an attract step every`,
    `${RESET_EVERY}th — in ${seconds.toFixed(0)} s. JS heap after a forced garbage collection:`,
    '',
    '|  step |      JS heap | DOM nodes | listeners |',
    '| ----: | -----------: | --------: | --------: |',
    ...rows,
    '',
    `Start ${start.heapMiB.toFixed(2)} MiB (before any article or search was opened), after warm-up ` +
      `(${warm.step} steps) ${warm.heapMiB.toFixed(2)} MiB, end ${end.heapMiB.toFixed(2)} MiB: ${change(warm)}, ` +
      `${change(half)}. DOM nodes and listeners are the same at every sample (all taken on the start screen).`,
    '',
  ].join('\n');
  const formatted = await format(section, { ...(await resolveConfig('BENCHMARKS.md')), parser: 'markdown' });
  const doc = existsSync('BENCHMARKS.md') ? readFileSync('BENCHMARKS.md', 'utf8') : '# Benchmarks\n';
  const at = doc.indexOf(`${SECTION}\n`);
  let next: string;
  if (at === -1) next = `${doc.trimEnd()}\n\n${formatted}`;
  else {
    // Only this section is replaced; the next "## " heading and everything after it stay.
    const after = doc.indexOf('\n## ', at + SECTION.length);
    next = doc.slice(0, at) + formatted + (after === -1 ? '' : doc.slice(after + 1).replace(/^/, '\n'));
  }
  writeFileSync('BENCHMARKS.md', next.trimEnd() + '\n');
}

async function main(): Promise<void> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(HOW_TO_GET_CHROMIUM);
  console.log('building the app in kiosk mode (FOLIO_KIOSK=1)…');
  build();
  const ids = articleIds();
  const server = await serveStatic(DIST);
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, serviceWorkers: 'block' });
    const page = await context.newPage();
    page.on('pageerror', (err) => console.warn('page error:', err.message));
    await page.clock.install();
    // No ?mode=kiosk: the build setting alone must turn kiosk mode on.
    await page.goto(`${server.url}/#/`);
    await page.locator('h1', { hasText: 'Latest articles' }).waitFor({ timeout: 60_000 });
    if (!(await page.evaluate(() => document.documentElement.classList.contains('folio-kiosk')))) {
      throw new Error('the FOLIO_KIOSK=1 build did not start in kiosk mode');
    }
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const samples = [await sample(cdp, 0)];
    const started = Date.now();
    const every = STEPS / 10;
    for (let i = 1; i <= STEPS; i++) {
      await step(page, i, ids);
      if (i === WARM_UP || i % every === 0) {
        const s = await sample(cdp, i);
        samples.push(s);
        console.log(
          `step ${String(i).padStart(5)}: ${s.heapMiB.toFixed(2)} MiB, ${s.nodes} nodes, ${s.listeners} listeners`,
        );
      }
    }
    const seconds = (Date.now() - started) / 1000;
    const [start, end] = [samples[0]!, samples[samples.length - 1]!];
    console.log(
      `\nKiosk soak: ${STEPS} steps in ${seconds.toFixed(0)} s; JS heap start ${start.heapMiB.toFixed(2)} MiB, end ${end.heapMiB.toFixed(2)} MiB`,
    );
    if (WRITE_DOC) await writeDoc(samples, seconds, `Chromium ${browser.version()}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
