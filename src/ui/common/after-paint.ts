/**
 * Runs `work` in a task of its own once the next frame has been painted (a timer set from an
 * animation frame callback), so what the current task rendered is laid out and painted without it;
 * returns a cancel. Without animation frames (a test's DOM), in the next task. A hidden tab paints no
 * frames, so the work waits until the tab is shown again, which is when it can be seen.
 *
 * For work that can follow what is on screen (more rows, filters, snippets below the fold): at 4x
 * throttling, a frame laying out everything a search page had made by then was one of a cold
 * visit's long tasks (issue #7).
 */
export function afterPaint(work: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  if (typeof requestAnimationFrame !== 'function') {
    timer = setTimeout(work, 0);
    return () => clearTimeout(timer);
  }
  const frame = requestAnimationFrame(() => {
    timer = setTimeout(work, 0);
  });
  return () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
}
