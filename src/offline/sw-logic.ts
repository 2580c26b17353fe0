/** Pure helpers of the service worker (src/sw.ts), kept apart so unit tests can reach them. */

/** The message a waiting service worker obeys (what workbox-window's messageSkipWaiting sends). */
export const SKIP_WAITING = 'SKIP_WAITING';

export function isSkipWaitingMessage(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as { type?: unknown }).type === SKIP_WAITING;
}

/**
 * Other URLs to look up in the precache for a request the precache does not hold as such.
 * The app uses relative URLs, so index.html served for a deep path (`/a/b/` → the app shell) asks
 * for `/a/b/assets/x.js` and `/a/b/corpus/manifest.json`: dropping leading folders below the
 * scope one at a time finds `assets/x.js` and `corpus/manifest.json`.
 */
export function precacheCandidates(url: URL, scope: string): URL[] {
  const base = new URL(scope);
  if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) return [];
  const segments = url.pathname.slice(base.pathname.length).split('/');
  const candidates: URL[] = [];
  for (let i = 1; i < segments.length; i++) {
    const rest = segments.slice(i).join('/');
    if (rest) candidates.push(new URL(rest, base));
  }
  return candidates;
}

/** A request with this header set to 'network' bypasses the precache (re-download and verify). */
export const VERIFY_HEADER = 'X-Folio-Verify';
/** Set on a verify response that came from the stored copy because the network failed. */
export const VERIFY_SOURCE_HEADER = 'X-Folio-Source';
