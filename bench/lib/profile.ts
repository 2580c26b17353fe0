/**
 * Long-task attribution: a V8 CPU profile (CDP Profiler) of the page's main thread, its samples
 * placed on the page's clock with the CDP `NavigationStart` metric (both are monotonic time), and
 * the self time of the samples that fall inside given long tasks summed by function and by script.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { originalPositionFor, TraceMap } from '@jridgewell/trace-mapping';
import type { CDPSession } from 'playwright-core';

/** Sampling interval, µs: 100 samples in a 50 ms task, at little cost to the page. */
const SAMPLING_US = 500;
export const TOP_CONTRIBUTORS = 5;

export interface Contributor {
  /** `function (script:line)`, or a V8 pseudo-node such as `(garbage collector)` or `(program)`. */
  name: string;
  selfMs: number;
}

export interface Attribution {
  /** Long tasks considered, and their total duration. */
  tasks: number;
  tasksMs: number;
  /** Profile time inside those tasks (what the lists below divide up). */
  sampledMs: number;
  functions: Contributor[];
  scripts: Contributor[];
}

export interface LongTask {
  start: number;
  duration: number;
}

export async function startProfile(cdp: CDPSession): Promise<void> {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: SAMPLING_US });
  await cdp.send('Performance.enable');
  await cdp.send('Profiler.start');
}

/** The parts of CDP's Profiler.Profile and Runtime.CallFrame the attribution reads. */
interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface PageProfile {
  profile: CpuProfile;
  /** NavigationStart of the page's document, in µs of the profile's clock. */
  navigationStartUs: number;
}

export async function stopProfile(cdp: CDPSession): Promise<PageProfile> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const { profile } = await cdp.send('Profiler.stop');
  await cdp.send('Profiler.disable');
  const navigationStart = metrics.find((m) => m.name === 'NavigationStart')?.value ?? 0;
  return { profile, navigationStartUs: navigationStart * 1e6 };
}

function scriptName(url: string): string {
  if (url === '') return '(native)';
  const path = url.replace(/^https?:\/\/[^/]+/, '').split('?')[0] ?? url;
  return path.split('/').pop() || path;
}

/** Maps a built script's position to its source (`src/search/engine.ts:412`) with the build's source maps. */
export type SourceResolver = (
  url: string,
  line: number,
  column: number,
) => { source: string; name: string | null } | null;

export function sourceMapResolver(distDir: string): SourceResolver {
  const maps = new Map<string, TraceMap | null>();
  return (url, line, column) => {
    const path = url.replace(/^https?:\/\/[^/]+\//, '').split('?')[0] ?? '';
    if (!maps.has(path)) {
      const file = join(distDir, `${path}.map`);
      maps.set(path, existsSync(file) ? new TraceMap(readFileSync(file, 'utf8')) : null);
    }
    const map = maps.get(path);
    if (!map) return null;
    // CDP positions are 0-based; trace-mapping wants 1-based lines, 0-based columns.
    const found = originalPositionFor(map, { line: line + 1, column });
    if (found.source === null) return null;
    const source = found.source.replace(/^(?:\.\.\/)+/, '').replace(/^.*node_modules\//, '');
    return { source: `${source}:${found.line}`, name: found.name };
  };
}

function label(frame: CallFrame, resolve: SourceResolver): string {
  // No URL: a V8 pseudo-node ('(program)', '(garbage collector)') or a built-in / Web API function.
  if (frame.url === '')
    return frame.functionName.startsWith('(')
      ? frame.functionName
      : `${frame.functionName || '(anonymous)'} (built-in)`;
  const original = resolve(frame.url, frame.lineNumber, frame.columnNumber);
  if (original) return `${original.name ?? (frame.functionName || '(anonymous)')} (${original.source})`;
  return `${frame.functionName || '(anonymous)'} (${scriptName(frame.url)}:${frame.lineNumber + 1})`;
}

/** The script (source file, or built file without a map) a frame belongs to. */
function script(frame: CallFrame, resolve: SourceResolver): string {
  const original = resolve(frame.url, frame.lineNumber, frame.columnNumber);
  return original ? original.source.replace(/:\d+$/, '') : scriptName(frame.url);
}

function top(totals: Map<string, number>, count: number): Contributor[] {
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, selfUs]) => ({ name, selfMs: selfUs / 1000 }));
}

/**
 * Self time by function and by script of the samples inside `tasks` (ms on the page's clock); a
 * built-in's time (IndexedDB put, JSON.parse…) is named with and counted for its nearest scripted caller.
 */
export function attribute(
  page: PageProfile,
  tasks: readonly LongTask[],
  resolve: SourceResolver,
  count = TOP_CONTRIBUTORS,
): Attribution {
  const { profile, navigationStartUs } = page;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parents = new Map<number, ProfileNode>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parents.set(child, n);
  /** A built-in's time goes to the nearest caller with a script: `put (built-in) ← load.ts:209`. */
  const caller = (node: ProfileNode): ProfileNode | null => {
    for (let p = parents.get(node.id); p; p = parents.get(p.id)) if (p.callFrame.url !== '') return p;
    return null;
  };
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const windows = [...tasks].sort((a, b) => a.start - b.start);
  const byFunction = new Map<string, number>();
  const byScript = new Map<string, number>();
  let sampledUs = 0;
  let at = profile.startTime;
  let w = 0;
  for (let i = 0; i < samples.length; i += 1) {
    at += deltas[i] ?? 0;
    // A sample stands for the time until the next one.
    const weight = deltas[i + 1] ?? 0;
    const ms = (at - navigationStartUs) / 1000;
    while (w < windows.length && windows[w]!.start + windows[w]!.duration < ms) w += 1;
    const task = windows[w];
    if (!task || ms < task.start) continue;
    const node = nodes.get(samples[i]!);
    if (!node || node.callFrame.functionName === '(idle)') continue;
    sampledUs += weight;
    const builtIn = node.callFrame.url === '' && !node.callFrame.functionName.startsWith('(');
    const from = builtIn ? caller(node) : null;
    const fn = from
      ? `${label(node.callFrame, resolve)} ← ${label(from.callFrame, resolve)}`
      : label(node.callFrame, resolve);
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + weight);
    const frame = from?.callFrame ?? node.callFrame;
    const file = frame.url === '' ? label(frame, resolve) : script(frame, resolve);
    byScript.set(file, (byScript.get(file) ?? 0) + weight);
  }
  return {
    tasks: tasks.length,
    tasksMs: tasks.reduce((sum, t) => sum + t.duration, 0),
    sampledMs: sampledUs / 1000,
    functions: top(byFunction, count),
    scripts: top(byScript, count),
  };
}
