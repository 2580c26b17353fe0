/**
 * Warm start only (issue 7), for iterating on it: one cold visit per app fills a profile (IndexedDB,
 * cached search index, HTTP cache), then warm visits (a new page each) alternate between the apps,
 * so two builds are compared side by side on a noisy machine. Same probe, throttle and steps as the
 * warm row of bench/browser.ts: `#/`, first list paint, then `#/search?q=<word>` to search-ready.
 *
 *   npx tsx bench/warm.ts [--corpus en-reuters] [--visits 5] [--app <dist>]... [--profile]
 *
 * `--app`: a built app folder, or `current` (repeatable; default `current`: the current sources, built as the
 * bench builds them).
 * `--profile`: a main-thread CPU profile of each warm visit, the top self times to first list paint.
 * `--trace`: a Chromium trace of each warm visit, each thread's busy time and top events to search-ready
 * (`--trace-out <file>`: the last visit's trace events as JSON).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { findChromium, HOW_TO_GET_CHROMIUM } from '../tests/chromium.ts';
import { CPU_THROTTLING, launchBenchContext } from './lib/measure.ts';
import { buildApp, prepareCorpus } from './lib/prepare.ts';
import { attribute, sourceMapResolver, startProfile, stopProfile } from './lib/profile.ts';
import { serveStatic, type StaticServer } from './lib/server.ts';
import { startTrace, stopTrace, summarizeTrace } from './lib/trace.ts';
import { median } from './lib/stats.ts';

const argv = process.argv.slice(2);
const value = (flag: string): string | undefined => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
const corpusName = value('--corpus') ?? 'en-reuters';
const visits = Number(value('--visits') ?? 5);
const profiling = argv.includes('--profile');
const tracing = argv.includes('--trace');
const apps = argv.flatMap((a, i) => (a === '--app' && argv[i + 1] ? [argv[i + 1]!] : []));
const TIMEOUT_MS = 3 * 60_000;
const log = (line: string): void => console.log(`[warm] ${line}`);

interface Side {
  dist: string;
  server: StaticServer;
  context: BrowserContext;
  profileDir: string;
  list: number[];
  ready: number[];
  worker: number[];
  longest: number[];
}

function wait(page: Page, mark: string): Promise<number | null> {
  return Promise.race([
    page.evaluate(`window.__folioBench.when(${JSON.stringify(mark)})`) as Promise<number>,
    new Promise<null>((resolve) => setTimeout(() => resolve(null), TIMEOUT_MS).unref()),
  ]);
}

async function visitOnce(side: Side, probeQuery: string, warm: boolean): Promise<void> {
  const page = await side.context.newPage();
  const cdp = await side.context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_THROTTLING });
  await page.goto(`${side.server.url}/robots.txt`);
  if (profiling && warm) await startProfile(cdp);
  if (tracing && warm) await startTrace(cdp);
  const traced: [string, number][] = [];
  page.on('console', (m) => {
    const [tag, label, at] = m.text().split(/ (?=[^ ]+$)|(?<=^\[t\]) /);
    if (tag === '[t]' && label && at) traced.push([label, Number(at)]);
  });
  await page.goto(`${side.server.url}/#/`, { waitUntil: 'commit' });
  const list = await wait(page, 'firstListPaint');
  await page.evaluate(`location.hash = ${JSON.stringify(`#/search?q=${encodeURIComponent(probeQuery)}`)}`);
  const ready = await wait(page, 'searchReady');
  if (!warm) await wait(page, 'indexCached');
  const marks = (await page.evaluate('({ ...window.__folioBench.marks })')) as Record<string, number>;
  const tasks = (await page.evaluate('[...window.__folioBench.longTasks]')) as { start: number; duration: number }[];
  if (tracing && warm) {
    const events = await stopTrace(cdp);
    const out = value('--trace-out');
    if (out) writeFileSync(out, JSON.stringify(events));
    for (const line of summarizeTrace(events, ready ?? 60_000)) log(`  ${line}`);
  }
  if (warm) {
    side.list.push(list ?? NaN);
    side.ready.push(ready ?? NaN);
    side.worker.push(marks.workerReady ?? NaN);
    side.longest.push(tasks.filter((t) => t.start <= (ready ?? Infinity)).reduce((m, t) => Math.max(m, t.duration), 0));
    if (profiling) {
      const profile = await stopProfile(cdp);
      const until = list ?? 0;
      const a = attribute(profile, [{ start: 0, duration: until }], sourceMapResolver(side.dist));
      log(`  profile to first list paint: ${a.functions.map((f) => `${f.name} ${Math.round(f.selfMs)}`).join('; ')}`);
      const after = attribute(
        profile,
        [{ start: until, duration: (ready ?? until) - until }],
        sourceMapResolver(side.dist),
        12,
      );
      log(
        `  profile, first list paint to search-ready: ${after.functions.map((f) => `${f.name} ${Math.round(f.selfMs)}`).join('; ')}`,
      );
    }
  }
  if (traced.length > 0) {
    const origin = (await page.evaluate('performance.timeOrigin')) as number;
    const all = [
      ...traced.map(([l, t]) => [l, t - origin] as const),
      ...Object.entries(marks),
      ...tasks.map((t) => [`LT${Math.round(t.duration)}`, t.start] as const),
    ].sort((a, b) => a[1] - b[1]);
    log(`  ${all.map(([l, t]) => `${l} ${Math.round(t)}`).join(' | ')}`);
  }
  const r = (n: number | null | undefined): string => (n == null ? '–' : String(Math.round(n)));
  log(
    `${warm ? 'warm' : 'cold'} ${side.dist}: list ${r(list)}, worker ready ${r(marks.workerReady)}, search-ready ${r(ready)}`,
  );
  await page.close();
}

async function main(): Promise<void> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(HOW_TO_GET_CHROMIUM);
  // `current`: the current sources, built (and cached) as the bench builds them.
  const dists: string[] = [];
  for (const app of apps.length > 0 ? apps : ['current'])
    dists.push(app === 'current' ? (await buildApp(log)).distDir : app);
  const corpus = await prepareCorpus(corpusName, dists[0]!, 1, log);
  if (!corpus) throw new Error(`no corpus ${corpusName}`);
  const sides: Side[] = [];
  for (const dist of dists) {
    const profileDir = mkdtempSync(join(tmpdir(), 'folio-warm-'));
    const context = await launchBenchContext(executablePath, profileDir);
    const server = await serveStatic(dist, corpus.corpusDir);
    sides.push({ dist, server, context, profileDir, list: [], ready: [], worker: [], longest: [] });
  }
  try {
    for (const side of sides) await visitOnce(side, corpus.probeQuery, false);
    for (let i = 0; i < visits; i += 1) {
      log(`visit ${i + 1}/${visits}, load ${loadavg()[0]!.toFixed(1)}`);
      for (const side of sides) await visitOnce(side, corpus.probeQuery, true);
    }
    for (const side of sides) {
      const m = (xs: number[]): number => Math.round(median(xs.filter(Number.isFinite)) ?? NaN);
      log(
        `${side.dist}: median of ${visits} warm visits: first list paint ${m(side.list)} ms, worker ready ${m(side.worker)} ms, search-ready ${m(side.ready)} ms, longest task ${m(side.longest)} ms`,
      );
    }
  } finally {
    for (const side of sides) {
      await side.context.close();
      await side.server.close();
      rmSync(side.profileDir, { recursive: true, force: true });
    }
  }
}

await main();
