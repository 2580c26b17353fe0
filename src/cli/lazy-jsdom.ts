/**
 * jsdom, loaded on first use: loading it takes about a second, and a corpus of plain-text
 * JSON or Markdown without raw HTML never needs it.
 */
import type * as JsdomModule from 'jsdom';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let loaded: typeof JsdomModule | undefined;

/** The jsdom module; require, not import: lazy yet synchronous (jsdom is CommonJS). */
export function jsdom(): typeof JsdomModule {
  loaded ??= require('jsdom') as typeof JsdomModule;
  return loaded;
}

/** Text content of an HTML fragment (`A &amp; <b>B</b>` → `A & B`), with no scripts run. */
export function htmlToText(html: string): string {
  return jsdom().JSDOM.fragment(html).textContent ?? '';
}
