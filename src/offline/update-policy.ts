/** When to look for a new version, and what a change of service worker means for this tab. Pure. */

/** A new version is looked for this often while the app is open and online. */
export const UPDATE_CHECK_INTERVAL_MS = 60 * 60 * 1000;
/** Focus and reconnection also look, but not more often than this. */
export const MIN_UPDATE_CHECK_GAP_MS = 60 * 1000;

export interface CheckContext {
  now: number;
  /** When the last check started (0: never). */
  lastCheck: number;
  online: boolean;
  visible: boolean;
}

export function shouldCheckForUpdate(ctx: CheckContext): boolean {
  return ctx.online && ctx.visible && (ctx.lastCheck === 0 || ctx.now - ctx.lastCheck >= MIN_UPDATE_CHECK_GAP_MS);
}

/** What the reader is offered: nothing, a waiting version, or a version another tab already applied. */
export type UpdatePrompt = 'none' | 'waiting' | 'applied-elsewhere';

export interface ControllerChangeContext {
  /** The reader pressed Reload in this tab. */
  acceptedHere: boolean;
  /** This tab already started reloading. */
  reloading: boolean;
  /** A worker controlled this tab before the change (otherwise this is the first install claiming it). */
  hadController: boolean;
}

export type ControllerChangeAction = 'reload' | 'offer-reload' | 'ignore';

/**
 * Only the tab whose reader accepted reloads, and only once: a reload on every controllerchange
 * is the classic update loop, and reloading a tab where someone is reading or typing loses their place.
 */
export function onControllerChange(ctx: ControllerChangeContext): ControllerChangeAction {
  if (ctx.reloading) return 'ignore';
  if (ctx.acceptedHere) return 'reload';
  return ctx.hadController ? 'offer-reload' : 'ignore';
}

/** A waiting worker is only an update when one already controls the page (a first install activates at once). */
export function promptForWaiting(hasController: boolean, current: UpdatePrompt): UpdatePrompt {
  return hasController && current === 'none' ? 'waiting' : current;
}
