/**
 * One measured visit set for one corpus in headless Chromium (4x CPU throttling, service workers
 * blocked): floor, cold start on a fresh profile, known-item queries, warm start on the same profile.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../tests/chromium.ts';
import type { Query } from '../search-quality.ts';
import { ENGINES_PATH } from './engines-bundle.ts';
import type { EnginesRequest, EnginesResult } from './engines-page.ts';
import { PROBE_SCRIPT, type ProbeSnapshot, type QueryTiming } from './probe.ts';
import type { TimePhase } from './phases.ts';
import { attribute, startProfile, stopProfile, type Attribution, type SourceResolver } from './profile.ts';
import { FLOOR_PATH } from './server.ts';

export const CPU_THROTTLING = 4;
const VIEWPORT = { width: 1280, height: 800 };
/** Long enough for 100,000 articles under throttling; a run past it is reported as failed. */
const LOAD_TIMEOUT_MS = 6 * 60_000;
const QUERY_TIMEOUT_MS = 15_000;
const FLOOR_TIMEOUT_MS = 6 * 60_000;
/** A failure bound only: the cache write is seen (polled) within a second or two of happening. */
const INDEX_CACHE_TIMEOUT_MS = 90_000;
const INDEX_CACHE_POLL_MS = 200;
const ENGINES_TIMEOUT_MS = 6 * 60_000;
/** A same-origin page to stand on before the measured navigation (the profiler starts there). */
const START_PATH = '/robots.txt';

export interface RunFigures {
  /** null: the floor page did not finish in time (reported, the rest is still measured). */
  floorMs: number | null;
  cold: {
    firstListPaintMs: number | null;
    firstResultsMs: number | null;
    searchReadyMs: number | null;
    /** The page kept an empty answer from before the worker was ready: the bench searched again. */
    searchRetried: boolean;
    importStartMs: number | null;
    importEndMs: number | null;
    /** Articles written to IndexedDB by the cold visit. */
    articlesPut: number;
    /** IndexedDB transactions that wrote articles (the import's chunks). */
    articleTransactions: number;
    /** Longest main-thread task between the first article write and the completion marker. */
    longestTaskDuringImportMs: number | null;
    workerReadyMs: number | null;
    /** Worker: `init`/`import` message to 'ready' (building the index or importing the pre-built one). */
    workerIndexMs: number | null;
    workerIndexSource: 'build' | 'import' | null;
    indexCachedMs: number | null;
    /** Longest main-thread task from navigation to search-ready, and from first list paint to it. */
    longestTaskMs: number;
    longestTaskAfterPaintMs: number;
    /** Bytes the cold visit transferred (Resource Timing transferSize, gzip on the wire). */
    transferredBytes: number;
  };
  heap: { mainMiB: number; workerMiB: number | null };
  queries: {
    count: number;
    timedOut: number;
    /** Hash change to the answer on screen (page mount, worker search, IndexedDB reads, render). */
    endToEndMs: number[];
    /** Worker round trip of the search message alone. */
    workerMs: number[];
    inWorkerMs: number[];
    longestTaskMs: number;
  };
  /** Where the long tasks' time went (CPU profile), during the cold load and during the queries. */
  attribution: { load: Attribution | null; afterPaint: Attribution | null; search: Attribution | null };
  warm: {
    firstListPaintMs: number | null;
    searchReadyMs: number | null;
    searchRetried: boolean;
    workerReadyMs: number | null;
    longestTaskMs: number;
    /** Article links in the DOM on `#/` at first paint and after scrolling to the end a few times. */
    listLinks: number | null;
    listLinksAfterScroll: number | null;
    /** The largest aria-setsize on the page (a virtualized list's claimed size), if any. */
    listSetSize: number | null;
  };
}

interface Session {
  context: BrowserContext;
  page: Page;
  cdp: CDPSession;
  close(): Promise<void>;
}

async function throttledPage(context: BrowserContext): Promise<{ page: Page; cdp: CDPSession }> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_THROTTLING });
  return { page, cdp };
}

