/**
 * The MiniSearch baseline's configuration, shared by bench/search-quality.ts (Node) and the
 * in-browser engines page (bench/lib/engines-page.ts), so both measure the same baseline.
 */
import type { Options, SearchOptions } from 'minisearch';
import type { SearchDoc } from '../../src/search/engine.ts';

const MINISEARCH_TITLE_BOOST = 2;
const MINISEARCH_MIN_FUZZY_LENGTH = 4;
const MINI_SPLIT = /[^\p{L}\p{N}]+/u;
const HAN_CHAR = /\p{Script=Han}/u;

/** MiniSearch's own splitting for Latin text; Han runs become overlapping character pairs. */
export function miniTokenize(text: string): string[] {
  const terms: string[] = [];
  for (const part of text.split(MINI_SPLIT)) {
    if (part === '') continue;
    if (!HAN_CHAR.test(part)) {
      terms.push(part);
      continue;
    }
    // Split mixed runs (iPhone发布) into Latin and Han pieces, then pair the Han characters.
    for (const piece of part.match(/\p{Script=Han}+|[^\p{Script=Han}]+/gu) ?? []) {
      const chars = [...piece];
      if (!HAN_CHAR.test(piece)) terms.push(piece);
      else if (chars.length === 1) terms.push(piece);
      else for (let i = 0; i + 1 < chars.length; i += 1) terms.push(`${chars[i]}${chars[i + 1]}`);
    }
  }
  return terms;
}

/** Configured for the same job: title boost, prefix on the last word, one typo from 4 letters. */
export const MINI_SEARCH_OPTIONS: SearchOptions = {
  boost: { title: MINISEARCH_TITLE_BOOST },
  prefix: (_term, index, terms) => index === terms.length - 1,
  fuzzy: (term) => (term.length >= MINISEARCH_MIN_FUZZY_LENGTH && !/[\d\p{Script=Han}]/u.test(term) ? 1 : false),
};

export const MINI_OPTIONS: Options<SearchDoc> = {
  idField: 'ord',
  fields: ['title', 'text'],
  tokenize: miniTokenize,
  searchOptions: { ...MINI_SEARCH_OPTIONS, tokenize: miniTokenize },
};
