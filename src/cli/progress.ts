/**
 * A one-line progress bar on stderr for long builds, redrawn in place. Only on a terminal:
 * in CI logs and pipes a stream of redraws is noise, and the summary says it all at the end.
 */
import { performance } from 'node:perf_hooks';

export interface Progress {
  /** `done` of `total` in the named step ("reading files", "building articles"). */
  update: (step: string, done: number, total: number) => void;
  /** Removes the bar; call before printing anything else. */
  clear: () => void;
}

export const NO_PROGRESS: Progress = { update: () => {}, clear: () => {} };

/** Builds shorter than this never show a bar (it would only flicker). */
export const PROGRESS_DELAY_MS = 400;
/** Redraws at most this often: a terminal write per article would slow the build itself. */
export const PROGRESS_INTERVAL_MS = 100;
const BAR_WIDTH = 24;
const PERCENT = 100;
const FILLED = '█';
const EMPTY = '░';
// Carriage return, then erase the whole line (ANSI EL 2).
const CLEAR_LINE = '\r\u001b[2K';

/** The bar's text: `building articles [██████░░░…] 42% 6300/14992`. */
export function renderProgress(step: string, done: number, total: number, width = BAR_WIDTH): string {
  const share = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(share * width);
  return `${step} [${FILLED.repeat(filled)}${EMPTY.repeat(width - filled)}] ${Math.floor(share * PERCENT)}% ${done}/${total}`;
}

interface TtyStream {
  isTTY?: boolean;
  columns?: number;
  write: (text: string) => boolean;
}

/** A bar on `stream` when it is a terminal, else NO_PROGRESS. */
export function createProgress(stream: TtyStream, now: () => number = () => performance.now()): Progress {
  if (stream.isTTY !== true) return NO_PROGRESS;
  const started = now();
  let lastDraw = -Infinity;
  let shown = false;
  return {
    update(step, done, total) {
      const at = now();
      const finished = done >= total;
      if (at - started < PROGRESS_DELAY_MS || (!finished && at - lastDraw < PROGRESS_INTERVAL_MS)) return;
      lastDraw = at;
      const line = renderProgress(step, done, total);
      // Cut to the terminal's width (a wrapped line could not be redrawn in place); 0 means unknown.
      const columns = stream.columns !== undefined && stream.columns > 0 ? stream.columns : line.length + 1;
      stream.write(CLEAR_LINE + line.slice(0, columns - 1));
      shown = true;
    },
    clear() {
      if (shown) stream.write(CLEAR_LINE);
      shown = false;
    },
  };
}
