/** Whether the browser believes it is online; `navigator.onLine` plus its events. */
export class Connectivity {
  online = $state(typeof navigator === 'undefined' ? true : navigator.onLine);

  /** Starts listening; returns the function that stops. */
  start(): () => void {
    const update = (): void => {
      this.online = navigator.onLine;
    };
    update();
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }
}
