import { parseHash, type Route } from '../app/router.ts';

/** The reader's place in a page: an element by its key, and where its top was in the window. */
export interface Anchor {
  key: string;
  top: number;
}

/** What a history entry needs to look as it was when the reader comes back to it. */
export interface EntrySnapshot {
  y: number;
  /** How many list items were shown, so a list can load that many before scrolling. */
  shown: number;
  /** Where the page said the reader was (`anchorWith`): more exact than `y` where heights vary. */
  anchor?: Anchor;
  /** The page's disclosure was open (the home page's full list of categories). */
  expanded?: boolean;
}

const SESSION_KEY = 'folio:scroll';
/** The search page's query field, focused by the `/` shortcut. */
export const SEARCH_INPUT_ID = 'folio-search-input';
const MAX_REMEMBERED = 100;

interface EntryState {
  folioKey: string;
}

function isEntryState(value: unknown): value is EntryState {
  return typeof value === 'object' && value !== null && typeof (value as EntryState).folioKey === 'string';
}

function isAnchor(value: unknown): value is Anchor {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.key === 'string' && typeof v.top === 'number' && Number.isFinite(v.top);
}

function isSnapshot(value: unknown): value is EntrySnapshot {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.y === 'number' &&
    typeof v.shown === 'number' &&
    (v.anchor === undefined || isAnchor(v.anchor)) &&
    (v.expanded === undefined || typeof v.expanded === 'boolean')
  );
}

function newKey(): string {
  return Math.random().toString(36).slice(2) + Date.now().toString(36);
}

/**
 * The browser's own key for the current history entry (the Navigation API: Chromium, and the other
 * engines from 2026), which lasts through back, forward and reloads like our `folioKey`, or null.
 * With it an entry needs no replaceState to be told apart, which cost a few milliseconds of every
 * navigation at 4x throttling (issue #7).
 */
function browserEntryKey(win: Window): string | null {
  const key = 'navigation' in win ? win.navigation.currentEntry?.key : undefined;
  return key ? `entry:${key}` : null;
}

/** The current history entry's key (ours in its state, else the browser's), or null for an entry not known yet. */
export function currentEntryKey(win: Window): string | null {
  const state: unknown = win.history.state;
  return isEntryState(state) ? state.folioKey : browserEntryKey(win);
}

/**
 * What views need of navigation. The app implements it over the URL hash (Navigation below);
 * the embeddable widget keeps its routes in memory (src/widget/memory-navigation.svelte.ts).
 */
export interface FolioNavigation {
  readonly route: Route;
  /** Bumped on every navigation, so views can tell a new visit of the same route. */
  readonly visit: number;
  readonly restoring: EntrySnapshot | null;
  setShown(shown: number): void;
  /** A page's disclosure opened or closed, kept with the entry: coming back, the page is laid out as it was. */
  setExpanded(expanded: boolean): void;
  /**
   * The page's way to name the reader's place when they leave (kept with the scroll position);
   * returns its removal.
   */
  anchorWith(find: () => Anchor | null): () => void;
  /** `locate`: the element of a kept anchor, so the page comes back with it where it was. */
  settle(freshY?: number, locate?: (key: string) => Element | null): void;
  resumeAt(id: string, y: number): void;
  takeResume(id: string): number | undefined;
  go(hash: string): void;
  replace(hash: string): void;
  openSearch(): void;
}

/**
 * The current route, from the hash, and a scroll snapshot per history entry: the
 * browser's own restoration runs before our async content renders, so we keep it.
 */
export class Navigation implements FolioNavigation {
  route = $state<Route>({ name: 'home' });
  /** Bumped on every navigation, so views can tell a new visit of the same route. */
  visit = $state(0);
  #key = '';
  #restoring: EntrySnapshot | null = null;
  #resume: { id: string; y: number } | null = null;
  #anchor: (() => Anchor | null) | null = null;
  // Not reactive on purpose: nothing renders from it.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #snapshots = new Map<string, EntrySnapshot>();
  #window: Window;

  constructor(win: Window = window) {
    this.#window = win;
    this.#load();
    win.history.scrollRestoration = 'manual';
    this.#arrive();
    win.addEventListener('hashchange', () => {
      this.#save();
      this.#arrive();
    });
    // A reload or a closed tab keeps the positions, the one being read included. Written only then
    // (and when the page is hidden: a phone may end a hidden tab without pagehide), not at every
    // navigation, where it cost a few milliseconds at 4x throttling (issue #7).
    win.addEventListener('pagehide', () => {
      this.#save();
      this.#persist();
    });
    win.document.addEventListener('visibilitychange', () => {
      if (win.document.visibilityState !== 'hidden') return;
      this.#save();
      this.#persist();
    });
  }

  /** The snapshot to restore for this visit, or null for a fresh visit (top of page). */
  get restoring(): EntrySnapshot | null {
    return this.#restoring;
  }

