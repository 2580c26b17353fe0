/**
 * A deliberately simple language guess for articles that carry no `lang`: Chinese when Han
 * characters make up a large share of the letters, English otherwise. Kana and Hangul count
 * as non-Han letters, so Japanese and Korean text comes out as 'en' until a better guesser
 * replaces this one.
 */

export type GuessedLang = 'zh' | 'en';

/** Share of Han characters among all letters above which text is taken as Chinese. */
export const HAN_SHARE_FOR_ZH = 0.3;
/** Only the start of a long text is looked at: enough to decide, and cheap on big corpora. */
export const GUESS_SAMPLE_CHARS = 2000;

const LETTER = /\p{L}/gu;
const HAN = /\p{Script=Han}/gu;

function countMatches(text: string, pattern: RegExp): number {
  pattern.lastIndex = 0;
  let count = 0;
  while (pattern.exec(text) !== null) count += 1;
  return count;
}

/** 'zh' when Han characters are at least HAN_SHARE_FOR_ZH of the letters, else 'en' (also for no letters). */
export function guessLang(text: string): GuessedLang {
  const sample = text.slice(0, GUESS_SAMPLE_CHARS);
  const letters = countMatches(sample, LETTER);
  if (letters === 0) return 'en';
  return countMatches(sample, HAN) / letters >= HAN_SHARE_FOR_ZH ? 'zh' : 'en';
}
