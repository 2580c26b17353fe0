/** The <folio-reader> attributes, parsed once at the boundary: a bad value falls back, never throws. */
import { localeFromLanguages, type Locale } from '../i18n/index.ts';

export type WidgetTheme = 'light' | 'dark' | 'auto';

/** What an attribute holds: a string, null once removed, undefined when never set. */
export type AttributeValue = string | null | undefined;

/** The query parameter `sync-url` writes when it is given without a name of its own. */
export const DEFAULT_SYNC_PARAM = 'folio-article';
const PARAM_NAME = /^[A-Za-z0-9_.-]{1,40}$/;
/** A fixed height: a positive number with a CSS length unit (a bare number means pixels). */
const HEIGHT = /^(\d{1,5}(?:\.\d{1,3})?)(px|rem|em|vh|svh|dvh|lvh)?$/;
const OFF = ['off', 'false', 'no', '0', 'none'];

export interface WidgetOptions {
  /** Absolute manifest URL, or null when the attribute is missing or not an http(s) URL. */
  corpus: string | null;
  locale: Locale;
  theme: WidgetTheme;
  category: string | null;
  article: string | null;
  search: boolean;
  /** A CSS length, or null for auto height (the widget grows with its content). */
  height: string | null;
  /** The host URL's query parameter that mirrors the open article, or null (the URL is never touched). */
  syncParam: string | null;
}

export interface RawAttributes {
  corpus?: AttributeValue;
  lang?: AttributeValue;
  theme?: AttributeValue;
  category?: AttributeValue;
  article?: AttributeValue;
  search?: AttributeValue;
  height?: AttributeValue;
  syncUrl?: AttributeValue;
}

function text(value: AttributeValue): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/** en or zh-CN; any zh-* (and plain zh) is Chinese; otherwise the browser's languages decide. */
export function parseLang(value: AttributeValue, languages: readonly string[]): Locale {
  const lang = text(value)?.toLowerCase();
  if (lang?.startsWith('zh')) return 'zh-CN';
  if (lang?.startsWith('en')) return 'en';
  return localeFromLanguages(languages);
}

export function parseTheme(value: AttributeValue): WidgetTheme {
  const theme = text(value)?.toLowerCase();
  return theme === 'light' || theme === 'dark' ? theme : 'auto';
}

/** Search is on unless the attribute says off (off, false, no, 0, none). */
export function parseSearch(value: AttributeValue): boolean {
  const v = text(value)?.toLowerCase();
  return v === null || v === undefined || !OFF.includes(v);
}

export function parseHeight(value: AttributeValue): string | null {
  const v = text(value)?.toLowerCase();
  if (!v || v === 'auto') return null;
  const match = HEIGHT.exec(v);
  if (!match || Number(match[1]) <= 0) return null;
  return `${match[1]}${match[2] ?? 'px'}`;
}

/** Absent: no URL sync. Present and empty (or "true"): `folio-article`. A valid name: that name. */
export function parseSyncParam(value: AttributeValue): string | null {
  if (value === null || value === undefined) return null;
  const v = value.trim();
  if (v === '' || v.toLowerCase() === 'true') return DEFAULT_SYNC_PARAM;
  if (OFF.includes(v.toLowerCase())) return null;
  return PARAM_NAME.test(v) ? v : DEFAULT_SYNC_PARAM;
}

/** The manifest URL made absolute against the host page; only http(s) corpora load. */
export function resolveCorpus(value: AttributeValue, base: string): string | null {
  const v = text(value);
  if (!v) return null;
  try {
    const url = new URL(v, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

export function parseAttributes(raw: RawAttributes, base: string, languages: readonly string[]): WidgetOptions {
  return {
    corpus: resolveCorpus(raw.corpus, base),
    locale: parseLang(raw.lang, languages),
    theme: parseTheme(raw.theme),
    category: text(raw.category),
    article: text(raw.article),
    search: parseSearch(raw.search),
    height: parseHeight(raw.height),
    syncParam: parseSyncParam(raw.syncUrl),
  };
}
