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

describe('PartsQueue held by a search on its way', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits while held and fills once resumed, in order', () => {
    let held = true;
    let resume: (() => void) | undefined;
    const queue = new PartsQueue(
      10,
      () => 0,
      (next) => (held ? ((resume = next), true) : false),
    );
    const elements = Array.from({ length: 2 }, () => document.createElement('p'));
    elements.forEach((element, i) => queue.fill(false, () => parts(`row ${i}`))(element));
    vi.runAllTimers();
    expect(elements.map((e) => e.textContent)).toEqual(['', '']);
    expect(queue.pending).toBe(2);
    held = false;
    resume?.();
    vi.runAllTimers();
    expect(elements.map((e) => e.textContent)).toEqual(['row 0 match', 'row 1 match']);
  });

  it('a resume after dispose fills nothing', () => {
    let resume: (() => void) | undefined;
    const queue = new PartsQueue(
      10,
      () => 0,
      (next) => ((resume = next), true),
    );
    const element = document.createElement('p');
    let made = 0;
    queue.fill(false, () => (made++, parts('late')))(element);
    vi.runAllTimers();
    queue.dispose();
    resume?.();
    vi.runAllTimers();
    expect(made).toBe(0);
  });
});
