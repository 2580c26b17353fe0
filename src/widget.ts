/**
 * <folio-reader> entry: `<script type="module" src=".../folio-reader.js">` defines the element.
 * Built by vite.widget.config.ts into dist/widget/folio-reader.js (docs/WIDGET.md).
 */
import FolioReader from './widget/FolioReader.svelte';

export const FOLIO_READER_TAG = 'folio-reader';

// Svelte adds the element class to a component compiled with customElement: true.
const element = (FolioReader as unknown as { element?: CustomElementConstructor }).element;
if (!element) throw new Error('Folio: FolioReader.svelte was not compiled as a custom element');
// The script may be included twice (two snippets on one page): the first definition wins.
if (!customElements.get(FOLIO_READER_TAG)) customElements.define(FOLIO_READER_TAG, element);
