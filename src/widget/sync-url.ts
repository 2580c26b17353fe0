/**
 * The optional `sync-url` mirror of the open article in the host's URL: one query parameter of
 * our own, edited as text so every other parameter and the hash keep their exact spelling.
 */

function splitUrl(href: string): { base: string; query: string; hash: string } {
  const hashAt = href.indexOf('#');
  const beforeHash = hashAt === -1 ? href : href.slice(0, hashAt);
  const hash = hashAt === -1 ? '' : href.slice(hashAt);
  const queryAt = beforeHash.indexOf('?');
  return {
    base: queryAt === -1 ? beforeHash : beforeHash.slice(0, queryAt),
    query: queryAt === -1 ? '' : beforeHash.slice(queryAt + 1),
    hash,
  };
}

function decodePart(part: string): string | null {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

function keyOf(pair: string): string | null {
  const eq = pair.indexOf('=');
  return decodePart(eq === -1 ? pair : pair.slice(0, eq));
}

/** The article id the URL names in `param`, or null. */
export function readArticleParam(href: string, param: string): string | null {
  for (const pair of splitUrl(href).query.split('&')) {
    if (pair === '' || keyOf(pair) !== param) continue;
    const eq = pair.indexOf('=');
    const value = eq === -1 ? '' : decodePart(pair.slice(eq + 1));
    return value ? value : null;
  }
  return null;
}

/** `href` with `param` set to `id` (or removed when `id` is null); all else as it was. */
export function withArticleParam(href: string, param: string, id: string | null): string {
  const { base, query, hash } = splitUrl(href);
  const kept = query.split('&').filter((pair) => pair !== '' && keyOf(pair) !== param);
  if (id !== null) kept.push(`${encodeURIComponent(param)}=${encodeURIComponent(id)}`);
  return `${base}${kept.length > 0 ? `?${kept.join('&')}` : ''}${hash}`;
}
