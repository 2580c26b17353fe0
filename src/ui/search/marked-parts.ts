import type { Attachment } from 'svelte/attachments';
import type { MarkedPart } from '../../search/highlight.ts';
import { afterPaint } from '../common/after-paint.ts';

/**
 * Fills the element with the highlighter's parts: text nodes, and bare `<mark>` elements holding
 * text. Nothing is parsed as HTML, so no article text can become markup, and a results page costs
 * no HTML parsing (issue #7).
 */
export function showParts(element: HTMLElement, parts: readonly MarkedPart[]): void {
  const doc = element.ownerDocument;
  element.replaceChildren(
    ...parts.map((part) => {
      if (!part.mark) return doc.createTextNode(part.text);
      const mark = doc.createElement('mark');
      mark.textContent = part.text;
      return mark;
    }),
  );
}

/**
 * Whether work for the page shown must wait (a newer search is on its way: its answer should not
 * queue behind fills it may replace); when it does, it calls `resume` once the wait is over.
 */
export type Hold = (resume: () => void) => boolean;

/** Milliseconds of filling per task: above it, the queue yields to the page until its next task. */
export const FILL_BUDGET_MS = 10;

/**
 * Fills elements with parts that are costly to find (a snippet scans its whole article) in later
 * tasks, in the order they were asked for, about FILL_BUDGET_MS of them per task. Why: the first
 * results page after a start runs the highlighter before V8 has optimized it, and its twenty
 * snippets in one task made the longest main-thread task of a cold visit (issue #7).
 */
export class PartsQueue {
  readonly #jobs = new Set<() => void>();
  readonly #budgetMs: number;
  readonly #now: () => number;
  readonly #hold: Hold;
  /** Cancels the next task of filling, when one is planned. */
  #next: (() => void) | undefined;

  /** `hold`: asked before each task of filling; when it holds, the queue waits for its call back. */
  constructor(budgetMs = FILL_BUDGET_MS, now: () => number = () => performance.now(), hold: Hold = () => false) {
    this.#budgetMs = budgetMs;
    this.#now = now;
    this.#hold = hold;
  }

  /**
   * Fills the element with `parts()`: at once when `now`, else in a later task (the element is
   * emptied meanwhile: it may hold parts of an earlier query). Dropped if the element goes first.
   */
  fill(now: boolean, parts: () => readonly MarkedPart[]): Attachment<HTMLElement> {
    return (element) => {
      if (now) {
        showParts(element, parts());
        return;
      }
      element.replaceChildren();
      const job = (): void => showParts(element, parts());
      this.#jobs.add(job);
      this.#schedule();
      return () => {
        this.#jobs.delete(job);
      };
    };
  }

  get pending(): number {
    return this.#jobs.size;
  }

  dispose(): void {
    this.#next?.();
    this.#next = undefined;
    this.#jobs.clear();
  }

  #schedule(): void {
    this.#next ??= afterPaint(this.#run);
  }

  readonly #resume = (): void => {
    if (this.#jobs.size > 0) this.#schedule();
  };

  readonly #run = (): void => {
    this.#next = undefined;
    if (this.#hold(this.#resume)) return;
    const deadline = this.#now() + this.#budgetMs;
    for (const job of this.#jobs) {
      this.#jobs.delete(job);
      job();
      if (this.#now() >= deadline) break;
    }
    if (this.#jobs.size > 0) this.#schedule();
  };
}
