/**
 * The main thread's long tasks of a cold visit from the first list paint to search-ready (issue 7),
 * for comparing builds side by side on a noisy machine: each visit is a fresh profile, the apps
 * alternate, same probe, throttle and steps as the cold row of bench/browser.ts (`#/`, first list
 * paint, then `#/search?q=<word>`). No profiler or trace, which would lengthen the tasks.
 *
 *   npx tsx bench/cold-tasks.ts [--corpus en-reuters] [--visits 5] [--app <dist>]...
 *
 * `--app`: a built app folder, or `current` (repeatable; default `current`: the current sources,
 * built as the bench builds them). Prints each visit's first list paint, search-ready and long tasks
 * (`+start after the first paint duration`, ms) and, per app, the medians.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findChromium, HOW_TO_GET_CHROMIUM } from '../tests/chromium.ts';
import { CPU_THROTTLING, launchBenchContext } from './lib/measure.ts';
import { buildApp, prepareCorpus } from './lib/prepare.ts';
import { serveStatic } from './lib/server.ts';
import { median } from './lib/stats.ts';

const argv = process.argv.slice(2);
const value = (flag: string): string | undefined => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
const corpusName = value('--corpus') ?? 'en-reuters';
const visits = Number(value('--visits') ?? 5);
const log = (line: string): void => console.log(`[cold-tasks] ${line}`);
/** Each visit's wait for a mark: a cold start of the 100k corpus takes long at 4× throttle. */
const MARK_TIMEOUT_MS = 300_000;

interface LongTask {
  start: number;
  duration: number;
}

interface Visit {
  /** The first list paint and search-ready, ms from navigation start. */
  list: number;
  ready: number;
  /** Long tasks from the first list paint to search-ready, `start` from the first paint. */
  tasks: LongTask[];
}

async function visit(app: string, corpusDir: string, probeQuery: string): Promise<Visit> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(HOW_TO_GET_CHROMIUM);
  const server = await serveStatic(app, corpusDir);
  const profileDir = mkdtempSync(join(tmpdir(), 'folio-cold-tasks-'));
  const context = await launchBenchContext(executablePath, profileDir);
  try {
    for (const stray of context.pages()) await stray.close();
    const page = await context.newPage();
    page.setDefaultTimeout(MARK_TIMEOUT_MS);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_THROTTLING });
    await page.goto(`${server.url}/robots.txt`);
    await page.goto(`${server.url}/#/`, { waitUntil: 'commit' });
    const firstPaint = (await page.evaluate(`window.__folioBench.when('firstListPaint')`)) as number;
    await page.evaluate(`location.hash = '#/search?q=' + encodeURIComponent(${JSON.stringify(probeQuery)})`);
    const ready = (await page.evaluate(`window.__folioBench.when('searchReady')`)) as number;
    const tasks = (await page.evaluate('window.__folioBench.longTasks')) as LongTask[];
    return {
      list: firstPaint,
      ready,
      tasks: tasks
        .filter((task) => task.start >= firstPaint && task.start <= ready)
        .map((task) => ({ start: task.start - firstPaint, duration: task.duration })),
    };
  } finally {
    await context.close();
    await server.close();
    rmSync(profileDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const apps = argv.flatMap((arg, i) => (argv[i - 1] === '--app' ? [arg] : []));
  const dists: string[] = [];
  for (const app of apps.length > 0 ? apps : ['current'])
    dists.push(app === 'current' ? (await buildApp(log)).distDir : app);
  const corpus = await prepareCorpus(corpusName, dists[0] ?? '', 1, log);
  if (!corpus) throw new Error(`no corpus ${corpusName}`);
  const seen = new Map<string, Visit[]>(dists.map((dist) => [dist, []]));
  for (let v = 1; v <= visits; v += 1) {
    for (const dist of dists) {
      const one = await visit(dist, corpus.corpusDir, corpus.probeQuery);
      seen.get(dist)?.push(one);
      const list = one.tasks.map((task) => `+${Math.round(task.start)} ${Math.round(task.duration)}`).join(', ');
      log(
        `${dist}, visit ${v}: list ${Math.round(one.list)}, ready ${Math.round(one.ready)}; ${list || 'no long task'}`,
      );
    }
  }
  const sortedOf = (values: number[]): number[] => values.sort((a, b) => a - b).map(Math.round);
  for (const [dist, all] of seen) {
    const longest = sortedOf(all.map((one) => Math.max(0, ...one.tasks.map((task) => task.duration))));
    const lists = sortedOf(all.map((one) => one.list));
    const readies = sortedOf(all.map((one) => one.ready));
    log(
      `${dist}: longest task after the first paint, median ${median(longest) ?? 0} ms of ${longest.join(', ')}; ` +
        `first list paint median ${median(lists) ?? 0} ms, search-ready median ${median(readies) ?? 0} ms`,
    );
  }
}

await main();