/** A headless Chromium on the profile folder `profileDir`, as the bench measures: service workers blocked, the probe in every page. */
export async function launchBenchContext(executablePath: string, profileDir: string): Promise<BrowserContext> {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath,
    args: CHROMIUM_ARGS,
    headless: true,
    serviceWorkers: 'block',
    locale: 'en-US',
    viewport: VIEWPORT,
  });
  await context.addInitScript({ content: PROBE_SCRIPT });
  return context;
}

async function openProfile(executablePath: string): Promise<Session> {
  const profile = mkdtempSync(join(tmpdir(), 'folio-bench-profile-'));
  const context = await launchBenchContext(executablePath, profile);
  for (const stray of context.pages()) await stray.close();
  const { page, cdp } = await throttledPage(context);
  return {
    context,
    page,
    cdp,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

function probeWait(page: Page, mark: string, timeoutMs = LOAD_TIMEOUT_MS): Promise<number | null> {
  return Promise.race([
    page.evaluate(`window.__folioBench.when(${JSON.stringify(mark)})`) as Promise<number>,
    // unref: a pending timeout must not keep the bench process alive once it is done.
    new Promise<null>((resolve) => setTimeout(() => resolve(null), timeoutMs).unref()),
  ]);
}

async function snapshot(page: Page): Promise<ProbeSnapshot> {
  return (await page.evaluate(
    '({ marks: { ...window.__folioBench.marks }, counters: { ...window.__folioBench.counters }, longTasks: [...window.__folioBench.longTasks] })',
  )) as ProbeSnapshot;
}

function within(tasks: ProbeSnapshot['longTasks'], from: number, to: number): ProbeSnapshot['longTasks'] {
  return tasks.filter((t) => t.start >= from && t.start <= to);
}

function longest(tasks: ProbeSnapshot['longTasks'], from: number, to: number): number {
  return within(tasks, from, to).reduce((max, t) => Math.max(max, t.duration), 0);
}

const MIB = 1024 * 1024;

/** Main-thread heap after a forced GC, and the search worker's when its target can be reached. */
async function heapAfterGc(session: Session): Promise<RunFigures['heap']> {
  await session.cdp.send('HeapProfiler.enable');
  await session.cdp.send('HeapProfiler.collectGarbage');
  const main = await session.cdp.send('Runtime.getHeapUsage');
  let workerMiB: number | null = null;
  try {
    workerMiB = await workerHeap(session.cdp);
  } catch {
    workerMiB = null;
  }
  // Typed arrays live in ArrayBuffer backing stores, outside the V8 heap proper: count them too.
  return { mainMiB: (main.usedSize + (main.backingStorageSize ?? 0)) / MIB, workerMiB };
}

/** Attaches (non-flattened, so no Playwright session plumbing is needed) to the worker target. */
async function workerHeap(cdp: CDPSession): Promise<number | null> {
  const { targetInfos } = await cdp.send('Target.getTargets');
  const worker = targetInfos.find((t) => t.type === 'worker');
  if (!worker) return null;
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: worker.targetId, flatten: false });
  let nextId = 1;
  const call = (method: string): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => reject(new Error(`${method} timed out`)), 30_000);
      const listener = (event: { sessionId?: string; message: string }): void => {
        if (event.sessionId !== sessionId) return;
        const reply = JSON.parse(event.message) as { id?: number; result?: unknown; error?: unknown };
        if (reply.id !== id) return;
        clearTimeout(timer);
        cdp.off('Target.receivedMessageFromTarget', listener);
        if (reply.error) reject(new Error(JSON.stringify(reply.error)));
        else resolve(reply.result);
      };
      cdp.on('Target.receivedMessageFromTarget', listener);
      void cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) });
    });
  await call('HeapProfiler.enable');
  await call('HeapProfiler.collectGarbage');
  const usage = (await call('Runtime.getHeapUsage')) as { usedSize: number; backingStorageSize?: number };
  await cdp.send('Target.detachFromTarget', { sessionId });
  return (usage.usedSize + (usage.backingStorageSize ?? 0)) / MIB;
}

async function measureFloor(executablePath: string, baseUrl: string): Promise<number> {
  const session = await openProfile(executablePath);
  try {
    await session.page.goto(baseUrl + FLOOR_PATH);
    await session.page.waitForFunction('window.__floorDone !== undefined', undefined, {
      timeout: FLOOR_TIMEOUT_MS,
      polling: 100,
    });
    const done = (await session.page.evaluate('window.__floorDone')) as number;
    if (done < 0) throw new Error(`the floor page failed: ${await session.page.textContent('#state')}`);
    return done;
  } finally {
    await session.close();
  }
}

