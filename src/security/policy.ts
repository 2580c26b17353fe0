/**
 * Folio's security policy in one place: the Content-Security-Policy (with Trusted Types) and the other
 * response headers. Used by the build (a `<meta>` CSP fallback in index.html and embed.html), by
 * `vite preview` (real headers, vite.config.ts) and by the e2e tests; docs/SECURITY.md explains each.
 * Pure data: runs in Node and in the browser.
 */

/**
 * The only Trusted Types policies the pages may create (CSP `trusted-types`):
 * - `svelte-trusted-html`: Svelte 5's runtime, for the static templates its compiler wrote
 *   (node_modules/svelte/src/internal/client/dom/reconciler.js); identity, never fed content.
 * - `dompurify`: DOMPurify's own policy; article HTML reaches the DOM only as the TrustedHTML that
 *   DOMPurify returns after sanitizing (src/ui/reader/sanitize.ts, RETURN_TRUSTED_TYPE).
 * - `default`: code we do not own that uses a string sink: the module worker and service worker
 *   URLs (same origin, `.js` only) and simple-keyboard's key labels (text without markup only).
 */
export const TRUSTED_TYPES_POLICIES = ['svelte-trusted-html', 'dompurify', 'default'] as const;
export type TrustedTypesPolicyName = (typeof TRUSTED_TYPES_POLICIES)[number];

/** Which page a policy is for: the full app (index.html and its routes) or the widget's iframe page. */
export type PageKind = 'app' | 'embed';

/** Directives that a `<meta http-equiv>` CSP ignores (with a console warning), so only headers carry them. */
const HEADER_ONLY_DIRECTIVES = new Set(['frame-ancestors', 'report-uri', 'report-to', 'sandbox']);

/**
 * Who may frame embed.html: the partner origins, space-separated, from FOLIO_EMBED_FRAME_ANCESTORS
 * at build/serve time; by default only Folio's own origin (docs/SECURITY.md).
 */
export const DEFAULT_EMBED_FRAME_ANCESTORS = "'self'";

function directives(kind: PageKind, embedFrameAncestors: string): [string, string][] {
  return [
    ['default-src', "'self'"],
    // No inline script, no eval, no blob: or data: scripts: only files served by Folio.
    ['script-src', "'self'"],
    // The search worker is `new Worker(new URL(...), { type: 'module' })`: a file, never a blob.
    ['worker-src', "'self'"],
    // Svelte (and the widget's shadow root) add <style> elements at run time: see docs/SECURITY.md.
    ['style-src', "'self' 'unsafe-inline'"],
    // Corpus images are same-origin; remote images stay links. data: for small CSS images of libraries.
    ['img-src', "'self' data:"],
    ['font-src', "'self'"],
    ['connect-src', "'self'"],
    ['media-src', "'self'"],
    ['manifest-src', "'self'"],
    ['frame-src', "'none'"],
    ['object-src', "'none'"],
    ['base-uri', "'none'"],
    ['form-action', "'self'"],
    ['frame-ancestors', kind === 'embed' ? embedFrameAncestors : "'none'"],
    ['require-trusted-types-for', "'script'"],
    ['trusted-types', TRUSTED_TYPES_POLICIES.join(' ')],
  ];
}

export interface PolicyOptions {
  kind: PageKind;
  /** `<meta>` delivery: leaves out the directives a meta element cannot carry. */
  meta?: boolean;
  embedFrameAncestors?: string;
}

/** The Content-Security-Policy for a page, as one header (or meta) value. */
export function contentSecurityPolicy({
  kind,
  meta = false,
  embedFrameAncestors = DEFAULT_EMBED_FRAME_ANCESTORS,
}: PolicyOptions): string {
  return directives(kind, embedFrameAncestors)
    .filter(([name]) => !meta || !HEADER_ONLY_DIRECTIVES.has(name))
    .map(([name, value]) => `${name} ${value}`)
    .join('; ');
}

/** Features Folio never uses: nobody (not even an embedded payload) may ask for them. */
export const PERMISSIONS_POLICY = [
  'accelerometer=()',
  'autoplay=()',
  'camera=()',
  'display-capture=()',
  'geolocation=()',
  'gyroscope=()',
  'magnetometer=()',
  'microphone=()',
  'midi=()',
  'payment=()',
  'usb=()',
  'browsing-topics=()',
].join(', ');

/** Headers for every response, whatever the path. */
export const COMMON_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Permissions-Policy': PERMISSIONS_POLICY,
  'Cross-Origin-Opener-Policy': 'same-origin',
};

export const CACHE_REVALIDATE = 'no-cache';
export const CACHE_IMMUTABLE = 'public, max-age=31536000, immutable';

/** Names that change with their bytes: Vite's hashed assets and the corpus's hashed chunks and index parts. */
const IMMUTABLE_PATHS = [
  /(?:^|\/)assets\/[^/]+-[\w-]{8}\.\w+$/,
  /(?:^|\/)corpus\/articles-[0-9a-f]{16}\.json$/,
  /(?:^|\/)corpus\/index-[0-9a-f]+\.part$/,
];

/** The widget's iframe page gets its own frame-ancestors; everything else the app's policy. */
export function pageKind(path: string): PageKind {
  return /(?:^|\/)embed\.html$/.test(path) ? 'embed' : 'app';
}

/** Cache-Control for a path: immutable only for content-hashed names; everything else revalidates. */
export function cacheControl(path: string): string {
  return IMMUTABLE_PATHS.some((re) => re.test(path)) ? CACHE_IMMUTABLE : CACHE_REVALIDATE;
}

/**
 * All of Folio's headers for a response to `path` (URL path, e.g. `/`, `/sw.js`, `/widget/embed.html`).
 * The CSP goes on every response: documents need it, and workers take theirs from their script's response.
 */
export function securityHeaders(
  path: string,
  embedFrameAncestors = DEFAULT_EMBED_FRAME_ANCESTORS,
): Record<string, string> {
  return {
    ...COMMON_HEADERS,
    'Content-Security-Policy': contentSecurityPolicy({ kind: pageKind(path), embedFrameAncestors }),
    'Cache-Control': cacheControl(path),
  };
}
