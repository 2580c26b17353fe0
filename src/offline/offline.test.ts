import { describe, expect, it } from 'vitest';
import { formatBytes, shortHash, usagePercent } from './format.ts';
import { crc32, encodePng, ICON_FILES, renderIcon } from './icon.ts';
import { isSkipWaitingMessage, precacheCandidates } from './sw-logic.ts';
import {
  MIN_UPDATE_CHECK_GAP_MS,
  onControllerChange,
  promptForWaiting,
  shouldCheckForUpdate,
} from './update-policy.ts';

describe('update policy', () => {
  it('reloads only the tab that accepted, and only once', () => {
    expect(onControllerChange({ acceptedHere: true, reloading: false, hadController: true })).toBe('reload');
    expect(onControllerChange({ acceptedHere: true, reloading: true, hadController: true })).toBe('ignore');
    expect(onControllerChange({ acceptedHere: false, reloading: false, hadController: true })).toBe('offer-reload');
  });

  it('ignores the first install claiming the page', () => {
    expect(onControllerChange({ acceptedHere: false, reloading: false, hadController: false })).toBe('ignore');
  });

  it('offers a waiting worker only as an update', () => {
    expect(promptForWaiting(true, 'none')).toBe('waiting');
    expect(promptForWaiting(false, 'none')).toBe('none');
    expect(promptForWaiting(true, 'applied-elsewhere')).toBe('applied-elsewhere');
  });

  it('checks for updates online and visible, not more than once a minute', () => {
    const base = { now: 1_000_000, lastCheck: 0, online: true, visible: true };
    expect(shouldCheckForUpdate(base)).toBe(true);
    expect(shouldCheckForUpdate({ ...base, online: false })).toBe(false);
    expect(shouldCheckForUpdate({ ...base, visible: false })).toBe(false);
    expect(shouldCheckForUpdate({ ...base, lastCheck: base.now - 1000 })).toBe(false);
    expect(shouldCheckForUpdate({ ...base, lastCheck: base.now - MIN_UPDATE_CHECK_GAP_MS })).toBe(true);
  });
});

describe('storage formatting', () => {
  it('formats sizes in binary steps in both languages', () => {
    expect(formatBytes('en', 512)).toBe('512 byte');
    expect(formatBytes('en', 1536)).toBe('1.5 kB');
    expect(formatBytes('en', 5 * 1024 * 1024)).toBe('5 MB');
    expect(formatBytes('zh-CN', 1536)).toMatch(/1\.5/);
    expect(formatBytes('en', -1)).toBe('0 byte');
  });

  it('shows a short hash and a whole percentage', () => {
    expect(shortHash('963ffc27f4ad978d0ad574c5')).toBe('963ffc27f4ad');
    expect(usagePercent(0, 100)).toBe(0);
    expect(usagePercent(1, 1_000_000)).toBe(1);
    expect(usagePercent(50, 100)).toBe(50);
    expect(usagePercent(10, 0)).toBe(0);
  });
});

describe('service worker helpers', () => {
  it('recognises only the skip-waiting message', () => {
    expect(isSkipWaitingMessage({ type: 'SKIP_WAITING' })).toBe(true);
    expect(isSkipWaitingMessage('SKIP_WAITING')).toBe(false);
    expect(isSkipWaitingMessage(null)).toBe(false);
    expect(isSkipWaitingMessage({ type: 'OTHER' })).toBe(false);
  });

  it('maps files asked for under a deep path back to the app folder', () => {
    const scope = 'https://example.org/folio/';
    const found = precacheCandidates(new URL('https://example.org/folio/a/b/assets/x.js'), scope).map((u) => u.href);
    expect(found).toEqual([
      'https://example.org/folio/b/assets/x.js',
      'https://example.org/folio/assets/x.js',
      'https://example.org/folio/x.js',
    ]);
    expect(precacheCandidates(new URL('https://other.org/folio/a/x.js'), scope)).toEqual([]);
    expect(precacheCandidates(new URL('https://example.org/elsewhere/x.js'), scope)).toEqual([]);
  });
});

describe('app icons', () => {
  it('draws transparent corners for "any" and full bleed for "maskable"', () => {
    const any = renderIcon(64, 'any');
    const maskable = renderIcon(64, 'maskable');
    expect(any[3]).toBe(0);
    expect(maskable[3]).toBe(255);
    // Inside the F's stem (x 22–30, y 16–48 of 64): white and opaque.
    const at = (40 * 64 + 25) * 4;
    expect([...any.subarray(at, at + 4)]).toEqual([255, 255, 255, 255]);
  });

  it('writes a PNG with a valid header and checksums', () => {
    const png = encodePng(2, new Uint8Array(16), (raw) => raw);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const view = new DataView(png.buffer);
    expect(view.getUint32(8)).toBe(13);
    expect(String.fromCharCode(...png.subarray(12, 16))).toBe('IHDR');
    expect(view.getUint32(16)).toBe(2);
    expect(view.getUint32(29)).toBe(crc32(png.subarray(12, 29)));
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('lists 192 and 512 px icons for both purposes', () => {
    for (const purpose of ['any', 'maskable'] as const) {
      expect(ICON_FILES.filter((i) => i.purpose === purpose).map((i) => i.size)).toEqual(
        expect.arrayContaining([192, 512]),
      );
    }
  });
});
