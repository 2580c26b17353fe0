import { describe, expect, it } from 'vitest';
import {
  anchoredScroll,
  byNearness,
  listHeight,
  pagesOf,
  pagesToEvict,
  visibleRows,
} from '../../src/state/list-window.ts';
import { planWalk, splitAcross } from '../../src/storage/articles.ts';

describe('visibleRows', () => {
  const ROW = 150;

  it('covers the band with overscan on both sides', () => {
    expect(visibleRows({ top: 0, bottom: 700 }, ROW, 100_000, 4)).toEqual({ start: 0, end: 9 });
    expect(visibleRows({ top: 1500, bottom: 2200 }, ROW, 100_000, 4)).toEqual({ start: 6, end: 19 });
  });

  it('clamps to the end of the list', () => {
    const total = 100_000;
    const end = total * ROW;
    expect(visibleRows({ top: end - 700, bottom: end }, ROW, total, 4)).toEqual({ start: total - 9, end: total });
  });

  it('keeps the rows next to a band that is above or below the list', () => {
    expect(visibleRows({ top: -2000, bottom: -1300 }, ROW, 1000, 4)).toEqual({ start: 0, end: 4 });
    expect(visibleRows({ top: 1e9, bottom: 1e9 + 700 }, ROW, 1000, 4)).toEqual({ start: 996, end: 1000 });
  });

  it('renders short lists whole, and nothing without a height or rows', () => {
    expect(visibleRows({ top: 5000, bottom: 5700 }, ROW, 50, 4, 60)).toEqual({ start: 0, end: 50 });
    expect(visibleRows({ top: 0, bottom: 700 }, 0, 1000, 4)).toEqual({ start: 0, end: 0 });
    expect(visibleRows({ top: 0, bottom: 700 }, ROW, 0, 4)).toEqual({ start: 0, end: 0 });
  });

  it('never holds more rows than the viewport needs plus the overscan', () => {
    for (const top of [0, 123, 99_999, 1_234_567, 14_999_000]) {
      const range = visibleRows({ top, bottom: top + 1080 }, ROW, 100_000, 4);
      expect(range.end - range.start).toBeLessThanOrEqual(Math.ceil(1080 / ROW) + 1 + 8);
    }
  });
});

describe('pages', () => {
  it('lists the pages a range touches', () => {
    expect(pagesOf({ start: 0, end: 9 }, 30)).toEqual([0]);
    expect(pagesOf({ start: 25, end: 65 }, 30)).toEqual([0, 1, 2]);
    expect(pagesOf({ start: 60, end: 60 }, 30)).toEqual([]);
  });

  it('reads the pages nearest the screen first', () => {
    expect(byNearness([0, 1, 2, 3], { start: 65, end: 75 }, 30)).toEqual([2, 1, 3, 0]);
  });

  it('evicts the pages farthest from the screen, never the ones on it', () => {
    expect(pagesToEvict([0, 1, 2, 3, 10, 11], { start: 60, end: 70 }, 30, 4)).toEqual([11, 10]);
    expect(pagesToEvict([0, 1], { start: 0, end: 70 }, 30, 4)).toEqual([]);
    expect(pagesToEvict([0, 1, 2], { start: 0, end: 70 }, 30, 1)).toEqual([]);
  });
});

describe('scroll anchoring and height', () => {
  it('keeps the top row in place when the row height changes', () => {
    // Row 10 at the top, 30 px of it hidden: after, the same row and share are at the top.
    const y = anchoredScroll(200 + 10 * 100 + 30, 200, 100, 150);
    expect(y).toBe(200 + 10 * 150 + 45);
    expect(anchoredScroll(120, 200, 100, 150)).toBe(120);
  });

  it('is the rows times their height', () => {
    expect(listHeight(100_000, 152)).toBe(15_200_000);
    expect(listHeight(-1, 152)).toBe(0);
  });
});

describe('splitAcross (list positions over segments)', () => {
  it('splits a page across the dated and undated segments of "latest"', () => {
    expect(splitAcross([95, 10], 90, 30)).toEqual([
      { segment: 0, offset: 90, count: 5 },
      { segment: 1, offset: 0, count: 10 },
    ]);
    expect(splitAcross([95, 10], 0, 30)).toEqual([{ segment: 0, offset: 0, count: 30 }]);
    expect(splitAcross([0, 10], 3, 5)).toEqual([{ segment: 1, offset: 3, count: 5 }]);
    expect(splitAcross([5], 10, 5)).toEqual([]);
  });
});

describe('planWalk (the shortest cursor walk to a position)', () => {
  it('walks from the nearer end without anchors', () => {
    expect(planWalk([], 10, 1000)).toEqual({ from: -1, direction: 'next', steps: 10 });
    expect(planWalk([], 990, 1000)).toEqual({ from: 1000, direction: 'prev', steps: 9 });
  });

  it('walks from the nearest known key, forwards or backwards', () => {
    expect(planWalk([400, 700], 420, 1000)).toEqual({ from: 400, direction: 'next', steps: 20 });
    expect(planWalk([400, 700], 690, 1000)).toEqual({ from: 700, direction: 'prev', steps: 10 });
  });
});
