/**
 * Kiosk lockdown (docs/KIOSK.md): no context menu, no pinch or keyboard zoom, no dragging links out.
 * The CSS half (touch-action, overscroll-behavior, user-select) is in src/ui/kiosk/KioskShell.svelte.
 * Returns the function that undoes it.
 */
const LOCKED_VIEWPORT = 'width=device-width, initial-scale=1, maximum-scale=1, user-scalable=no';
/** Ctrl/Cmd with these keys zooms the page. */
const ZOOM_KEYS = new Set(['+', '-', '=', '_', '0']);

export function lockDown(win: Window = window): () => void {
  const doc = win.document;
  const stops: (() => void)[] = [];
  const on = <K extends keyof WindowEventMap>(
    type: K,
    handler: (event: WindowEventMap[K]) => void,
    options: AddEventListenerOptions = { capture: true, passive: false },
  ): void => {
    win.addEventListener(type, handler, options);
    stops.push(() => win.removeEventListener(type, handler, options));
  };
  const prevent = (event: Event): void => event.preventDefault();

  on('contextmenu', prevent);
  on('dragstart', prevent);
  on('auxclick', prevent);
  // Two fingers: pinch zoom (Chromium honours touch-action too; this covers the rest).
  on('touchmove', (event) => {
    if (event.touches.length > 1) event.preventDefault();
  });
  // Trackpad pinch arrives as wheel events with ctrlKey.
  on('wheel', (event) => {
    if (event.ctrlKey) event.preventDefault();
  });
  on('keydown', (event) => {
    if ((event.ctrlKey || event.metaKey) && ZOOM_KEYS.has(event.key)) event.preventDefault();
  });
  // Safari's own gesture events (not in the DOM typings).
  for (const type of ['gesturestart', 'gesturechange', 'gestureend']) {
    win.addEventListener(type, prevent, { capture: true, passive: false });
    stops.push(() => win.removeEventListener(type, prevent, { capture: true }));
  }

  const viewport = doc.querySelector<HTMLMetaElement>('meta[name="viewport"]');
  const before = viewport?.content;
  if (viewport) viewport.content = LOCKED_VIEWPORT;
  stops.push(() => {
    if (viewport && before !== undefined) viewport.content = before;
  });

  return () => {
    for (const stop of stops.splice(0)) stop();
  };
}
