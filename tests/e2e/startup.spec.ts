import { expect, test } from '@playwright/test';

/** One trace event, as Chromium's tracing writes it. */
interface TraceEvent {
  name: string;
  pid: number;
  tid: number;
  args?: { data?: { url?: string } };
}

/**
 * The app's entry chunk and the search page's chunk carry V8's explicit compile hint (the
 * `folio:compile-hints` plugin in vite.config.ts): their functions are compiled with the script, on
 * V8's streaming thread, instead of one by one on the main thread at their first call. Without it,
 * opening a search compiled about 900 functions lazily on the main thread, each visit (ES modules get
 * no code cache in Chromium); with it, about 70 on a warm visit and 250 on a first one (issue #7, docs/ARCHITECTURE.md).
 */
test('the start and search code is compiled off the main thread, not function by function', async ({
  page,
  context,
}) => {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Tracing.start', {
    categories: 'v8,disabled-by-default-v8.compile',
    transferMode: 'ReturnAsStream',
  });
  await page.goto('./#/search?q=magnetometr');
  await expect(page.getByRole('list', { name: 'Search results' }).getByRole('link').first()).toBeVisible();
  const done = new Promise<string>((resolve) => cdp.once('Tracing.tracingComplete', (e) => resolve(e.stream ?? '')));
  await cdp.send('Tracing.end');
  const stream = await done;
  let text = '';
  for (;;) {
    const chunk = await cdp.send('IO.read', { handle: stream });
    text += chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString('utf8') : chunk.data;
    if (chunk.eof) break;
  }
  const parsed = JSON.parse(text) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);

  // The page's main thread: where the entry module was compiled.
  const entry = events.find(
    (e) => e.name === 'v8.compileModule' && /\/assets\/index-[\w-]+\.js$/.test(e.args?.data?.url ?? ''),
  );
  expect(entry, 'the entry module was compiled').toBeDefined();
  const chunks = events
    .filter((e) => e.name === 'v8.compileModule' && e.pid === entry?.pid && e.tid === entry.tid)
    .map((e) => e.args?.data?.url ?? '');
  expect(
    chunks.some((url) => /\/assets\/SearchPage-[\w-]+\.js$/.test(url)),
    'the search page chunk was loaded',
  ).toBe(true);
  const lazy = events.filter((e) => e.name === 'V8.CompileCode' && e.pid === entry?.pid && e.tid === entry.tid);
  expect(lazy.length).toBeLessThan(450);
});
