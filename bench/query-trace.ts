/**
 * Where one search's time goes on the page (issue 7): a cold visit fills a profile, then each
 * query of a small set runs under a Chromium trace (4× throttle), and the main thread's tasks from
 * the hash change to the results shown are listed with their biggest events, beside the worker's
 * own time for the search. For finding what delays the worker's answer or the results' render.
 *
 *   npx tsx bench/query-trace.ts [--corpus en-reuters] [--queries 6] [--app <dist>] [--quiet]
 *
 * `--app`: a built app folder (default: the current sources, built as the bench builds them).
 * `--quiet`: the per-query lines only, then the medians and p95s (of the longest main-thread task per
 * query too: 0 when none took over 50 ms).
 * `--idle-before <ms>`: a pause between the cold visit's search and the queries.
 */
import { CPU_THROTTLING } from './lib/measure.ts';
import { openBenchSession } from './lib/session.ts';
import { quantile } from './lib/stats.ts';
import { startTrace, stopTrace, type TraceEvent } from './lib/trace.ts';
import { attribute, sourceMapResolver, startProfile, stopProfile } from './lib/profile.ts';

const argv = process.argv.slice(2);
const value = (flag: string): string | undefined => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
const corpusName = value('--corpus') ?? 'en-reuters';
const count = Number(value('--queries') ?? 6);
const quiet = argv.includes('--quiet');
const log = (line: string): void => console.log(`[query-trace] ${line}`);

function describe(events: TraceEvent[], from: number, to: number): string[] {
  const main = events
    .filter((e) => e.ph === 'X' && e.dur !== undefined && e.ts >= from && e.ts <= to)
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const lines: string[] = [];
  let end = 0;
  for (const e of main) {
    if (e.ts < end || e.name !== 'RunTask') continue;
    end = e.ts + (e.dur ?? 0);
    if ((e.dur ?? 0) < 2000) continue;
    const inner = new Map<string, number>();
    for (const c of main)
      if (c !== e && c.ts >= e.ts && c.ts + (c.dur ?? 0) <= end && c.name !== 'RunTask')
        inner.set(c.name, Math.max(inner.get(c.name) ?? 0, 0) + (c.dur ?? 0));
    const top = [...inner].sort((a, b) => b[1] - a[1]).slice(0, 6);
    lines.push(
      `+${Math.round((e.ts - from) / 1000)} ms: task ${Math.round((e.dur ?? 0) / 1000)} ms [${top.map(([n, us]) => `${n} ${Math.round(us / 1000)}`).join(', ')}]`,
    );
  }
  return lines;
}

async function main(): Promise<void> {
  // The browser bench's queries (40 per kind), `--queries` of them spread over the set.
  const { distDir, corpus, context, server, close } = await openBenchSession({
    corpusName,
    app: value('--app'),
    queriesPerKind: 40,
    log,
  });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await page.goto(`${server.url}/#/`);
    await page.evaluate(`window.__folioBench.when('importEnd')`);
    await page.evaluate(`location.hash = '#/search?q=' + encodeURIComponent(${JSON.stringify(corpus.probeQuery)})`);
    await page.evaluate(`window.__folioBench.when('searchReady')`);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_THROTTLING });
    // `--idle-before <ms>`: the page left alone first, as a reader reads before searching (the worker's
    // heavy warm-up runs only in a pause).
    await new Promise((resolve) => setTimeout(resolve, Number(value('--idle-before') ?? 0)));
    const step = Math.max(1, Math.floor(corpus.queries.length / count));
    const queries = corpus.queries.filter((_, i) => i % step === 0).slice(0, count);
    const resolve = sourceMapResolver(distDir);
    const shownMs: number[] = [];
    const roundTrips: number[] = [];
    const inWorker: number[] = [];
    const longest: number[] = [];
    for (const q of queries) {
      const tasksBefore = (await page.evaluate('window.__folioBench.longTasks.length')) as number;
      // `--quiet`: no trace and no profile, which add their own time to the page's.
      if (!quiet) {
        await startTrace(cdp);
        await startProfile(cdp);
      }
      const before = (await page.evaluate('performance.now()')) as number;
      const t = (await page.evaluate(`window.__folioBench.runQuery(${JSON.stringify(q.text)}, 30000)`)) as {
        ms: number;
        workerMs: number | null;
        inWorkerMs: number | null;
      };
      const after = (await page.evaluate('performance.now()')) as number;
      const tasks = (await page.evaluate(`window.__folioBench.longTasks.slice(${tasksBefore})`)) as {
        duration: number;
      }[];
      longest.push(tasks.reduce((m, task) => Math.max(m, task.duration), 0));
      log(
        `"${q.text}": shown ${Math.round(t.ms)} ms, worker round trip ${t.workerMs?.toFixed(1)} ms, in the worker ${t.inWorkerMs?.toFixed(1)} ms`,
      );
      shownMs.push(t.ms);
      if (t.workerMs !== null) roundTrips.push(t.workerMs);
      if (t.inWorkerMs !== null) inWorker.push(t.inWorkerMs);
      if (quiet) continue;
      const profile = await stopProfile(cdp);
      const events = await stopTrace(cdp);
      const a = attribute(profile, [{ start: before, duration: after - before }], resolve, 14);
      log(`  main thread: ${a.functions.map((f) => `${f.name} ${f.selfMs.toFixed(1)}`).join('; ')}`);
      const start = events.find((e) => e.name === 'folio-bench:query-start');
      const shown = events.find((e) => e.name === 'folio-bench:query-shown');
      if (!start || !shown) continue;
      const mainEvents = events.filter((e) => e.tid === start.tid && e.pid === start.pid);
      // Same origin as the tasks' times (describe): 2 ms before the hash change.
      for (const p of mainEvents.filter((e) => e.name === 'folio-bench:search-posted' && e.ts >= start.ts))
        log(`  search posted at +${Math.round((p.ts - start.ts + 2000) / 1000)} ms`);
      for (const line of describe(mainEvents, start.ts - 2000, shown.ts + 2000)) log(`  ${line}`);
    }
    const f = (values: number[]): string =>
      `median ${quantile(values, 0.5)?.toFixed(1)} ms, p95 ${quantile(values, 0.95)?.toFixed(1)} ms`;
    log(
      `${queries.length} queries: shown ${f(shownMs)}; worker round trip ${f(roundTrips)}; in the worker ${f(inWorker)}; ` +
        `longest main-thread task ${f(longest)}`,
    );
  } finally {
    await close();
  }
}

await main();
