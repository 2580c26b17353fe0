/** Pinyin -> hanzi candidates for the kiosk keyboard (docs/KIOSK.md "Chinese input"). Pure. */

/** The generated table (build-pinyin-table.mjs): characters and words per toneless pinyin key. */
export interface PinyinTable {
  /** `zhong` -> `中种重…`, most frequent first. */
  chars: Record<string, string>;
  /** `zhongguo` -> `中国 …`, space-separated, most frequent first. */
  words: Record<string, string>;
}

export interface Candidate {
  text: string;
  /** How many letters of the typed pinyin this candidate stands for. */
  consumed: number;
}

/** The longest pinyin syllable is six letters (zhuang, chuang, shuang). */
const MAX_SYLLABLE = 6;
export const DEFAULT_CANDIDATES = 24;

export function isPinyinTable(value: unknown): value is PinyinTable {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.chars === 'object' && v.chars !== null && typeof v.words === 'object' && v.words !== null;
}

/** Letters only, lowercase, ü typed as v. */
export function normalizePinyin(input: string): string {
  return input
    .toLowerCase()
    .replace(/ü/g, 'v')
    .replace(/[^a-z]/g, '');
}

function has(record: Record<string, string>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}

/** The longest complete syllable at the start of `pinyin`, or '' when it starts with none. */
export function leadingSyllable(table: PinyinTable, pinyin: string): string {
  for (let length = Math.min(MAX_SYLLABLE, pinyin.length); length > 0; length--) {
    const head = pinyin.slice(0, length);
    if (has(table.chars, head)) return head;
  }
  return '';
}

/**
 * Candidates for what was typed: whole words for all of it first, then characters for the first
 * syllable (so a long input is picked piece by piece), then characters of syllables that begin with
 * an unfinished one (`zh` offers 中 这 …).
 */
export function lookupCandidates(table: PinyinTable, typed: string, limit = DEFAULT_CANDIDATES): Candidate[] {
  const pinyin = normalizePinyin(typed);
  if (!pinyin) return [];
  const out: Candidate[] = [];
  const seen = new Set<string>();
  const add = (text: string, consumed: number): boolean => {
    if (!seen.has(text)) {
      seen.add(text);
      out.push({ text, consumed });
    }
    return out.length >= limit;
  };
  if (has(table.words, pinyin)) {
    for (const word of (table.words[pinyin] ?? '').split(' ')) if (word && add(word, pinyin.length)) return out;
  }
  const syllable = leadingSyllable(table, pinyin);
  if (syllable) {
    for (const char of table.chars[syllable] ?? '') if (add(char, syllable.length)) return out;
    return out;
  }
  // Not a syllable yet: the most frequent characters of each syllable it could become, in turn.
  const keys = Object.keys(table.chars).filter((key) => key.startsWith(pinyin));
  for (let rank = 0; out.length < limit && keys.some((key) => [...(table.chars[key] ?? '')].length > rank); rank++) {
    for (const key of keys) {
      const char = [...(table.chars[key] ?? '')][rank];
      if (char && add(char, pinyin.length)) return out;
    }
  }
  return out;
}

/** The typed pinyin and its candidates; picking one returns the text to insert and keeps the rest typed. */
export class PinyinComposer {
  #table: PinyinTable;
  #buffer = '';
  #candidates: Candidate[] = [];

  constructor(table: PinyinTable) {
    this.#table = table;
  }

  get buffer(): string {
    return this.#buffer;
  }

  get candidates(): readonly Candidate[] {
    return this.#candidates;
  }

  type(letter: string): void {
    const next = normalizePinyin(letter);
    if (!next) return;
    this.#set(this.#buffer + next);
  }

  /** Removes the last typed letter; false when nothing was typed (the key then edits the field). */
  backspace(): boolean {
    if (!this.#buffer) return false;
    this.#set(this.#buffer.slice(0, -1));
    return true;
  }

  /** The candidate's text; what it did not stand for stays typed, with new candidates. */
  pick(index: number): string {
    const candidate = this.#candidates[index];
    if (!candidate) return '';
    this.#set(this.#buffer.slice(candidate.consumed));
    return candidate.text;
  }

  /** Space: the first candidate, or the letters as typed when there is none. */
  commitFirst(): string {
    if (this.#candidates.length > 0) return this.pick(0);
    return this.takeRaw();
  }

  /** The letters as typed (e.g. Enter, or switching to English mid-word). */
  takeRaw(): string {
    const raw = this.#buffer;
    this.#set('');
    return raw;
  }

  clear(): void {
    this.#set('');
  }

  #set(buffer: string): void {
    this.#buffer = buffer;
    this.#candidates = lookupCandidates(this.#table, buffer);
  }
}
