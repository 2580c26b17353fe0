/**
 * Article HTML was sanitized at build time; this second pass guards against a tampered corpus.
 * DOMPurify is the app's largest dependency, so it loads only when an article is about to show.
 */
type Sanitize = (html: string) => string;

const CONFIG = {
  FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'object', 'embed'],
  FORBID_ATTR: ['style'],
};

let sanitizer: Sanitize | null = null;
let loading: Promise<Sanitize> | null = null;

export function loadSanitizer(): Promise<Sanitize> {
  loading ??= import('dompurify').then(({ default: DOMPurify }) => {
    sanitizer = (html) => DOMPurify.sanitize(html, CONFIG);
    return sanitizer;
  });
  return loading;
}

/** The sanitized HTML, or null while DOMPurify is still loading. */
export function sanitizeNow(html: string): string | null {
  return sanitizer ? sanitizer(html) : null;
}
