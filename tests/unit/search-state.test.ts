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

describe('SearchState: a new visit shows its params with their answer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('keeps the form as it was until the answer, then shows the new params and results together', async () => {
    const { backend, answer } = manualBackend();
    const state = new SearchState(noArticles, backend, { q: 'coral' });
    const run = state.run(undefined, { q: 'telescope', sort: 'date' });
    await vi.advanceTimersByTimeAsync(BUSY_DELAY_MS - 20);
    expect(state.params).toEqual({ q: 'coral' });
    expect(state.latest).toEqual({ q: 'telescope', sort: 'date' });
    answer();
    await run;
    expect(state.params).toEqual({ q: 'telescope', sort: 'date' });
    expect(state.answered).toEqual({ q: 'telescope', sort: 'date' });
  });

  it('shows the new params once the search is marked busy, when the answer is slow', async () => {
    const { backend, answer } = manualBackend();
    const state = new SearchState(noArticles, backend, { q: 'coral' });
    const run = state.run(undefined, { q: 'telescope' });
    await vi.advanceTimersByTimeAsync(BUSY_DELAY_MS + 1);
    expect(state.params).toEqual({ q: 'telescope' });
    expect(state.searching).toBe(true);
    answer();
    await run;
    expect(state.searching).toBe(false);
  });

  it('an empty query is shown at once', async () => {
    const { backend } = manualBackend();
    const state = new SearchState(noArticles, backend, { q: 'coral' });
    await state.run(undefined, { q: '' });
    expect(state.params).toEqual({ q: '' });
  });

  it('the reader’s own edit meanwhile is kept: the answer does not put the visit’s params back', async () => {
    const { backend, answer } = manualBackend();
    const state = new SearchState(noArticles, backend, { q: 'coral' });
    const run = state.run(undefined, { q: 'telescope' });
    state.params = { ...state.latest, q: 'telescopes' };
    answer();
    await run;
    expect(state.params).toEqual({ q: 'telescopes' });
    await vi.advanceTimersByTimeAsync(BUSY_DELAY_MS + 1);
    expect(state.params).toEqual({ q: 'telescopes' });
  });

  it('a newer visit wins, and a search run meanwhile without params looks for the waiting ones', async () => {
    const searched: string[] = [];
    const { backend, answer } = manualBackend();
    const recording: SearchBackend = { search: (q, options) => (searched.push(q), backend.search(q, options)) };
    const state = new SearchState(noArticles, recording, { q: 'coral' });
    const first = state.run(undefined, { q: 'telescope' });
    const second = state.run(undefined, { q: 'tide' });
    const refresh = state.run();
    expect(searched).toEqual(['telescope', 'tide', 'tide']);
    answer();
    await first;
    expect(state.params).toEqual({ q: 'coral' });
    answer();
    answer();
    await Promise.all([second, refresh]);
    expect(state.params).toEqual({ q: 'tide' });
    expect(state.answered).toEqual({ q: 'tide' });
  });
});

describe('SearchState holds work for the results shown while a search is on its way', () => {
  it('holds nothing when idle; holds during a search and resumes each waiter once all have settled', async () => {
    const { backend, answer } = manualBackend();
    const state = new SearchState(noArticles, backend, { q: 'coral' });
    const resumed: string[] = [];
    expect(state.holdWhileSearching(() => resumed.push('idle'))).toBe(false);
    const first = state.run();
    const second = state.run(undefined, { q: 'telescope' });
    expect(state.holdWhileSearching(() => resumed.push('a'))).toBe(true);
    expect(state.holdWhileSearching(() => resumed.push('b'))).toBe(true);
    answer();
    await first;
    expect(resumed).toEqual([]);
    answer();
    await second;
    expect(resumed).toEqual(['a', 'b']);
    expect(state.holdWhileSearching(() => resumed.push('c'))).toBe(false);
  });

  it('a failed search resumes them too', async () => {
    const state = new SearchState(
      noArticles,
      { search: () => Promise.reject(new Error('worker gone')) },
      { q: 'coral' },
    );
    const resumed: string[] = [];
    const run = state.run();
    expect(state.holdWhileSearching(() => resumed.push('a'))).toBe(true);
    await run;
    expect(resumed).toEqual(['a']);
    expect(state.error).toBeInstanceOf(Error);
  });
});
