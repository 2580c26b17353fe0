import { describe, expect, it } from 'vitest';
import { warmUpWhenIdle } from '../../src/search/warm-up.ts';

/** A hand-driven task queue: `tick()` runs the next task, as the worker's event loop would. */
function harness(items: string[], failsOn?: string) {
  const tasks: { step: () => void; retry: boolean }[] = [];
  const ran: string[] = [];
  let busy = false;
  let stale = false;
  warmUpWhenIdle(items, {
    busy: () => busy,
    stale: () => stale,
    run: (item) => {
      ran.push(item);
      return item !== failsOn;
    },
    later: (step, retry) => tasks.push({ step, retry }),
  });
  return {
    ran,
    tasks,
    setBusy: (value: boolean) => (busy = value),
    setStale: (value: boolean) => (stale = value),
    tick: () => tasks.shift()?.step(),
    drain: () => {
      for (let guard = 0; tasks.length > 0 && guard < 1000; guard += 1) tasks.shift()?.step();
    },
  };
}

describe('the search worker warm-up', () => {
  it('runs one item a task, in order, starting in a later task', () => {
    const h = harness(['a', 'b', 'c']);
    expect(h.ran).toEqual([]);
    h.tick();
    expect(h.ran).toEqual(['a']);
    h.drain();
    expect(h.ran).toEqual(['a', 'b', 'c']);
  });

  it('keeps an item that finds the worker busy, and runs it once the worker is free', () => {
    const h = harness(['a', 'b', 'c']);
    h.tick();
    // A reader's search came in: the next item waits, after a pause, and is not lost.
    h.setBusy(true);
    h.tick();
    h.tick();
    expect(h.ran).toEqual(['a']);
    expect(h.tasks).toEqual([{ step: expect.any(Function), retry: true }]);
    h.setBusy(false);
    h.drain();
    expect(h.ran).toEqual(['a', 'b', 'c']);
  });

  it('stops when its index has been replaced, or when an item fails', () => {
    const replaced = harness(['a', 'b', 'c']);
    replaced.tick();
    replaced.setStale(true);
    replaced.drain();
    expect(replaced.ran).toEqual(['a']);

    const failing = harness(['a', 'b', 'c'], 'b');
    failing.drain();
    expect(failing.ran).toEqual(['a', 'b']);
  });
});
