import { isPinyinTable, PinyinComposer, type Candidate } from './pinyin.ts';

export type KeyboardLanguage = 'en' | 'zh';

/** simple-keyboard layouts: digits, QWERTY, and a row of function keys. */
export const KEYBOARD_LAYOUT = {
  default: [
    '1 2 3 4 5 6 7 8 9 0 {bksp}',
    'q w e r t y u i o p',
    'a s d f g h j k l',
    '{shift} z x c v b n m -',
    '{lang} {space} {hide}',
  ],
  shift: [
    '1 2 3 4 5 6 7 8 9 0 {bksp}',
    'Q W E R T Y U I O P',
    'A S D F G H J K L',
    '{shift} Z X C V B N M -',
    '{lang} {space} {hide}',
  ],
};

const LETTER = /^[a-zA-Z]$/;

/** What a key press did to the search field. */
export interface KeyResult {
  value: string;
  /** The keyboard is to close. */
  hide?: boolean;
}

/** The kiosk keyboard's input logic: English letters, or pinyin composed into Chinese through candidates. */
export class KeyboardInput {
  language = $state<KeyboardLanguage>('en');
  shift = $state(false);
  /** The pinyin typed so far (Chinese mode). */
  buffer = $state('');
  candidates = $state.raw<readonly Candidate[]>([]);
  /** The candidate table is loading (it is fetched the first time Chinese is chosen). */
  loading = $state(false);
  #composer: PinyinComposer | null = null;
  /** Letters tapped while the table loads: typed into the composer once it is there, none lost. */
  #early: string[] = [];

  constructor(language: KeyboardLanguage = 'en') {
    this.language = language;
  }

  /** The pinyin table: a separate chunk, only downloaded by a kiosk that types Chinese. */
  async ensureTable(): Promise<void> {
    if (this.#composer || this.loading) return;
    this.loading = true;
    try {
      const table: unknown = (await import('./pinyin-table.json')).default;
      if (isPinyinTable(table)) this.#composer = new PinyinComposer(table);
    } finally {
      this.loading = false;
      const early = this.#early.splice(0);
      if (this.#composer && this.language === 'zh') for (const letter of early) this.#composer.type(letter);
      this.#sync();
    }
  }

  /** Applies one key of the on-screen keyboard to the field's `value`. */
  press(button: string, value: string): KeyResult {
    // Letters wait for the pinyin table rather than land in the field as English.
    if (this.loading && LETTER.test(button)) {
      this.#early.push(button);
      this.buffer = this.#early.join('');
      return { value };
    }
    if (this.loading && button === '{bksp}' && this.#early.length > 0) {
      this.#early.pop();
      this.buffer = this.#early.join('');
      return { value };
    }
    const composer = this.language === 'zh' ? this.#composer : null;
    let next = value;
    switch (button) {
      case '{bksp}':
        if (!composer?.backspace()) next = Array.from(value).slice(0, -1).join('');
        break;
      case '{space}':
        next = composer?.buffer ? value + composer.commitFirst() : value + ' ';
        break;
      case '{shift}':
        this.shift = !this.shift;
        break;
      case '{lang}':
        if (composer) next = value + composer.takeRaw();
        this.language = this.language === 'en' ? 'zh' : 'en';
        this.shift = false;
        if (this.language === 'zh') void this.ensureTable();
        break;
      case '{hide}':
        if (composer) next = value + composer.takeRaw();
        this.#sync();
        return { value: next, hide: true };
      default:
        if (composer && LETTER.test(button)) composer.type(button);
        else if (!button.startsWith('{')) {
          next = value + button;
          this.shift = false;
        }
    }
    this.#sync();
    return { value: next };
  }

  /** A tapped candidate goes into the field; the rest of the pinyin stays typed. */
  pick(index: number, value: string): string {
    const text = this.#composer?.pick(index) ?? '';
    this.#sync();
    return value + text;
  }

  /** The idle reset and a fresh page: nothing half-typed remains. */
  clear(): void {
    this.#composer?.clear();
    this.#early = [];
    this.shift = false;
    this.#sync();
  }

  #sync(): void {
    this.buffer = this.#composer?.buffer ?? '';
    this.candidates = this.#composer?.candidates ?? [];
  }
}
