import { resolve } from 'node:path';

/** The app with the demo corpus (prepare.ts): served to most specs, and v1 of the offline, update and install specs. */
export const E2E_DIST = '.tmp/e2e-dist';
export const DEMO_SOURCE = 'src/demo-corpus/articles.json';
export const CORPORA = '.tmp/corpora';
/** The app built over the second version of the demo corpus (update.spec.ts). */
export const APP_V2 = '.tmp/app-v2';
/** What the widget specs serve: the widget build beside their corpora (prepare.ts lays them out). */
export const WIDGET_ROOT = '.tmp/widget-e2e';
export const WIDGET_FUZZ_ROOT = '.tmp/widget-fuzz-e2e';
/** Third-party corpora, read at run time and never copied into the repo. */
export const SHARED_CORPUS = resolve(process.env.FOLIO_SHARED_CORPUS ?? '../shared/corpus');
