/** Kiosk mode's switches (docs/KIOSK.md): `?mode=kiosk[&idle=<seconds>]` before the hash, or a build setting. Pure. */

export const DEFAULT_IDLE_SECONDS = 90;
/** Shorter than this, a visitor reading a paragraph would be thrown out mid-sentence. */
export const MIN_IDLE_SECONDS = 15;
/** Longer than this is no reset at all for an unattended screen. */
export const MAX_IDLE_SECONDS = 60 * 60;

export interface KioskConfig {
  enabled: boolean;
  idleMs: number;
}

/** The build-time setting: `FOLIO_KIOSK=1 [FOLIO_KIOSK_IDLE=<seconds>] npm run build`. */
export interface KioskBuildSettings {
  kiosk?: string | undefined;
  idle?: string | undefined;
}

const TRUE_VALUES = new Set(['1', 'true', 'yes', 'on', 'kiosk']);

/** Whole seconds within the bounds, or undefined for anything else (a typo falls back, never breaks). */
export function parseIdleSeconds(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || !/^\s*\d+\s*$/.test(value)) return undefined;
  const seconds = Number(value);
  return Math.min(MAX_IDLE_SECONDS, Math.max(MIN_IDLE_SECONDS, seconds));
}

/** The URL wins over the build for the idle time; either one turns kiosk mode on. */
export function parseKioskConfig(search: string, build: KioskBuildSettings = {}): KioskConfig {
  const params = new URLSearchParams(search);
  const fromUrl = params.get('mode') === 'kiosk';
  const fromBuild = TRUE_VALUES.has((build.kiosk ?? '').trim().toLowerCase());
  const seconds = parseIdleSeconds(params.get('idle')) ?? parseIdleSeconds(build.idle) ?? DEFAULT_IDLE_SECONDS;
  return { enabled: fromUrl || fromBuild, idleMs: seconds * 1000 };
}

/** The address of the start screen: this page with its query (mode, idle) kept and the hash at `#/`. */
export function startUrl(href: string): string {
  const url = new URL(href);
  url.hash = '#/';
  return url.href;
}
