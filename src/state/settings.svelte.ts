import { isLocale, localeFromLanguages, translate, type Locale, type MessageKey } from '../i18n/index.ts';

const STORAGE_KEY = 'folio:settings';

export type Theme = 'system' | 'light' | 'dark';
export const THEMES: readonly Theme[] = ['system', 'light', 'dark'];
/** Text sizes offered, as multiples of the browser's base size. */
export const TEXT_SCALES = [0.875, 1, 1.125, 1.25, 1.5, 1.75] as const;
export type TextScale = (typeof TEXT_SCALES)[number];
export type LineSpacing = 'compact' | 'normal' | 'relaxed';
export const LINE_SPACINGS: readonly LineSpacing[] = ['compact', 'normal', 'relaxed'];
export const LINE_HEIGHTS: Record<LineSpacing, number> = { compact: 1.45, normal: 1.65, relaxed: 1.95 };

interface StoredSettings {
  locale?: Locale;
  theme?: Theme;
  textScale?: TextScale;
  lineSpacing?: LineSpacing;
}

function oneOf<T>(allowed: readonly T[], value: unknown): T | undefined {
  return allowed.includes(value as T) ? (value as T) : undefined;
}

/** localStorage is read through guards: a corrupt or foreign value falls back to defaults. */
export function parseStoredSettings(raw: string | null | undefined): StoredSettings {
  if (!raw) return {};
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null) return {};
    const v = value as Record<string, unknown>;
    const out: StoredSettings = {};
    if (isLocale(v.locale)) out.locale = v.locale;
    const theme = oneOf(THEMES, v.theme);
    if (theme) out.theme = theme;
    const scale = oneOf(TEXT_SCALES, v.textScale);
    if (scale) out.textScale = scale;
    const spacing = oneOf(LINE_SPACINGS, v.lineSpacing);
    if (spacing) out.lineSpacing = spacing;
    return out;
  } catch {
    return {};
  }
}

function safeStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    // Storage can throw when cookies are blocked; settings then last for the session only.
    return undefined;
  }
}

/** Reader preferences, persisted in localStorage (synchronous: applied before first paint). */
export class Settings {
  locale = $state<Locale>('en');
  theme = $state<Theme>('system');
  textScale = $state<TextScale>(1);
  lineSpacing = $state<LineSpacing>('normal');
  #storage = safeStorage();

  constructor(languages: readonly string[] = globalThis.navigator?.languages ?? []) {
    let raw: string | null | undefined;
    try {
      raw = this.#storage?.getItem(STORAGE_KEY);
    } catch {
      raw = undefined;
    }
    const stored = parseStoredSettings(raw);
    this.locale = stored.locale ?? localeFromLanguages(languages);
    this.theme = stored.theme ?? 'system';
    this.textScale = stored.textScale ?? 1;
    this.lineSpacing = stored.lineSpacing ?? 'normal';
  }

  setLocale(locale: Locale): void {
    this.locale = locale;
    this.#save();
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.#save();
  }

  setTextScale(scale: TextScale): void {
    this.textScale = scale;
    this.#save();
  }

  setLineSpacing(spacing: LineSpacing): void {
    this.lineSpacing = spacing;
    this.#save();
  }

  t = (key: MessageKey, params?: Record<string, string | number>): string => translate(this.locale, key, params);

  #save(): void {
    const value: StoredSettings = {
      locale: this.locale,
      theme: this.theme,
      textScale: this.textScale,
      lineSpacing: this.lineSpacing,
    };
    try {
      this.#storage?.setItem(STORAGE_KEY, JSON.stringify(value));
    } catch {
      // A full or blocked storage keeps the choice for this session only.
    }
  }
}
