/**
 * Folio's Trusted Types policies (names listed in src/security/policy.ts). Under the CSP's
 * `require-trusted-types-for 'script'`, a string never reaches an HTML or script-URL sink unless one of
 * these policies (or Svelte's or DOMPurify's own) vouched for it. Where the browser has no Trusted
 * Types, the same checks still run and plain strings come back.
 */

/** The parts of the Trusted Types API that Folio uses (lib.dom does not describe it yet). */
interface Policy {
  createHTML?(input: string): unknown;
  createScriptURL?(input: string): unknown;
}
interface PolicyFactory {
  createPolicy(
    name: string,
    rules: { createHTML?: (input: string) => string | null; createScriptURL?: (input: string) => string | null },
  ): Policy;
  readonly defaultPolicy: Policy | null;
}

/** Safe HTML for an `{@html}` sink: a TrustedHTML object where the browser has them, else the string. */
export type SafeHtml = string & { readonly __safeHtml?: never };

function factory(): PolicyFactory | undefined {
  return (globalThis as { trustedTypes?: PolicyFactory }).trustedTypes;
}

/** Script URLs Folio loads itself: same origin as the page, over http(s), a `.js` file. */
export function isOwnScriptUrl(input: string, base: string, origin: string): boolean {
  try {
    const url = new URL(input, base);
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === origin && url.pathname.endsWith('.js')
    );
  } catch {
    return false;
  }
}

/** Text that parses to text only: no `<` or `>`, so no element or attribute can appear. */
export function isPlainText(input: string): boolean {
  return !/[<>]/.test(input);
}

/**
 * The `default` policy, for code that hands a plain string to a sink: the module workers
 * (`new Worker(new URL(...))`, src/search/client.ts and src/corpus/import-client.ts),
 * workbox-window's `serviceWorker.register`, and simple-keyboard's key labels (innerHTML). It vouches
 * only for our own script files and markup-free text; anything else returns null, which the browser
 * blocks and reports as a violation.
 * Only pages Folio owns install it (index.html, embed.html): a partner page keeps its own default.
 */
export function installDefaultPolicy(): void {
  const tt = factory();
  if (!tt || tt.defaultPolicy) return;
  tt.createPolicy('default', {
    createHTML: (input) => (isPlainText(input) ? input : null),
    createScriptURL: (input) => (isOwnScriptUrl(input, document.baseURI, location.origin) ? input : null),
  });
}
