/**
 * The app's search worker, started by the first module the app evaluates (src/main.ts imports this
 * right after the Trusted Types policy), before Svelte and the components are evaluated and the app
 * is mounted, and asked at once to `open` the corpus stored in the app's database. Named after that
 * database, the worker reads the cached index as it boots (src/search/worker.ts). App hands it to
 * SearchService.open. Only the app's entry imports this: the widget starts its own worker later.
 */
import { bootSearchWorker } from '../search/client.ts';
import { APP_DB_NAME } from '../storage/db.ts';

export const APP_MANIFEST_URL = new URL('corpus/manifest.json', document.baseURI).href;

export const bootedSearch = bootSearchWorker(APP_DB_NAME, APP_MANIFEST_URL);
