/**
 * A deliberately simple language guess for articles that carry no `lang`, by script share
 * among the letters of the start of the text:
 *   - Hangul at least HANGUL_SHARE_FOR_KO of the letters → 'ko';
 *   - any real amount of kana (KANA_SHARE_FOR_JA) → 'ja' (Japanese mixes kana into Han text,
 *     Chinese never does);
 *   - Han at least HAN_SHARE_FOR_ZH → 'zh';
 *   - anything else, Latin or no letters at all → 'en'.
 * Other scripts (Cyrillic, Arabic…) also come out as 'en': give those articles a `lang`.
 */

export type GuessedLang = 'zh' | 'ja' | 'ko' | 'en';

/** Share of Han characters among all letters above which text is taken as Chinese. */
export const HAN_SHARE_FOR_ZH = 0.3;
/** Share of kana among all letters above which text is taken as Japanese (real Japanese runs 30–60 %). */
export const KANA_SHARE_FOR_JA = 0.1;
/** Share of Hangul among all letters above which text is taken as Korean. */
export const HANGUL_SHARE_FOR_KO = 0.3;
/** Only the start of a long text is looked at: enough to decide, and cheap on big corpora. */
export const GUESS_SAMPLE_CHARS = 2000;

const LETTER = /\p{L}/gu;
const HAN = /\p{Script=Han}/gu;
const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/gu;
const HANGUL = /\p{Script=Hangul}/gu;
// Cheap pre-check: pure-ASCII text (most English corpora) needs no per-script counting.
const NON_ASCII = /[\u0080-\uffff]/;

function countMatches(text: string, pattern: RegExp): number {
  pattern.lastIndex = 0;
  let count = 0;
  while (pattern.exec(text) !== null) count += 1;
  return count;
}

/** The language the script mix of `text` suggests; see the module comment for the rules. */
export function guessLang(text: string): GuessedLang {
  const sample = text.slice(0, GUESS_SAMPLE_CHARS);
  if (!NON_ASCII.test(sample)) return 'en';
  const letters = countMatches(sample, LETTER);
  if (letters === 0) return 'en';
  if (countMatches(sample, HANGUL) / letters >= HANGUL_SHARE_FOR_KO) return 'ko';
  if (countMatches(sample, KANA) / letters >= KANA_SHARE_FOR_JA) return 'ja';
  return countMatches(sample, HAN) / letters >= HAN_SHARE_FOR_ZH ? 'zh' : 'en';
}
