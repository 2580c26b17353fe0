/**
 * The main thread's long tasks during a first import (issue 7: "import runs in the background, in
 * chunks", no task over 50 ms while it runs): a fresh profile opens `#/` under 4× throttle, a CPU
 * profile runs from the first article written to the completion marker, and each long task in
 * that window is listed with the functions that took its time (source-mapped).
 *
 *   npx tsx bench/import-tasks.ts [--corpus scale-100k] [--top 12]
 */
import { CPU_THROTTLING } from './lib/measure.ts';
import { openBenchSession } from './lib/session.ts';
import { attribute, sourceMapResolver, startProfile, stopProfile, type LongTask } from './lib/profile.ts';

const argv = process.argv.slice(2);
const value = (flag: string): string | undefined => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
const corpusName = value('--corpus') ?? 'scale-100k';
const shown = Number(value('--top') ?? 12);
const log = (line: string): void => console.log(`[import-tasks] ${line}`);

async function main(): Promise<void> {
  const { distDir, context, server, close } = await openBenchSession({
    corpusName,
    queriesPerKind: 1,
    log,
  });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_THROTTLING });
    await page.goto(`${server.url}/robots.txt`);
    await startProfile(cdp);
    await page.goto(`${server.url}/#/`);
    const start = (await page.evaluate(`window.__folioBench.when('importStart')`)) as number;
    const end = (await page.evaluate(`window.__folioBench.when('importEnd')`)) as number;
    const profile = await stopProfile(cdp);
    const tasks = ((await page.evaluate('window.__folioBench.longTasks')) as LongTask[]).filter(
      (t) => t.start + t.duration >= start && t.start <= end,
    );
    log(
      `import ${Math.round(start)}–${Math.round(end)} ms: ${tasks.length} long tasks, ${Math.round(tasks.reduce((s, t) => s + t.duration, 0))} ms`,
    );
    const resolve = sourceMapResolver(distDir);
    const all = attribute(profile, tasks, resolve, shown);
    log(`all of them: ${all.functions.map((f) => `${f.name} ${Math.round(f.selfMs)}`).join('; ')}`);
    for (const task of [...tasks].sort((a, b) => b.duration - a.duration).slice(0, shown)) {
      const a = attribute(profile, [task], resolve, 6);
      log(
        `+${Math.round(task.start)} ms, ${Math.round(task.duration)} ms: ${a.functions.map((f) => `${f.name} ${Math.round(f.selfMs)}`).join('; ')}`,
      );
    }
  } finally {
    await close();
  }
}

await main();
