/** The DOM events <folio-reader> dispatches (bubbling and composed), with their detail types. */
export interface WidgetEventMap {
  'folio-ready': { title: string; count: number };
  'folio-article-open': { id: string };
  'folio-error': { message: string };
}

export type WidgetEmit = <K extends keyof WidgetEventMap>(type: K, detail: WidgetEventMap[K]) => void;

export function dispatchWidgetEvent<K extends keyof WidgetEventMap>(
  target: EventTarget,
  type: K,
  detail: WidgetEventMap[K],
): void {
  target.dispatchEvent(new CustomEvent(type, { bubbles: true, composed: true, detail }));
}
