import type { Attachment } from 'svelte/attachments';

export interface SelectOption {
  value: string;
  label: string;
}

/**
 * Fills a `<select>` with its options by plain DOM calls, keeping the value it had. For lists that
 * come from the corpus (80 categories in en-reuters): a Svelte `{#each}` of them was most of the
 * search page's first render, a long task of a cold visit (issue #7). Set the value with
 * `selectValue`, attached after this.
 */
export function selectOptions(options: readonly SelectOption[]): Attachment<HTMLSelectElement> {
  return (select) => {
    const doc = select.ownerDocument;
    const value = select.value;
    select.replaceChildren(
      ...options.map((option) => {
        const element = doc.createElement('option');
        element.value = option.value;
        element.textContent = option.label;
        return element;
      }),
    );
    select.value = value;
  };
}

/** Selects the option of `value` (the first option when none has it). */
export function selectValue(value: string): Attachment<HTMLSelectElement> {
  return (select) => {
    select.value = value;
    if (select.selectedIndex < 0) select.selectedIndex = 0;
  };
}
