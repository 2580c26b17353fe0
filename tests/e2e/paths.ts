import { resolve } from 'node:path';

export const E2E_DIST = '.tmp/e2e-dist';
export const DEMO_SOURCE = 'src/demo-corpus/articles.json';
export const CORPORA = '.tmp/corpora';
/** Third-party corpora, read at run time and never copied into the repo. */
export const SHARED_CORPUS = resolve(process.env.FOLIO_SHARED_CORPUS ?? '../shared/corpus');