/** Real time the bench waits, after the worker is ready, for results to show before searching again. */
const RETRY_AFTER_MS = 1_500;

/**
 * Visits #/, waits for the list, then searches for `probeQuery` and waits for results from the
 * ready worker. When the page keeps an answer it got before the worker was ready, the bench
 * searches again (as a reader would) and counts search-ready as worker-ready plus that search's time.
 */
async function visit(session: Session, baseUrl: string, probeQuery: string, profile: boolean) {
  const { page } = session;
  await page.goto(baseUrl + START_PATH);
  if (profile) await startProfile(session.cdp);
  await page.goto(`${baseUrl}/#/`, { waitUntil: 'commit' });
  const firstListPaintMs = await probeWait(page, 'firstListPaint');
  const hash = `#/search?q=${encodeURIComponent(probeQuery)}`;
  await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
  const ready = probeWait(page, 'searchReady');
  let retried = false;
  const retry = (async () => {
    if ((await probeWait(page, 'workerReady')) === null) return;
    await new Promise((resolve) => setTimeout(resolve, RETRY_AFTER_MS));
    const marks = (await snapshot(page)).marks;
    if ('searchReady' in marks) return;
    retried = true;
    await page.evaluate(
      `window.__folioBench.marks.retrigger = performance.now(); location.hash = ${JSON.stringify(`${hash}&sort=date`)}`,
    );
  })();
  let searchReadyMs = await ready;
  await retry;
  const marks = (await snapshot(page)).marks;
  const { retrigger, workerReady } = marks;
  if (retried && searchReadyMs !== null && retrigger !== undefined && workerReady !== undefined) {
    searchReadyMs = workerReady + (searchReadyMs - retrigger);
  }
  return { firstListPaintMs, searchReadyMs, retried };
}

/** When the search index was cached in IndexedDB (polled), or null if not within INDEX_CACHE_TIMEOUT_MS. */
async function indexCached(page: Page): Promise<number | null> {
  const deadline = Date.now() + INDEX_CACHE_TIMEOUT_MS;
  while (!(await page.evaluate('window.__folioBench.pollIndexCache()'))) {
    if (Date.now() > deadline) return null;
    await page.waitForTimeout(INDEX_CACHE_POLL_MS);
  }
  return (await page.evaluate('window.__folioBench.marks.indexCached')) as number;
}

async function transferred(page: Page): Promise<number> {
  return (await page.evaluate(
    "performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource')).reduce((s, e) => s + e.transferSize, 0)",
  )) as number;
}

export interface MeasureOptions {
  probeQuery: string;
  queries: readonly Query[];
  /** Source maps of the served app, for the long-task attribution. */
  resolve: SourceResolver;
  log: (line: string) => void;
  /** Times each step (bench/lib/phases.ts); by default, just runs it. */
  phase?: TimePhase;
  /**
   * Also a profiled pass for the long-task attribution (default true): a fresh profile's cold visit
   * to search-ready and the first ATTRIBUTION_QUERIES queries under the CPU profiler. The measured
   * figures never run under the profiler, which lengthens the main thread's tasks.
   */
  attribute?: boolean;
}

/** Queries of the profiled pass (their long tasks are attributed). */
const ATTRIBUTION_QUERIES = 30;

const untimed: TimePhase = (_phase, work) => work();

