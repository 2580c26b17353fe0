/**
 * Article HTML was sanitized at build time; this second pass guards against a tampered corpus.
 * It is also the only way article HTML reaches the DOM under Trusted Types: DOMPurify hands back a
 * TrustedHTML made by its own `dompurify` policy (RETURN_TRUSTED_TYPE), and the CSP lists no other
 * policy that would accept arbitrary markup (src/security/policy.ts, docs/SECURITY.md).
 * DOMPurify is the app's largest dependency, so it loads only when an article is about to show.
 */
import type { Config } from 'dompurify';
import type { SafeHtml } from '../../security/trusted-types.ts';

type Sanitize = (html: string) => SafeHtml;

/** Same rules as the build (src/cli/sanitize-html.ts): nothing that runs, submits, styles or fetches media. */
const CONFIG: Config & { RETURN_TRUSTED_TYPE: true } = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: [
    'style',
    'form',
    'input',
    'button',
    'textarea',
    'select',
    'option',
    'iframe',
    'object',
    'embed',
    'video',
    'audio',
    'source',
    'track',
    'picture',
    'template',
    'dialog',
  ],
  FORBID_ATTR: ['style', 'action', 'formaction', 'srcset', 'poster', 'background', 'ping'],
  ALLOW_DATA_ATTR: false,
  // Article markup cannot clobber the page's DOM globals with id/name.
  SANITIZE_NAMED_PROPS: true,
  RETURN_TRUSTED_TYPE: true,
};

/** A remote image would tell a third party who reads what (and fails offline): only ours and data: load. */
function isForeignSource(value: string): boolean {
  try {
    const url = new URL(value, document.baseURI);
    return url.protocol !== 'data:' && url.origin !== location.origin;
  } catch {
    return true;
  }
}

let sanitizer: Sanitize | null = null;
let loading: Promise<Sanitize> | null = null;

export function loadSanitizer(): Promise<Sanitize> {
  if (loading) return loading;
  loading = import('dompurify').then(({ default: DOMPurify }) => {
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      if (node.nodeName === 'IMG' && isForeignSource(node.getAttribute('src') ?? '')) node.removeAttribute('src');
    });
    sanitizer = (html) => DOMPurify.sanitize(html, CONFIG) as unknown as SafeHtml;
    return sanitizer;
  });
  // A failed fetch (offline before the app was cached) is tried again by the next article.
  loading.catch(() => (loading = null));
  return loading;
}

/** The sanitized HTML (TrustedHTML where supported), or null while DOMPurify is still loading. */
export function sanitizeNow(html: string): SafeHtml | null {
  return sanitizer ? sanitizer(html) : null;
}
