import type { Locale } from '../i18n/index.ts';
import { currentEntryKey, type Navigation } from '../state/navigation.svelte.ts';
import type { Settings } from '../state/settings.svelte.ts';
import type { KioskConfig } from './config.ts';
import { IdleTimer } from './idle-timer.ts';
import { lockDown } from './lockdown.ts';
import { outsideUrl } from './outside-link.ts';
import type { KioskUserData } from './user-data.svelte.ts';

/** Touches, keys and wheels count as someone using the screen. */
const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart', 'input'] as const;
/** Browsers keep about 50 history entries per tab; remembering more stale ones is pointless. */
const MAX_STALE_KEYS = 200;

export interface KioskDeps {
  nav: Navigation;
  settings: Settings;
  user: KioskUserData;
}

/**
 * Kiosk mode's state (docs/KIOSK.md): the idle timer and the reset it triggers, the attract view,
 * the on-screen keyboard's visibility, the QR code for an outside link, and the lockdown.
 */
export class Kiosk {
  /** The attract loop is over the start screen. */
  attract = $state(false);
  keyboardOpen = $state(false);
  /** An outside link the visitor touched, shown as a QR code. */
  qrUrl = $state<string | null>(null);
  /** Bumped by every idle reset, so views can drop what they hold. */
  resets = $state(0);
  readonly config: KioskConfig;
  #deps: KioskDeps;
  #timer: IdleTimer;
  #defaults: { locale: Locale };
  // History keys of the entries the current visitor reached; after a reset they are stale.
  // Not reactive: nothing renders from them.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #visitorKeys = new Set<string>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #staleKeys = new Set<string>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #idleListeners = new Set<() => void>();
  #win: Window = window;

  constructor(config: KioskConfig, deps: KioskDeps) {
    this.config = config;
    this.#deps = deps;
    this.#defaults = { locale: deps.settings.locale };
    this.#timer = new IdleTimer(config.idleMs, () => this.#goIdle());
  }

  /** Nobody has touched the screen for the idle time (updates may apply now). */
  get idle(): boolean {
    return this.#timer.idle;
  }

  /** For the silent update policy (src/offline/updates.svelte.ts). */
  isIdle(): boolean {
    return this.#timer.idle;
  }

  /** Called each time the screen goes idle; returns the function that unsubscribes. */
  onIdle(listener: () => void): () => void {
    this.#idleListeners.add(listener);
    return () => this.#idleListeners.delete(listener);
  }

  /** Starts watching for activity and locks the page down; returns the function that stops. */
  start(win: Window = window): () => void {
    this.#win = win;
    const stops: (() => void)[] = [lockDown(win)];
    const listen = (target: EventTarget, type: string, handler: (event: Event) => void, capture = true): void => {
      const options = { capture, passive: type !== 'click' && type !== 'popstate' };
      target.addEventListener(type, handler, options);
      stops.push(() => target.removeEventListener(type, handler, options));
    };
    for (const type of ACTIVITY_EVENTS) listen(win, type, this.activity);
    listen(win, 'click', this.#onClick);
    // Before Navigation's hashchange: a stale entry is turned into the start screen before it renders.
    listen(win, 'popstate', this.#onPopState);
    // After Navigation's (bubble phase, added later): the entry has its key by then.
    listen(win, 'hashchange', () => this.#remember(), false);
    this.#remember();
    const open = win.open;
    win.open = (url?: string | URL): WindowProxy | null => {
      if (url !== undefined) this.qrUrl = outsideUrl(String(url), win.location.href);
      return null;
    };
    stops.push(() => {
      win.open = open;
    });
    this.#timer.poke();
    return () => {
      this.#timer.stop();
      for (const stop of stops.splice(0)) stop();
    };
  }

  activity = (): void => {
    this.#timer.poke();
  };

  /** "Touch to start": the attract view goes and the start screen is there. */
  dismissAttract = (): void => {
    this.attract = false;
    this.#timer.poke();
  };

  /**
   * The dialog for `url` closed. Its `close` event comes in a task after the close itself, so a link
   * opened meanwhile may already have replaced it: that one stays.
   */
  closeQr = (url: string): void => {
    if (this.qrUrl === url) this.qrUrl = null;
  };

  /** Back to the start screen with no trace of the last visitor (docs/KIOSK.md "Idle reset"). */
  reset(): void {
    const win = this.#win;
    for (const key of this.#visitorKeys) this.#staleKeys.add(key);
    this.#visitorKeys.clear();
    while (this.#staleKeys.size > MAX_STALE_KEYS) {
      const oldest = this.#staleKeys.values().next().value;
      if (oldest === undefined) break;
      this.#staleKeys.delete(oldest);
    }
    this.keyboardOpen = false;
    this.qrUrl = null;
    for (const dialog of win.document.querySelectorAll('dialog[open]')) (dialog as HTMLDialogElement).close();
    const active = win.document.activeElement;
    if (active instanceof HTMLElement) active.blur();
    win.getSelection()?.removeAllRanges();
    const { nav, settings, user } = this.#deps;
    user.forget();
    if (settings.locale !== this.#defaults.locale) settings.setLocale(this.#defaults.locale);
    nav.reset('#/');
    this.#remember();
    this.resets += 1;
  }

  #goIdle(): void {
    this.reset();
    this.attract = true;
    for (const listener of this.#idleListeners) listener();
  }

  #remember(): void {
    const key = currentEntryKey(this.#win);
    if (key) this.#visitorKeys.add(key);
  }

  #onPopState = (): void => {
    const key = currentEntryKey(this.#win);
    // Back (or forward) into the last visitor's pages: that entry becomes the start screen instead.
    if (key && this.#staleKeys.has(key)) this.#win.history.replaceState(null, '', '#/');
  };

  /** Links to the outside open nothing: the visitor gets a QR code to continue on their phone. */
  #onClick = (event: Event): void => {
    const target = event.target;
    if (!(target instanceof Element)) return;
    const link = target.closest('a[href]');
    if (!(link instanceof HTMLAnchorElement)) return;
    const url = outsideUrl(link.getAttribute('href') ?? '', this.#win.location.href);
    if (url === null && link.target !== '_blank') return;
    event.preventDefault();
    event.stopPropagation();
    this.qrUrl = url ?? link.href;
  };
}
