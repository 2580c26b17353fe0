import { parseKioskConfig, type KioskConfig } from './config.ts';

/** This page's kiosk settings: its URL (`?mode=kiosk&idle=`), else the build (`FOLIO_KIOSK`, `FOLIO_KIOSK_IDLE`). */
export function detectKiosk(): KioskConfig {
  return parseKioskConfig(window.location.search, {
    kiosk: import.meta.env.FOLIO_KIOSK,
    idle: import.meta.env.FOLIO_KIOSK_IDLE,
  });
}

/** On <html> in kiosk mode: the kiosk stylesheet (src/ui/kiosk/KioskShell.svelte) keys on it. */
export const KIOSK_CLASS = 'folio-kiosk';
