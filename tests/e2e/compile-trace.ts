import type { BrowserContext, Page } from '@playwright/test';
import { startTrace, stopTrace } from '../../bench/lib/trace.ts';

export interface CompileTrace {
  /** The modules compiled on the thread that compiled the entry, by URL. */
  modules: string[];
  /** Functions that thread compiled lazily (`V8.CompileCode`): one by one, at their first call. */
  lazyCompiles: number;
}

/**
 * Traces V8's compiling while `run` goes (a visit), on the thread that compiled the module whose
 * URL matches `entry`: the page's main thread. For checking V8's compile hint (src/build/compile-hints.ts).
 */
export async function traceCompiles(
  context: BrowserContext,
  page: Page,
  entry: RegExp,
  run: () => Promise<void>,
): Promise<CompileTrace | null> {
  const cdp = await context.newCDPSession(page);
  await startTrace(cdp, 'v8,disabled-by-default-v8.compile');
  await run();
  const events = await stopTrace(cdp);
  const main = events.find((e) => e.name === 'v8.compileModule' && entry.test(e.args?.data?.url ?? ''));
  if (!main) return null;
  const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid);
  return {
    modules: onMain.filter((e) => e.name === 'v8.compileModule').map((e) => e.args?.data?.url ?? ''),
    lazyCompiles: onMain.filter((e) => e.name === 'V8.CompileCode').length,
  };
}
