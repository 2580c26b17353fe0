/** embed.html's query string -> <folio-reader> attributes, checked like any other boundary. */
import { parseParentOrigin } from './messages.ts';

/** The attributes embed.html passes through from its query string (height is always auto there). */
export const EMBED_ATTRIBUTES = ['lang', 'theme', 'category', 'article', 'search'] as const;
const MAX_VALUE_LENGTH = 512;

export interface EmbedOptions {
  attributes: Record<string, string>;
  /** The partner page's origin (the `parent` parameter); without it no message is sent or accepted. */
  parentOrigin: string | null;
  /** Set when a corpus was given but refused (not on embed.html's own origin). */
  corpusRefused: string | null;
}

/** Only a corpus on embed.html's own origin: nobody can frame Folio's origin over a corpus of their own. */
export function embedOptions(search: string, pageHref: string): EmbedOptions {
  const params = new URLSearchParams(search);
  const attributes: Record<string, string> = {};
  let corpusRefused: string | null = null;
  const corpus = params.get('corpus');
  if (corpus) {
    try {
      const url = new URL(corpus, pageHref);
      if (url.origin === new URL(pageHref).origin) attributes.corpus = url.href;
      else corpusRefused = corpus;
    } catch {
      corpusRefused = corpus;
    }
  }
  for (const name of EMBED_ATTRIBUTES) {
    const value = params.get(name);
    if (value !== null && value.length <= MAX_VALUE_LENGTH) attributes[name] = value;
  }
  return { attributes, parentOrigin: parseParentOrigin(params.get('parent')), corpusRefused };
}
