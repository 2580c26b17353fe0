import { JSDOM } from 'jsdom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MarkedPart } from '../../src/search/highlight.ts';
import { PartsQueue } from '../../src/ui/search/marked-parts.ts';

const { document } = new JSDOM('').window;
const parts = (text: string): MarkedPart[] => [
  { text: `${text} `, mark: false },
  { text: 'match', mark: true },
];

describe('PartsQueue (snippets filled after the results)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fills at once when asked, the others in later tasks in the order asked, within the budget per task', () => {
    let clock = 0;
    // Each fill costs 6 ms of a 10 ms budget: two per task.
    const queue = new PartsQueue(10, () => clock);
    const elements = Array.from({ length: 5 }, () => document.createElement('p'));
    const made: number[] = [];
    elements.forEach((element, i) => {
      element.textContent = 'stale';
      queue.fill(i === 0, () => {
        made.push(i);
        clock += 6;
        return parts(`row ${i}`);
      })(element);
    });
    expect(elements[0]?.innerHTML).toBe('row 0 <mark>match</mark>');
    // The others are emptied (no snippet of an earlier query) until their turn.
    expect(elements.slice(1).map((e) => e.textContent)).toEqual(['', '', '', '']);
    expect(queue.pending).toBe(4);
    vi.advanceTimersToNextTimer();
    expect(made).toEqual([0, 1, 2]);
    vi.advanceTimersToNextTimer();
    expect(made).toEqual([0, 1, 2, 3, 4]);
    expect(elements[4]?.innerHTML).toBe('row 4 <mark>match</mark>');
    expect(queue.pending).toBe(0);
  });

  it('drops the fill of an element that went (or re-ran) before its turn, and everything on dispose', () => {
    const queue = new PartsQueue();
    const made: string[] = [];
    const a = document.createElement('p');
    const b = document.createElement('p');
    const cleanup = queue.fill(false, () => (made.push('a'), parts('a')))(a);
    queue.fill(false, () => (made.push('b'), parts('b')))(b);
    if (typeof cleanup === 'function') cleanup();
    vi.runAllTimers();
    expect(made).toEqual(['b']);
    expect(a.textContent).toBe('');
    queue.fill(false, () => (made.push('c'), parts('c')))(a);
    queue.dispose();
    vi.runAllTimers();
    expect(made).toEqual(['b']);
  });
});