export async function measureCorpus(
  executablePath: string,
  baseUrl: string,
  options: MeasureOptions,
): Promise<RunFigures> {
  const { probeQuery, queries, log } = options;
  const phase = options.phase ?? untimed;
  let floorMs: number | null = null;
  try {
    floorMs = await phase('floor', () => measureFloor(executablePath, baseUrl));
    log(`floor ${Math.round(floorMs)} ms`);
  } catch (error) {
    log(`floor failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }

  const session = await phase('browser start', () => openProfile(executablePath));
  try {
    // Cold: a fresh profile, nothing stored.
    const coldVisit = await phase('cold visit', () => visit(session, baseUrl, probeQuery, false));
    log(
      `cold list ${Math.round(coldVisit.firstListPaintMs ?? -1)} ms, search-ready ${Math.round(coldVisit.searchReadyMs ?? -1)} ms`,
    );
    // The import's end (the 100k corpus: long after search-ready), then the index cache: both by
    // their own signal, not a fixed wait. The worker's cache write is polled (see probe.ts).
    await phase('wait: import end', () => probeWait(session.page, 'importEnd'));
    const indexCachedMs = await phase('wait: index cached', () => indexCached(session.page));
    const cold = await snapshot(session.page);
    const readyAt = coldVisit.searchReadyMs ?? Infinity;
    const coldFigures: RunFigures['cold'] = {
      firstListPaintMs: coldVisit.firstListPaintMs,
      firstResultsMs: cold.marks.firstResults ?? null,
      searchReadyMs: coldVisit.searchReadyMs,
      searchRetried: coldVisit.retried,
      importStartMs: cold.marks.importStart ?? null,
      importEndMs: cold.marks.importEnd ?? null,
      articlesPut: cold.counters.articlesPut,
      articleTransactions: cold.counters.articleTransactions,
      longestTaskDuringImportMs:
        cold.marks.importStart === undefined
          ? null
          : longest(cold.longTasks, cold.marks.importStart, cold.marks.importEnd ?? Infinity),
      workerReadyMs: cold.marks.workerReady ?? null,
      workerIndexMs: cold.counters.workerIndexMs,
      workerIndexSource: cold.counters.workerIndexSource,
      indexCachedMs,
      longestTaskMs: longest(cold.longTasks, 0, readyAt),
      longestTaskAfterPaintMs: longest(cold.longTasks, coldVisit.firstListPaintMs ?? Infinity, readyAt),
      transferredBytes: await transferred(session.page),
    };
    const heap = await phase('heap', () => heapAfterGc(session));

    // Queries, one hash change each, on the loaded page.
    const queryStart = (await session.page.evaluate('performance.now()')) as number;
    const timings = await phase('queries', () => runQueries(session.page, queries));
    const afterQueries = await snapshot(session.page);
    const answered = timings.filter((t) => !t.timedOut);
    const queryFigures: RunFigures['queries'] = {
      count: timings.length,
      timedOut: timings.length - answered.length,
      endToEndMs: answered.map((t) => t.ms),
      workerMs: answered.flatMap((t) => (t.workerMs === null ? [] : [t.workerMs])),
      inWorkerMs: answered.flatMap((t) => (t.inWorkerMs === null ? [] : [t.inWorkerMs])),
      longestTaskMs: longest(afterQueries.longTasks, queryStart, Infinity),
    };
    log(`${answered.length}/${timings.length} queries answered`);

    // Warm: the same profile (IndexedDB filled, index cached, HTTP cache warm), a new page.
    await session.page.close();
    const warmPage = await throttledPage(session.context);
    session.page = warmPage.page;
    session.cdp = warmPage.cdp;
    const warmVisit = await phase('warm visit', () => visit(session, baseUrl, probeQuery, false));
    const warm = await snapshot(session.page);
    const warmFigures: RunFigures['warm'] = {
      firstListPaintMs: warmVisit.firstListPaintMs,
      searchReadyMs: warmVisit.searchReadyMs,
      searchRetried: warmVisit.retried,
      workerReadyMs: warm.marks.workerReady ?? null,
      longestTaskMs: longest(warm.longTasks, 0, warmVisit.searchReadyMs ?? Infinity),
      listLinks: null,
      listLinksAfterScroll: null,
      listSetSize: null,
    };
    Object.assign(warmFigures, await phase('list check', () => listCheck(session.page)));
    log(`warm search-ready ${Math.round(warmVisit.searchReadyMs ?? -1)} ms`);
    const attribution =
      options.attribute === false
        ? { load: null, afterPaint: null, search: null }
        : await phase('profiled pass', () => profiledPass(executablePath, baseUrl, options));
    return { floorMs, cold: coldFigures, heap, queries: queryFigures, attribution, warm: warmFigures };
  } finally {
    await phase('browser close', () => session.close());
  }
}

async function runQueries(page: Page, queries: readonly Query[]): Promise<QueryTiming[]> {
  const timings: QueryTiming[] = [];
  for (const query of queries) {
    const expr = `window.__folioBench.runQuery(${JSON.stringify(query.text)}, ${QUERY_TIMEOUT_MS})`;
    timings.push((await page.evaluate(expr)) as QueryTiming);
  }
  return timings;
}

/**
 * Where the long tasks' time went, from a pass of its own under the CPU profiler: a fresh profile's
 * cold visit to search-ready (all its long tasks, and those from the first list paint on), then the
 * first ATTRIBUTION_QUERIES queries.
 */
async function profiledPass(
  executablePath: string,
  baseUrl: string,
  options: MeasureOptions,
): Promise<RunFigures['attribution']> {
  const { probeQuery, queries, resolve } = options;
  const session = await openProfile(executablePath);
  try {
    const coldVisit = await visit(session, baseUrl, probeQuery, true);
    const loadProfile = await stopProfile(session.cdp);
    const cold = await snapshot(session.page);
    const readyAt = coldVisit.searchReadyMs ?? Infinity;
    const paintedAt = coldVisit.firstListPaintMs ?? Infinity;
    const loadTasks = cold.longTasks.filter((t) => t.start < readyAt);
    const queryStart = (await session.page.evaluate('performance.now()')) as number;
    await startProfile(session.cdp);
    await runQueries(session.page, queries.slice(0, ATTRIBUTION_QUERIES));
    const searchProfile = await stopProfile(session.cdp);
    const afterQueries = await snapshot(session.page);
    return {
      load: attribute(loadProfile, loadTasks, resolve),
      afterPaint: attribute(
        loadProfile,
        loadTasks.filter((t) => t.start + t.duration > paintedAt),
        resolve,
      ),
      search: attribute(searchProfile, within(afterQueries.longTasks, queryStart, Infinity), resolve),
    };
  } finally {
    await session.close();
  }
}

/** Scrolls the list page to its end (after each pause): a virtualized list keeps its DOM bounded. */
const LIST_SCROLLS = 5;
const LIST_SCROLL_PAUSE_MS = 400;

async function listCheck(
  page: Page,
): Promise<Pick<RunFigures['warm'], 'listLinks' | 'listLinksAfterScroll' | 'listSetSize'>> {
  interface ListDom {
    links: number;
    setsize: number | null;
  }
  await page.evaluate("location.hash = '#/'");
  // Polled from here, not with waitForFunction: its in-page polling compiles the predicate, which
  // the app's Trusted Types policy (require-trusted-types-for 'script') refuses, so it never
  // resolved unless the list was already there at the first check (the big corpora).
  const shown =
    '!document.querySelector(\'[aria-label="Search results"]\') && document.querySelectorAll(\'a[href*="#/article/"]\').length > 0';
  const deadline = Date.now() + QUERY_TIMEOUT_MS;
  while (!(await page.evaluate(shown))) {
    if (Date.now() > deadline) return { listLinks: null, listLinksAfterScroll: null, listSetSize: null };
    await page.waitForTimeout(100);
  }
  const before = (await page.evaluate('window.__folioBench.listDom()')) as ListDom;
  for (let i = 0; i < LIST_SCROLLS; i += 1) {
    await page.evaluate('window.__folioBench.scrollToEnd()');
    await page.waitForTimeout(LIST_SCROLL_PAUSE_MS);
  }
  const after = (await page.evaluate('window.__folioBench.listDom()')) as ListDom;
  return { listLinks: before.links, listLinksAfterScroll: after.links, listSetSize: after.setsize ?? before.setsize };
}

/** Our engine and MiniSearch on the main thread of one page (bench/lib/engines-page.ts), fresh profile, same throttle. */
export async function measureEngines(
  executablePath: string,
  baseUrl: string,
  request: EnginesRequest,
): Promise<EnginesResult | null> {
  const session = await openProfile(executablePath);
  try {
    await session.page.goto(baseUrl + ENGINES_PATH);
    await session.page.waitForFunction('window.__engines !== undefined', undefined, { timeout: 60_000 });
    return await Promise.race([
      session.page.evaluate(`window.__engines.run(${JSON.stringify(request)})`) as Promise<EnginesResult>,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), ENGINES_TIMEOUT_MS).unref()),
    ]);
  } finally {
    await session.close();
  }
}
