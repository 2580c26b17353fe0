import { getContext, setContext } from 'svelte';
import type { Kiosk } from './kiosk.svelte.ts';

const KEY = Symbol('folio-kiosk');

/** Set by App in kiosk mode only. */
export function setKiosk(kiosk: Kiosk): void {
  setContext(KEY, kiosk);
}

/** The kiosk state in kiosk mode; undefined in the normal app. */
export function getKiosk(): Kiosk | undefined {
  return getContext<Kiosk | undefined>(KEY);
}
