/**
 * The search worker's warm-up as a schedule (issue #7): one item a task, only while the worker has
 * nothing else to do. An item that finds the worker busy waits for the next try; it is not dropped.
 */
export interface WarmUpSchedule<T> {
  /** Something the reader is waiting for is queued (a search, an index load, a build slice). */
  busy: () => boolean;
  /** The index these items were made for has been replaced: the rest are of no use. */
  stale: () => boolean;
  /** Runs one item; false stops the warm-up (it failed). */
  run: (item: T) => boolean;
  /** Calls `step` in a later task: after a pause when `retry` (the worker was busy), else at once. */
  later: (step: () => void, retry: boolean) => void;
}

export function warmUpWhenIdle<T>(items: readonly T[], schedule: WarmUpSchedule<T>): void {
  const queue = [...items];
  const step = (): void => {
    if (queue.length === 0 || schedule.stale()) return;
    if (schedule.busy()) {
      schedule.later(step, true);
      return;
    }
    const next = queue.shift() as T;
    if (schedule.run(next)) schedule.later(step, false);
  };
  schedule.later(step, false);
}