  /** Lists report how many items they show, so coming back shows as many. */
  setShown(shown: number): void {
    this.#update({ shown });
  }

  setExpanded(expanded: boolean): void {
    this.#update({ expanded });
  }

  /** Changes the current entry's snapshot, keeping what the change does not name. */
  #update(change: Partial<EntrySnapshot>): void {
    this.#snapshots.set(this.#key, { y: 0, shown: 0, ...this.#snapshots.get(this.#key), ...change });
  }

  /**
   * Called by a view once its content is on screen: back/forward returns to where the
   * reader was; a fresh visit starts at `freshY` (the top, or a resumed position).
   */
  settle(freshY = 0, locate?: (key: string) => Element | null): void {
    const snap = this.#restoring;
    let y = snap?.y ?? freshY;
    // The anchored element back where it was in the window: rows whose height is only estimated
    // until laid out (content-visibility) make the same `y` show another place.
    const anchor = snap?.anchor;
    const element = anchor ? locate?.(anchor.key) : null;
    if (anchor && element) y = element.getBoundingClientRect().top + this.#window.scrollY - anchor.top;
    this.#window.scrollTo(0, y);
    this.#restoring = null;
  }

  anchorWith(find: () => Anchor | null): () => void {
    this.#anchor = find;
    return () => {
      if (this.#anchor === find) this.#anchor = null;
    };
  }

  /** "Continue reading": the next visit of article `id` opens at `y`. */
  resumeAt(id: string, y: number): void {
    this.#resume = { id, y };
  }

  /** The resume position asked for article `id`, once. */
  takeResume(id: string): number | undefined {
    const resume = this.#resume;
    this.#resume = null;
    return resume?.id === id ? resume.y : undefined;
  }

  go(hash: string): void {
    this.#window.location.hash = hash;
  }

  /**
   * Rewrites the current entry's URL (search as you type) without a new history entry
   * and without remounting the view: the view already shows what the URL says.
   */
  replace(hash: string): void {
    if (this.#window.location.hash === hash) return;
    this.#window.history.replaceState({ folioKey: this.#key } satisfies EntryState, '', hash);
    this.route = parseHash(hash);
  }

  /**
   * Kiosk idle reset (src/kiosk): forgets every scroll snapshot and resume position, and makes the
   * current entry a fresh visit of `hash` with a new key, so nothing of the last visitor comes back.
   */
  reset(hash = '#/'): void {
    this.#snapshots.clear();
    this.#restoring = null;
    this.#resume = null;
    try {
      this.#window.sessionStorage.removeItem(SESSION_KEY);
    } catch {
      // Nothing was stored without sessionStorage.
    }
    this.#key = newKey();
    this.#window.history.replaceState({ folioKey: this.#key } satisfies EntryState, '', hash);
    this.route = parseHash(hash);
    this.visit += 1;
    this.#window.scrollTo(0, 0);
  }

  /** The `/` shortcut: the search page, or its field when already there. */
  openSearch(): void {
    if (this.route.name === 'search') this.#window.document.getElementById(SEARCH_INPUT_ID)?.focus();
    else this.go('#/search?q=');
  }

  #arrive(): void {
    const key = currentEntryKey(this.#window);
    if (key) {
      this.#key = key;
      this.#restoring = this.#snapshots.get(key) ?? null;
    } else {
      this.#key = newKey();
      this.#restoring = null;
      this.#window.history.replaceState({ folioKey: this.#key } satisfies EntryState, '');
    }
    this.route = parseHash(this.#window.location.hash);
    this.visit += 1;
  }

  #save(): void {
    const y = this.#window.scrollY;
    // At the top there is nothing to anchor (and no layout to read on every search's URL change).
    const anchor = y > 0 ? this.#anchor?.() : null;
    this.#update({ y, anchor: anchor ?? undefined });
    // Oldest entries go first: a Map iterates in insertion order.
    while (this.#snapshots.size > MAX_REMEMBERED) {
      const oldest = this.#snapshots.keys().next().value;
      if (oldest === undefined) break;
      this.#snapshots.delete(oldest);
    }
  }

  #persist(): void {
    try {
      this.#window.sessionStorage.setItem(SESSION_KEY, JSON.stringify([...this.#snapshots]));
    } catch {
      // Without sessionStorage, positions last until the tab reloads.
    }
  }

  #load(): void {
    try {
      const raw = this.#window.sessionStorage.getItem(SESSION_KEY);
      const value: unknown = raw ? JSON.parse(raw) : [];
      if (!Array.isArray(value)) return;
      for (const entry of value) {
        if (Array.isArray(entry) && typeof entry[0] === 'string' && isSnapshot(entry[1])) {
          this.#snapshots.set(entry[0], entry[1]);
        }
      }
    } catch {
      // A corrupt value is ignored: worst case, the page opens at the top.
    }
  }
}
