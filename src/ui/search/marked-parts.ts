import type { Attachment } from 'svelte/attachments';
import type { MarkedPart } from '../../search/highlight.ts';

/**
 * Fills the element with the highlighter's parts: text nodes, and bare `<mark>` elements holding
 * text. Nothing is parsed as HTML, so no article text can become markup, and a results page costs
 * no HTML parsing (issue #7).
 */
export function markedParts(parts: readonly MarkedPart[]): Attachment<HTMLElement> {
  return (element) => {
    const doc = element.ownerDocument;
    element.replaceChildren(
      ...parts.map((part) => {
        if (!part.mark) return doc.createTextNode(part.text);
        const mark = doc.createElement('mark');
        mark.textContent = part.text;
        return mark;
      }),
    );
  };
}
