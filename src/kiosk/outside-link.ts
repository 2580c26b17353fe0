/** Which link targets leave the kiosk: they show a QR code instead of opening (docs/KIOSK.md). Pure. */

/** The absolute URL when `href` leads outside this app (another origin, mailto:, tel:, …); null for the app's own pages. */
export function outsideUrl(href: string, base: string): string | null {
  let url: URL;
  try {
    url = new URL(href, base);
  } catch {
    return null;
  }
  const here = new URL(base);
  if (url.protocol === 'javascript:') return null;
  if ((url.protocol === 'http:' || url.protocol === 'https:') && url.origin === here.origin) {
    // Same origin but another document (not just a hash of this page) leaves the app too.
    return url.pathname === here.pathname && url.search === here.search ? null : url.href;
  }
  return url.href;
}
