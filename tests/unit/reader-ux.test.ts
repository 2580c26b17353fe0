import { describe, expect, it } from 'vitest';
import { detectSwipe, SWIPE_MAX_MS, SWIPE_MIN_DISTANCE } from '../../src/ui/reader/swipe.ts';
import { parseStoredSettings } from '../../src/state/settings.svelte.ts';
import { localeFromLanguages } from '../../src/i18n/index.ts';

describe('detectSwipe', () => {
  const start = { x: 300, y: 400, t: 0 };
  it('reads a quick sideways swipe as left or right', () => {
    expect(detectSwipe(start, { x: 100, y: 410, t: 200 })).toBe('left');
    expect(detectSwipe(start, { x: 500, y: 390, t: 200 })).toBe('right');
  });
  it('ignores short, vertical, diagonal and slow moves', () => {
    expect(detectSwipe(start, { x: 300 - SWIPE_MIN_DISTANCE + 1, y: 400, t: 100 })).toBeNull();
    expect(detectSwipe(start, { x: 300, y: 100, t: 100 })).toBeNull();
    expect(detectSwipe(start, { x: 200, y: 330, t: 100 })).toBeNull();
    expect(detectSwipe(start, { x: 50, y: 400, t: SWIPE_MAX_MS + 1 })).toBeNull();
  });
});

describe('parseStoredSettings', () => {
  it('keeps valid values', () => {
    expect(parseStoredSettings('{"locale":"zh-CN","theme":"dark","textScale":1.5,"lineSpacing":"relaxed"}')).toEqual({
      locale: 'zh-CN',
      theme: 'dark',
      textScale: 1.5,
      lineSpacing: 'relaxed',
    });
  });
  it('drops corrupt or foreign values instead of crashing', () => {
    expect(parseStoredSettings('{not json')).toEqual({});
    expect(parseStoredSettings('null')).toEqual({});
    expect(parseStoredSettings('[1,2]')).toEqual({});
    expect(parseStoredSettings('{"locale":"fr","theme":"neon","textScale":9,"lineSpacing":1}')).toEqual({});
    expect(parseStoredSettings('{"theme":"light","textScale":"1"}')).toEqual({ theme: 'light' });
  });
});

describe('localeFromLanguages', () => {
  it('picks Chinese for any zh browser language and English otherwise', () => {
    expect(localeFromLanguages(['zh-TW', 'en'])).toBe('zh-CN');
    expect(localeFromLanguages(['en-GB', 'zh'])).toBe('en');
    expect(localeFromLanguages(['fr', 'zh-CN'])).toBe('zh-CN');
    expect(localeFromLanguages([])).toBe('en');
  });
});
