/**
 * Windowing math for virtualized lists of fixed-height rows (pure, unit-tested in
 * tests/unit/list-window.test.ts). Positions are CSS pixels from the top of the list.
 */

/** Rows in [start, end): `end` is exclusive; an empty range has start === end. */
export interface RowRange {
  start: number;
  end: number;
}

export const EMPTY_RANGE: RowRange = { start: 0, end: 0 };

/**
 * The rows a viewport band [top, bottom) of the list touches, widened by `overscan` rows on each
 * side and clamped to the list. Lists of at most `renderAll` rows are rendered whole.
 */
export function visibleRows(
  band: { top: number; bottom: number },
  rowHeight: number,
  total: number,
  overscan: number,
  renderAll = 0,
): RowRange {
  if (total <= 0) return EMPTY_RANGE;
  if (total <= renderAll) return { start: 0, end: total };
  if (!(rowHeight > 0) || band.bottom <= band.top) return EMPTY_RANGE;
  const first = Math.floor(band.top / rowHeight);
  const last = Math.ceil(band.bottom / rowHeight);
  const start = clamp(first - overscan, 0, total);
  const end = clamp(last + overscan, 0, total);
  // A band wholly above or below the list still renders the overscan rows next to it.
  if (start >= end) {
    if (last <= 0) return { start: 0, end: Math.min(overscan, total) };
    return { start: Math.max(0, total - overscan), end: total };
  }
  return { start, end };
}

/** The pages (of `pageSize` rows) that hold any row of `range`. */
export function pagesOf(range: RowRange, pageSize: number): number[] {
  if (range.end <= range.start) return [];
  const pages: number[] = [];
  for (let p = Math.floor(range.start / pageSize); p * pageSize < range.end; p += 1) pages.push(p);
  return pages;
}

/** Pages sorted by how close they are to the middle of `range`: the reader sees those first. */
export function byNearness(pages: readonly number[], range: RowRange, pageSize: number): number[] {
  const middle = (range.start + range.end) / 2;
  const distance = (p: number): number => Math.abs(p * pageSize + pageSize / 2 - middle);
  return [...pages].sort((a, b) => distance(a) - distance(b));
}

/**
 * Which cached pages to drop to keep at most `max`: the farthest from the wanted range go first,
 * and pages of the range itself never go.
 */
export function pagesToEvict(cached: Iterable<number>, range: RowRange, pageSize: number, max: number): number[] {
  const keep = new Set(pagesOf(range, pageSize));
  const all = [...cached];
  if (all.length <= max) return [];
  const first = Math.floor(range.start / pageSize);
  const distance = (p: number): number => Math.abs(p - first);
  const candidates = all.filter((p) => !keep.has(p)).sort((a, b) => distance(b) - distance(a));
  return candidates.slice(0, all.length - max);
}

/**
 * After the row height changes from `oldHeight` to `newHeight`, the window scroll position that
 * keeps the row at the top of the viewport where it was (same row, same share of it hidden).
 */
export function anchoredScroll(scrollY: number, listTop: number, oldHeight: number, newHeight: number): number {
  const intoList = scrollY - listTop;
  if (intoList <= 0 || !(oldHeight > 0) || !(newHeight > 0)) return scrollY;
  return listTop + (intoList / oldHeight) * newHeight;
}

/** The list's total height, in CSS pixels. */
export function listHeight(total: number, rowHeight: number): number {
  return Math.max(0, total) * Math.max(0, rowHeight);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
