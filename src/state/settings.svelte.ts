import { isLocale, localeFromLanguages, translate, type Locale, type MessageKey } from '../i18n/index.ts';

const STORAGE_KEY = 'folio:settings';

interface StoredSettings {
  locale?: Locale;
}

/** localStorage is read through a guard: a corrupt or foreign value falls back to defaults. */
function readStored(storage: Storage | undefined): StoredSettings {
  try {
    const raw = storage?.getItem(STORAGE_KEY);
    if (!raw) return {};
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null) return {};
    const locale = (value as Record<string, unknown>).locale;
    return isLocale(locale) ? { locale } : {};
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

export class Settings {
  locale = $state<Locale>('en');
  #storage = safeStorage();

  constructor(languages: readonly string[] = globalThis.navigator?.languages ?? []) {
    this.locale = readStored(this.#storage).locale ?? localeFromLanguages(languages);
  }

  setLocale(locale: Locale): void {
    this.locale = locale;
    try {
      this.#storage?.setItem(STORAGE_KEY, JSON.stringify({ locale } satisfies StoredSettings));
    } catch {
      // A full or blocked storage keeps the choice for this session only.
    }
  }

  t = (key: MessageKey, params?: Record<string, string | number>): string => translate(this.locale, key, params);
}
