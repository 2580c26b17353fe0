import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SearchResult } from '../../src/search/engine.ts';
import { BUSY_DELAY_MS, SearchState, type SearchBackend } from '../../src/state/search.svelte.ts';
import type { ArticleReader } from '../../src/storage/reader.ts';

type Answer = SearchResult & { partial: boolean };

/** A backend whose answers the test releases by hand. */
function manualBackend(): { backend: SearchBackend; answer: () => void } {
  const waiting: ((value: Answer) => void)[] = [];
  return {
    backend: { search: () => new Promise<Answer>((resolve) => waiting.push(resolve)) },
    answer: () => waiting.shift()?.({ hits: [], total: 0, partial: false }),
  };
}

const noArticles = {
  getArticles: (ids: readonly string[]) => Promise.resolve(ids.map(() => undefined)),
} as unknown as ArticleReader;

describe('SearchState busy flag', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('a quick answer never marks the results busy (no render between the search and its answer)', async () => {
    const { backend, answer } = manualBackend();
    const state = new SearchState(noArticles, backend, { q: 'tidal' });
    const run = state.run();
    expect(state.searching).toBe(false);
    await vi.advanceTimersByTimeAsync(BUSY_DELAY_MS - 20);
    answer();
    await run;
    await vi.advanceTimersByTimeAsync(BUSY_DELAY_MS);
    expect(state.searching).toBe(false);
    expect(state.answered).toEqual({ q: 'tidal' });
  });

  it('a slow answer marks them busy after the delay, and not busy once it comes', async () => {
    const { backend, answer } = manualBackend();
    const state = new SearchState(noArticles, backend, { q: 'turbine' });
    const run = state.run();
    await vi.advanceTimersByTimeAsync(BUSY_DELAY_MS + 1);
    expect(state.searching).toBe(true);
    answer();
    await run;
    expect(state.searching).toBe(false);
  });

  it('a newer search keeps the busy flag to itself', async () => {
    const { backend, answer } = manualBackend();
    const state = new SearchState(noArticles, backend, { q: 'first' });
    const first = state.run();
    state.params = { q: 'second' };
    const second = state.run();
    await vi.advanceTimersByTimeAsync(BUSY_DELAY_MS + 1);
    expect(state.searching).toBe(true);
    answer();
    await first;
    // The first search's answer is dropped; the second is still on its way.
    expect(state.searching).toBe(true);
    answer();
    await second;
    expect(state.searching).toBe(false);
    expect(state.answered).toEqual({ q: 'second' });
  });

  it('clearing the query while a slow search is on its way leaves the results neither busy nor waiting', async () => {
    const { backend, answer } = manualBackend();
    const state = new SearchState(noArticles, backend, { q: 'observatory' });
    const slow = state.run();
    await vi.advanceTimersByTimeAsync(BUSY_DELAY_MS + 1);
    expect(state.searching).toBe(true);
    state.params = { q: '' };
    await state.run();
    expect(state.searching).toBe(false);
    answer();
    await slow;
    expect(state.searching).toBe(false);
    expect(state.answered).toEqual({ q: '' });
  });
});
