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
  matchPrecache,
  precacheAndRoute,
  type PrecacheEntry,
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { isSkipWaitingMessage, precacheCandidates, VERIFY_HEADER, VERIFY_SOURCE_HEADER } from './offline/sw-logic.ts';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | PrecacheEntry)[] };

const APP_SHELL = 'index.html';

// "Re-download and verify" (settings) asks for the server's copy: network first, registered before
// the precache route so it wins; offline, the stored copy answers and says so in a header.
registerRoute(
  ({ request }) => request.headers.get(VERIFY_HEADER) === 'network',
  async ({ request }) => {
    try {
      return await fetch(request.url, { cache: 'reload', credentials: 'same-origin' });
    } catch {
      const stored = await matchPrecache(request.url);
      if (!stored) return Response.error();
      const headers = new Headers(stored.headers);
      headers.set(VERIFY_SOURCE_HEADER, 'cache');
      return new Response(stored.body, { status: stored.status, headers });
    }
  },
);

precacheAndRoute(self.__WB_MANIFEST, {
  urlManipulation: ({ url }) => precacheCandidates(url, self.registration.scope),
});
cleanupOutdatedCaches();
// The first visit is controlled as soon as the worker activates (DESIGN.md: widget section).
clientsClaim();
// The widget's iframe page (widget/embed.html) is its own document, never the app shell.
registerRoute(new NavigationRoute(createHandlerBoundToURL(APP_SHELL), { denylist: [/\/widget\//] }));

// A new version waits until the reader chooses to reload (src/offline/updates.svelte.ts).
self.addEventListener('message', (event) => {
  if (isSkipWaitingMessage(event.data)) void self.skipWaiting();
});
