import type { Workbox } from 'workbox-window';
import {
  onControllerChange,
  promptForWaiting,
  shouldCheckForUpdate,
  UPDATE_CHECK_INTERVAL_MS,
  type UpdatePrompt,
} from './update-policy.ts';

/** Relative to the page, like every URL of the app: it may be served from any folder. */
const SW_URL = './sw.js';
const SW_SCOPE = './';

/**
 * Kiosk mode (src/kiosk) applies updates silently, and only while nobody is using the screen:
 * there is no one to accept a prompt, and a reload must never cut a visitor off.
 */
export interface SilentUpdatePolicy {
  isIdle(): boolean;
  /** Calls `listener` each time the screen goes idle; returns the function that unsubscribes. */
  onIdle(listener: () => void): () => void;
}
let silentPolicy: SilentUpdatePolicy | null = null;

export function applyUpdatesSilently(policy: SilentUpdatePolicy | null): void {
  silentPolicy = policy;
}

/** Service workers only in production builds, in a browser that has them, on a secure origin. */
export function canUseServiceWorker(): boolean {
  return import.meta.env.PROD && 'serviceWorker' in navigator && window.isSecureContext;
}

/**
 * Registers the service worker (workbox-window) and tells the reader when a new version of the
 * app or the corpus is ready. Nothing reloads until the reader accepts; then only this tab
 * reloads, once, when the new worker takes control. Only the full app starts this (never the widget).
 */
export class AppUpdates {
  prompt = $state<UpdatePrompt>('none');
  /** The reader accepted and the new version is taking over. */
  applying = $state(false);
  /** The registration failed (e.g. storage blocked); the app still works online. */
  failed = $state(false);
  /**
   * Offline reading is off: a production build in a browser without service workers (some private
   * windows, an insecure origin) or whose registration failed. The app says so quietly.
   */
  offlineOff = $state(false);

  #wb: Workbox | null = null;
  #registration: ServiceWorkerRegistration | null = null;
  #acceptedHere = false;
  #reloading = false;
  #hadController = false;
  #lastCheck = 0;
  #stop: (() => void)[] = [];

  /** Registers and starts looking for updates; returns the function that stops. */
  start(): () => void {
    if (!canUseServiceWorker()) {
      this.offlineOff = import.meta.env.PROD;
      return () => {};
    }
    this.#hadController = Boolean(navigator.serviceWorker.controller);
    let stopped = false;
    this.#listen(navigator.serviceWorker, 'controllerchange', this.#onControllerChange);
    this.#listen(document, 'visibilitychange', this.check);
    this.#listen(window, 'online', this.check);
    const timer = setInterval(this.check, UPDATE_CHECK_INTERVAL_MS);
    this.#stop.push(() => clearInterval(timer));
    // workbox-window is loaded after the first screen: registering can wait, the first paint cannot.
    import('workbox-window').then(
      ({ Workbox }) => {
        if (stopped) return;
        const wb = new Workbox(SW_URL, { scope: SW_SCOPE });
        this.#wb = wb;
        wb.addEventListener('waiting', this.#onWaiting);
        this.#stop.push(() => wb.removeEventListener('waiting', this.#onWaiting));
        void this.#register(wb);
      },
      (err: unknown) => {
        this.failed = true;
        this.offlineOff = true;
        console.warn('Folio: the service worker could not be registered; offline reading is unavailable', err);
      },
    );
    return () => {
      stopped = true;
      for (const stop of this.#stop.splice(0)) stop();
    };
  }

  async #register(wb: Workbox): Promise<void> {
    try {
      const registration = await wb.register();
      if (!registration) {
        this.offlineOff = true;
        return;
      }
      this.#registration = registration;
      // workbox-window stops reporting after the first update found by another tab: watch too.
      this.#listen(registration, 'updatefound', () => this.#watch(registration.installing));
      if (registration.waiting) this.#onWaiting();
    } catch (err) {
      this.failed = true;
      this.offlineOff = true;
      console.warn('Folio: the service worker could not be registered; offline reading is unavailable', err);
    }
  }

  #watch(worker: ServiceWorker | null): void {
    worker?.addEventListener('statechange', () => {
      if (worker.state === 'installed') this.#onWaiting();
    });
  }

  #onWaiting = (): void => {
    if (this.#registration?.waiting === null) return;
    const prompt = promptForWaiting(Boolean(navigator.serviceWorker.controller), this.prompt);
    if (silentPolicy && prompt !== 'none') this.#applyWhenIdle(silentPolicy);
    else this.prompt = prompt;
  };

  /** Kiosk mode: no banner; the new version is taken at the next idle moment. */
  #applyWhenIdle(policy: SilentUpdatePolicy): void {
    if (policy.isIdle()) {
      this.accept();
      return;
    }
    const stop = policy.onIdle(() => {
      stop();
      this.accept();
    });
    this.#stop.push(stop);
  }

  #onControllerChange = (): void => {
    const action = onControllerChange({
      acceptedHere: this.#acceptedHere,
      reloading: this.#reloading,
      hadController: this.#hadController,
    });
    this.#hadController = true;
    if (action === 'reload') this.#reload();
    else if (action === 'offer-reload' && silentPolicy) this.#applyWhenIdle(silentPolicy);
    else if (action === 'offer-reload') this.prompt = 'applied-elsewhere';
  };

  /** Looks for a new version when online and visible, at most once a minute (hourly by the timer). */
  check = (): void => {
    const registration = this.#registration;
    if (!registration) return;
    const now = Date.now();
    const ctx = { now, lastCheck: this.#lastCheck, online: navigator.onLine, visible: !document.hidden };
    if (!shouldCheckForUpdate(ctx)) return;
    this.#lastCheck = now;
    registration.update().catch(() => {
      // Offline or the server is down: the next check will try again.
    });
  };

  /** The reader chose to reload into the new version. */
  accept = (): void => {
    this.#acceptedHere = true;
    this.applying = true;
    const waiting = this.#registration?.waiting;
    if ((this.prompt === 'waiting' || silentPolicy) && waiting) this.#wb?.messageSkipWaiting();
    // Another tab already activated it (or it is gone): this page only needs to reload.
    else this.#reload();
  };

  /** "Not now": the banner goes; the new version still activates once every tab is closed. */
  dismiss = (): void => {
    this.prompt = 'none';
  };

  #reload(): void {
    if (this.#reloading) return;
    this.#reloading = true;
    location.reload();
  }

  #listen(target: EventTarget, type: string, handler: () => void): void {
    target.addEventListener(type, handler);
    this.#stop.push(() => target.removeEventListener(type, handler));
  }
}
