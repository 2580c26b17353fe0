import type { Anchor } from '../../state/navigation.svelte.ts';

/** The attribute naming a result's row by its article id (SearchResults.svelte writes it). */
const RESULT_KEY = 'data-result';

/**
 * The reader's place in the results: the first row still on screen, and where its top is in the
 * window. Coming back, that row goes back there: the rows' heights are only estimated until they are
 * laid out (content-visibility), so the scroll position alone showed another place (issue #7).
 */
export function resultAnchor(list: HTMLElement): Anchor | null {
  for (const row of list.children) {
    const box = row.getBoundingClientRect();
    const key = row.getAttribute(RESULT_KEY);
    if (box.bottom > 0 && key !== null) return { key, top: box.top };
  }
  return null;
}

/** The row of the result `key` on the page, if it is there. */
export function findResult(doc: Document, key: string): Element | null {
  return doc.querySelector(`[${RESULT_KEY}="${CSS.escape(key)}"]`);
}
