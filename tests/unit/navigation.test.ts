import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { currentEntryKey, Navigation } from '../../src/state/navigation.svelte.ts';

/** A window without the Navigation API (jsdom has none: the fallback Firefox and Safari used to need). */
function open(hash = '#/'): { win: Window; nav: Navigation; event: (type: string) => Event } {
  const { window } = new JSDOM('<!doctype html><body></body>', { url: `https://folio.test/${hash}` });
  const win = window as unknown as Window;
  return { win, nav: new Navigation(win), event: (type) => new window.Event(type) };
}

/** Sets the hash and waits for the hashchange the page sees. */
function go(win: Window, hash: string): Promise<void> {
  return new Promise((resolve) => {
    win.addEventListener('hashchange', () => resolve(), { once: true });
    win.location.hash = hash;
  });
}

function back(win: Window): Promise<void> {
  return new Promise((resolve) => {
    win.addEventListener('hashchange', () => resolve(), { once: true });
    win.history.back();
  });
}

describe('Navigation (history entries and what they keep)', () => {
  it('keys an entry with a replaceState where the browser has no entry keys', async () => {
    const { win, nav } = open();
    const first = currentEntryKey(win);
    expect(first).toMatch(/^[a-z0-9]+$/);
    expect(win.history.state).toEqual({ folioKey: first });
    await go(win, '#/archive');
    expect(nav.route.name).toBe('archive');
    expect(currentEntryKey(win)).not.toBe(first);
  });

  it('keeps a disclosure opened on an entry for coming back to it, and starts a new visit closed', async () => {
    const { win, nav } = open();
    expect(nav.restoring).toBeNull();
    nav.setShown(40);
    nav.setExpanded(true);
    await go(win, '#/category/Alpha');
    expect(nav.restoring).toBeNull();
    await back(win);
    expect(nav.route.name).toBe('home');
    expect(nav.restoring).toMatchObject({ shown: 40, expanded: true });
    await go(win, '#/saved');
    await go(win, '#/');
    expect(nav.restoring).toBeNull();
  });

  it('writes the positions to sessionStorage when the page is hidden or goes, not at every navigation', async () => {
    const { win, nav, event } = open();
    nav.setShown(20);
    await go(win, '#/archive');
    expect(win.sessionStorage.getItem('folio:scroll')).toBeNull();
    win.dispatchEvent(event('pagehide'));
    const saved = JSON.parse(win.sessionStorage.getItem('folio:scroll') ?? '[]') as [string, { shown: number }][];
    expect(saved.map(([, snap]) => snap.shown)).toContain(20);

    win.sessionStorage.clear();
    Object.defineProperty(win.document, 'visibilityState', { value: 'hidden', configurable: true });
    win.document.dispatchEvent(event('visibilitychange'));
    expect(win.sessionStorage.getItem('folio:scroll')).not.toBeNull();
  });
});
