import { UserData } from '../state/user-data.svelte.ts';

/**
 * Kiosk mode records no reading history and no saved articles, and shows none (docs/KIOSK.md):
 * a shared screen must not tell the next visitor what the last one read.
 */
export class KioskUserData extends UserData {
  override async attach(): Promise<void> {
    this.loaded = true;
  }

  override async toggleSaved(): Promise<void> {}

  override async recordReading(): Promise<void> {}

  override async clearHistory(): Promise<void> {
    this.history = [];
  }

  /** The idle reset: nothing a visitor did stays in memory. */
  forget(): void {
    this.saved = [];
    this.history = [];
  }
}
