/**
 * The app's first steps, taken by the first module the app evaluates (src/main.ts imports this
 * right after the Trusted Types policy), before Svelte and the components are evaluated and the app
 * is mounted:
 * - the search worker starts and is asked to `open` the corpus stored in the app's database; named
 *   after that database, it reads the cached index as it boots (src/search/worker.ts). App hands it
 *   to SearchService.open;
 * - the page's own connection to that database is opened (Library's first open takes it): opening
 *   took 115 ms of a warm start's way to the first list (4×, issue #7), and it now runs while the
 *   app is evaluated and mounted.
 * Only the app's entry imports this: the widget opens its database and starts its worker later.
 */
import { bootSearchWorker, type BootedWorker } from '../search/client.ts';
import { APP_DB_NAME, openFolioDBEarly } from '../storage/db.ts';

export const APP_MANIFEST_URL = new URL('corpus/manifest.json', document.baseURI).href;

/** Null when the worker cannot be started here: the app then starts it as it did, and says so if it fails. */
export const bootedSearch = ((): BootedWorker | null => {
  try {
    return bootSearchWorker(APP_DB_NAME, APP_MANIFEST_URL);
  } catch {
    return null;
  }
})();

export const bootedDb = openFolioDBEarly(APP_DB_NAME);
