/**
 * A Chromium trace (CDP Tracing, devtools timeline categories) of one page visit, summed by thread
 * and event name: where the renderer's time goes that a V8 CPU profile calls "(program)" (HTML
 * parsing, script compile, style, layout, paint, IndexedDB callbacks, worker start).
 */
import type { CDPSession } from 'playwright-core';

const CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8.execute',
  'blink.user_timing',
  'loading',
  'disabled-by-default-v8.compile',
  // More for one question (`FOLIO_TRACE_CATEGORIES=fonts,blink`): where a layout's time goes.
  ...(process.env.FOLIO_TRACE_CATEGORIES?.split(',') ?? []),
].join(',');

export interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: { message?: string; url?: string } };
}

export async function startTrace(cdp: CDPSession, categories = CATEGORIES): Promise<void> {
  await cdp.send('Tracing.start', { categories, transferMode: 'ReturnAsStream' });
}

export async function stopTrace(cdp: CDPSession): Promise<TraceEvent[]> {
  const done = new Promise<string>((resolve) => {
    cdp.once('Tracing.tracingComplete', (event: { stream?: string }) => resolve(event.stream ?? ''));
  });
  await cdp.send('Tracing.end');
  const stream = await done;
  let text = '';
  for (;;) {
    const chunk = (await cdp.send('IO.read', { handle: stream })) as {
      data: string;
      eof: boolean;
      base64Encoded?: boolean;
    };
    text += chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString('utf8') : chunk.data;
    if (chunk.eof) break;
  }
  await cdp.send('IO.close', { handle: stream });
  const parsed = JSON.parse(text) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  return Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
}

/**
 * Per thread (renderer main, workers), the top-level complete events up to `untilMs` after the
 * first `navigationStart` of the page, summed by name (nested events are not counted twice), then
 * the top `top` names with their self time summed over all depths.
 */
export function summarizeTrace(events: TraceEvent[], untilMs: number, top = 8): string[] {
  const threads = new Map<string, string>();
  for (const e of events)
    if (e.ph === 'M' && e.name === 'thread_name') threads.set(`${e.pid}:${e.tid}`, e.args?.name ?? '');
  const nav = events.find((e) => e.name === 'navigationStart' && threads.get(`${e.pid}:${e.tid}`) === 'CrRendererMain');
  if (!nav) return ['no navigationStart in the trace'];
  const end = nav.ts + untilMs * 1000;
  const lines: string[] = [];
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events) {
    if (e.ph !== 'X' || e.dur === undefined || e.ts < nav.ts || e.ts > end) continue;
    const name = threads.get(`${e.pid}:${e.tid}`) ?? '';
    if (name !== 'CrRendererMain' && !/Worker/i.test(name)) continue;
    const key = `${name} ${e.pid}:${e.tid}`;
    const list = byThread.get(key) ?? [];
    list.push(e);
    byThread.set(key, list);
  }
  for (const [thread, list] of byThread) {
    list.sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
    // Self time: an event's duration minus its direct children's.
    const self = new Map<string, number>();
    const count = new Map<string, number>();
    const stack: { e: TraceEvent; child: number }[] = [];
    let busy = 0;
    const close = (until: number): void => {
      while (stack.length > 0 && stack[stack.length - 1]!.e.ts + (stack[stack.length - 1]!.e.dur ?? 0) <= until) {
        const { e, child } = stack.pop()!;
        self.set(e.name, (self.get(e.name) ?? 0) + (e.dur ?? 0) - child);
        count.set(e.name, (count.get(e.name) ?? 0) + 1);
        if (stack.length === 0) busy += e.dur ?? 0;
        else stack[stack.length - 1]!.child += e.dur ?? 0;
      }
    };
    for (const e of list) {
      close(e.ts);
      stack.push({ e, child: 0 });
    }
    close(Infinity);
    const ranked = [...self].sort((a, b) => b[1] - a[1]).slice(0, top);
    lines.push(
      `${thread}: busy ${Math.round(busy / 1000)} ms; self: ${ranked.map(([n, us]) => `${n} ${Math.round(us / 1000)} (×${count.get(n)})`).join('; ')}`,
    );
  }
  return lines;
}
