/**
 * The app opens its database at boot (src/app/boot.ts), before Library exists to hear the
 * connection's events: relayEvents keeps them until Library listens (db.ts).
 */
import { describe, expect, it } from 'vitest';
import { relayEvents } from '../../src/storage/db.ts';

describe('relayEvents', () => {
  it('keeps the events that come before a listener, and gives them to it in order', () => {
    const { events, listen } = relayEvents();
    events.onBlocked();
    events.onVersionChange();
    const heard: string[] = [];
    listen({ onBlocked: () => heard.push('blocked'), onVersionChange: () => heard.push('versionchange') });
    expect(heard).toEqual(['blocked', 'versionchange']);
  });

  it('passes later events on at once, and never the same event twice', () => {
    const { events, listen } = relayEvents();
    events.onTerminated();
    const heard: string[] = [];
    listen({ onTerminated: () => heard.push('terminated'), onBlocked: () => heard.push('blocked') });
    events.onBlocked();
    expect(heard).toEqual(['terminated', 'blocked']);
  });
});
