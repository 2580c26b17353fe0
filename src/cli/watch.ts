/**
 * `--watch`: build, then rebuild whenever an input changes, until the signal aborts. A failed
 * rebuild leaves --out as it was (runBuild only swaps in a complete corpus), so the last good
 * corpus keeps being served, and the log says so.
 */
import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { displayName } from './read-inputs.ts';
import { runBuild, type RunBuildOptions, type RunBuildResult } from './run-build.ts';

/** Editors write a file in several steps (truncate, write, rename): wait for the burst to end. */
export const WATCH_DEBOUNCE_MS = 200;

export interface WatchOptions extends RunBuildOptions {
  /** Stops watching; a build under way is finished first. */
  signal: AbortSignal;
  debounceMs?: number;
  /** Called after every build (tests wait on it). */
  onBuild?: (result: RunBuildResult) => void;
}

function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** Watches folders recursively and files through their folder (editors replace files by renaming). */
async function watchInputs(
  inputs: readonly string[],
  cwd: string,
  onChange: (changed: string, isHidden: boolean) => void,
): Promise<{ watchers: FSWatcher[]; problems: string[] }> {
  const watchers: FSWatcher[] = [];
  const problems: string[] = [];
  for (const input of inputs) {
    const absolute = path.resolve(cwd, input);
    let isFolder = false;
    try {
      isFolder = (await stat(absolute)).isDirectory();
    } catch {
      // A missing input may appear later: watch its folder for it.
    }
    const folder = isFolder ? absolute : path.dirname(absolute);
    const only = isFolder ? undefined : path.basename(absolute);
    try {
      const watcher = watch(folder, { recursive: isFolder }, (_event, name) => {
        const relative = name === null ? '' : name.toString();
        const changed = path.join(folder, relative);
        // Hidden files and folders are never inputs (read-inputs.ts skips them too).
        const isHidden = relative.split(path.sep).some((part) => part.startsWith('.'));
        if (only === undefined || path.basename(changed) === only) onChange(changed, isHidden);
      });
      watchers.push(watcher);
    } catch (err) {
      problems.push(`${input}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { watchers, problems };
}

/** Builds once, then after every change to the inputs; resolves once `signal` aborts. */
export async function watchBuild(options: WatchOptions): Promise<void> {
  const cwd = options.cwd ?? process.cwd();
  const log = options.log ?? ((line: string) => console.log(line));
  const logError = options.logError ?? ((line: string) => console.error(line));
  const outPath = path.resolve(cwd, options.out);
  const outShown = displayName(outPath, cwd);
  const debounceMs = options.debounceMs ?? WATCH_DEBOUNCE_MS;
  let goodBuilds = 0;
  let building: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | undefined;

  const build = async (): Promise<void> => {
    try {
      const result = await runBuild(options);
      if (result.ok) goodBuilds += 1;
      else if (goodBuilds > 0) logError(`Rebuild failed; ${outShown} still holds the last good corpus.`);
      options.onBuild?.(result);
    } catch (err) {
      // An unexpected failure (a disk error, say) must not end the watch: the next change retries.
      logError(`error: the build stopped: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!options.signal.aborted) log('Watching for changes (Ctrl-C to stop)…');
  };
  const run = (): void => {
    if (options.signal.aborted) return;
    if (building) {
      again = true;
      return;
    }
    building = build().finally(() => {
      building = null;
      if (again) {
        again = false;
        run();
      }
    });
  };

  // The output folder changes on every build (its temporary siblings are hidden): never a cause.
  const { watchers, problems } = await watchInputs(options.inputs, cwd, (changed, isHidden) => {
    if (isHidden || isInside(changed, outPath)) return;
    clearTimeout(timer);
    timer = setTimeout(run, debounceMs);
  });
  for (const problem of problems) logError(`warning: cannot watch ${problem}`);

  run();
  await new Promise<void>((resolve) => {
    if (options.signal.aborted) resolve();
    else options.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  clearTimeout(timer);
  for (const watcher of watchers) watcher.close();
  await building;
}
