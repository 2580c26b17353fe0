/// <reference lib="webworker" />
/**
 * Folio's service worker: precaches the app shell and the built corpus (the list is injected at
 * build time by vite-plugin-pwa), serves them cache-first, and answers every navigation with the
 * app shell so deep links open offline. It activates when the reader accepts the update prompt.
 */
import { clientsClaim } from 'workbox-core';
import {
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  precacheAndRoute,
  type PrecacheEntry,
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { isSkipWaitingMessage, precacheCandidates } from './offline/sw-logic.ts';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | PrecacheEntry)[] };

const APP_SHELL = 'index.html';

precacheAndRoute(self.__WB_MANIFEST, {
  urlManipulation: ({ url }) => precacheCandidates(url, self.registration.scope),
});
cleanupOutdatedCaches();
// The first visit is controlled as soon as the worker activates (DESIGN.md: widget section).
clientsClaim();
registerRoute(new NavigationRoute(createHandlerBoundToURL(APP_SHELL)));

// A new version waits until the reader chooses to reload (src/offline/updates.svelte.ts).
self.addEventListener('message', (event) => {
  if (isSkipWaitingMessage(event.data)) void self.skipWaiting();
});
