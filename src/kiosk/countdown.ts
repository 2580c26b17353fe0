import type { TimerApi } from './idle-timer.ts';

const SECOND_MS = 1000;

/** Counts whole seconds down, reporting each, then calls `onDone` once. Pure: the clock is injected. */
export class Countdown {
  #remaining: number;
  #onTick: (remaining: number) => void;
  #onDone: () => void;
  #timers: TimerApi;
  #handle: number | undefined;

  constructor(seconds: number, onTick: (remaining: number) => void, onDone: () => void, timers: TimerApi) {
    this.#remaining = Math.max(0, Math.round(seconds));
    this.#onTick = onTick;
    this.#onDone = onDone;
    this.#timers = timers;
  }

  get remaining(): number {
    return this.#remaining;
  }

  start(): void {
    this.#onTick(this.#remaining);
    this.#next();
  }

  stop(): void {
    if (this.#handle !== undefined) this.#timers.clear(this.#handle);
    this.#handle = undefined;
  }

  #next(): void {
    if (this.#remaining <= 0) {
      this.#onDone();
      return;
    }
    this.#handle = this.#timers.set(() => {
      this.#remaining -= 1;
      this.#onTick(this.#remaining);
      this.#next();
    }, SECOND_MS);
  }
}
