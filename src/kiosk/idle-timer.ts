/** Fires once after `idleMs` without activity; any activity restarts the wait. Pure: the clock is injected. */

export interface TimerApi {
  set(callback: () => void, ms: number): number;
  clear(handle: number): void;
}

const browserTimers: TimerApi = {
  set: (callback, ms) => window.setTimeout(callback, ms),
  clear: (handle) => window.clearTimeout(handle),
};

export class IdleTimer {
  readonly idleMs: number;
  #onIdle: () => void;
  #timers: TimerApi;
  #handle: number | undefined;
  #idle = false;

  constructor(idleMs: number, onIdle: () => void, timers: TimerApi = browserTimers) {
    this.idleMs = idleMs;
    this.#onIdle = onIdle;
    this.#timers = timers;
  }

  /** True from the moment the idle time passed until the next activity. */
  get idle(): boolean {
    return this.#idle;
  }

  /** Activity: the wait starts again. Returns true when this ended an idle period. */
  poke(): boolean {
    const wasIdle = this.#idle;
    this.#idle = false;
    this.#arm();
    return wasIdle;
  }

  stop(): void {
    if (this.#handle !== undefined) this.#timers.clear(this.#handle);
    this.#handle = undefined;
  }

  #arm(): void {
    this.stop();
    this.#handle = this.#timers.set(() => {
      this.#handle = undefined;
      this.#idle = true;
      this.#onIdle();
    }, this.idleMs);
  }
}
