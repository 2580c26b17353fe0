/** A horizontal swipe must travel this far (CSS px)… */
export const SWIPE_MIN_DISTANCE = 60;
/** …mostly sideways (|dx| at least this many times |dy|)… */
export const SWIPE_MIN_RATIO = 2;
/** …and within this time, so a slow drag to select text is not a swipe. */
export const SWIPE_MAX_MS = 800;

export type SwipeDirection = 'left' | 'right';

export interface TouchPoint {
  x: number;
  y: number;
  t: number;
}

/** Pure: which way a touch from `start` to `end` swiped, if it was a swipe at all. */
export function detectSwipe(start: TouchPoint, end: TouchPoint): SwipeDirection | null {
  const dx = end.x - start.x;
  const dy = end.y - start.y;
  if (end.t - start.t > SWIPE_MAX_MS) return null;
  if (Math.abs(dx) < SWIPE_MIN_DISTANCE || Math.abs(dx) < SWIPE_MIN_RATIO * Math.abs(dy)) return null;
  return dx < 0 ? 'left' : 'right';
}

/** Svelte attachment: calls `onswipe` for one-finger horizontal swipes on the element. */
export function swipe(onswipe: (direction: SwipeDirection) => void): (node: HTMLElement) => () => void {
  return (node) => {
    let start: TouchPoint | null = null;
    const onStart = (event: TouchEvent): void => {
      const touch = event.touches[0];
      start = event.touches.length === 1 && touch ? { x: touch.clientX, y: touch.clientY, t: event.timeStamp } : null;
    };
    const onEnd = (event: TouchEvent): void => {
      const touch = event.changedTouches[0];
      if (!start || !touch) return;
      const direction = detectSwipe(start, { x: touch.clientX, y: touch.clientY, t: event.timeStamp });
      start = null;
      // A swipe that selected text was meant for the text.
      if (direction && !document.getSelection()?.toString()) onswipe(direction);
    };
    const onCancel = (): void => {
      start = null;
    };
    node.addEventListener('touchstart', onStart, { passive: true });
    node.addEventListener('touchend', onEnd, { passive: true });
    node.addEventListener('touchcancel', onCancel, { passive: true });
    return () => {
      node.removeEventListener('touchstart', onStart);
      node.removeEventListener('touchend', onEnd);
      node.removeEventListener('touchcancel', onCancel);
    };
  };
}
