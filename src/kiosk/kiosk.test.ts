import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_IDLE_SECONDS, MIN_IDLE_SECONDS, parseIdleSeconds, parseKioskConfig, startUrl } from './config.ts';
import { Countdown } from './countdown.ts';
import { IdleTimer, type TimerApi } from './idle-timer.ts';
import { outsideUrl } from './outside-link.ts';
import pinyinTable from './pinyin-table.json';
import { isPinyinTable, lookupCandidates, normalizePinyin, PinyinComposer, type PinyinTable } from './pinyin.ts';

const fakeTimers: TimerApi = {
  set: (callback, ms) => setTimeout(callback, ms) as unknown as number,
  clear: (handle) => clearTimeout(handle),
};

describe('kiosk mode from the URL and the build', () => {
  it('turns on with ?mode=kiosk, 90 s by default', () => {
    expect(parseKioskConfig('?mode=kiosk')).toEqual({ enabled: true, idleMs: DEFAULT_IDLE_SECONDS * 1000 });
    expect(parseKioskConfig('')).toEqual({ enabled: false, idleMs: 90_000 });
    expect(parseKioskConfig('?mode=app').enabled).toBe(false);
  });

  it('reads the idle time in seconds, bounded, ignoring junk', () => {
    expect(parseKioskConfig('?mode=kiosk&idle=120').idleMs).toBe(120_000);
    expect(parseKioskConfig('?mode=kiosk&idle=1').idleMs).toBe(MIN_IDLE_SECONDS * 1000);
    expect(parseKioskConfig('?mode=kiosk&idle=abc').idleMs).toBe(90_000);
    expect(parseKioskConfig('?mode=kiosk&idle=-5').idleMs).toBe(90_000);
    expect(parseIdleSeconds('999999')).toBe(3600);
    expect(parseIdleSeconds(undefined)).toBeUndefined();
  });

  it('is forced by the build setting; the URL idle time wins over the build one', () => {
    expect(parseKioskConfig('', { kiosk: '1' }).enabled).toBe(true);
    expect(parseKioskConfig('', { kiosk: 'true', idle: '60' }).idleMs).toBe(60_000);
    expect(parseKioskConfig('?idle=30', { kiosk: '1', idle: '60' }).idleMs).toBe(30_000);
    expect(parseKioskConfig('', { kiosk: '0' }).enabled).toBe(false);
    expect(parseKioskConfig('', { kiosk: '' }).enabled).toBe(false);
  });

  it('keeps the query and puts the start screen in the hash', () => {
    expect(startUrl('https://x.test/app/?mode=kiosk&idle=60#/article/a')).toBe(
      'https://x.test/app/?mode=kiosk&idle=60#/',
    );
  });
});

describe('IdleTimer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('fires once after the idle time, and activity restarts the wait', () => {
    const onIdle = vi.fn();
    const timer = new IdleTimer(90_000, onIdle, fakeTimers);
    timer.poke();
    vi.advanceTimersByTime(89_000);
    timer.poke();
    vi.advanceTimersByTime(89_000);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
    expect(timer.idle).toBe(true);
    vi.advanceTimersByTime(500_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
    expect(timer.poke()).toBe(true);
    expect(timer.idle).toBe(false);
    timer.stop();
    vi.advanceTimersByTime(500_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });
});

describe('Countdown', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reports every second and finishes once', () => {
    const ticks: number[] = [];
    const done = vi.fn();
    new Countdown(3, (s) => ticks.push(s), done, fakeTimers).start();
    vi.advanceTimersByTime(10_000);
    expect(ticks).toEqual([3, 2, 1, 0]);
    expect(done).toHaveBeenCalledTimes(1);
  });
});

describe('outside links', () => {
  const base = 'https://kiosk.test/folio/?mode=kiosk#/article/a';
  it('keeps the app’s own hash links inside', () => {
    expect(outsideUrl('#/article/b', base)).toBeNull();
    expect(outsideUrl('?mode=kiosk#/', base)).toBeNull();
  });
  it('sends other sites, other documents and other schemes to a QR code', () => {
    expect(outsideUrl('https://example.org/x', base)).toBe('https://example.org/x');
    expect(outsideUrl('/elsewhere', base)).toBe('https://kiosk.test/elsewhere');
    expect(outsideUrl('mailto:press@example.org', base)).toBe('mailto:press@example.org');
    expect(outsideUrl('javascript:alert(1)', base)).toBeNull();
  });
});

describe('pinyin candidates', () => {
  const table: unknown = pinyinTable;
  if (!isPinyinTable(table)) throw new Error('pinyin-table.json is not a pinyin table');
  const texts = (typed: string, t: PinyinTable = table): string[] => lookupCandidates(t, typed).map((c) => c.text);

  it('offers the common characters first: zhong -> 中 种 重', () => {
    expect(texts('zhong').slice(0, 3)).toEqual(['中', '种', '重']);
    expect(texts('de')[0]).toBe('的');
  });

  it('offers whole words for several syllables, then the first syllable’s characters', () => {
    const zhongguo = lookupCandidates(table, 'zhongguo');
    expect(zhongguo[0]).toEqual({ text: '中国', consumed: 8 });
    expect(zhongguo.find((c) => c.text === '中')?.consumed).toBe(5);
    expect(texts('shanhu')).toContain('珊瑚');
    expect(texts('kexuejia')[0]).toBe('科学家');
  });

  it('normalizes what is typed and completes an unfinished syllable', () => {
    expect(normalizePinyin('Lü ')).toBe('lv');
    expect(texts('nv')).toContain('女');
    expect(texts('zh')).toContain('中');
    expect(texts('')).toEqual([]);
    expect(texts('xyz123')).toEqual([]);
  });

  it('covers the common characters in a small table', () => {
    const chars = new Set(Object.values(table.chars).join(''));
    expect(chars.size).toBeGreaterThanOrEqual(5000);
    for (const c of '的一是不了在人有我他这中大来上国个到说们为子和你地出道也时年') expect(chars.has(c)).toBe(true);
    expect(Object.keys(table.words).length).toBeGreaterThan(10_000);
  });

  it('composes: a picked candidate is inserted and the rest of the pinyin stays typed', () => {
    const composer = new PinyinComposer(table);
    for (const letter of 'zhongwen') composer.type(letter);
    expect(composer.candidates[0]?.text).toBe('中文');
    expect(composer.pick(composer.candidates.findIndex((c) => c.text === '中'))).toBe('中');
    expect(composer.buffer).toBe('wen');
    expect(composer.commitFirst()).toBe('问'); // the most frequent "wen"
    expect(composer.buffer).toBe('');
    expect(composer.backspace()).toBe(false);
    composer.type('x');
    expect(composer.backspace()).toBe(true);
    expect(composer.takeRaw()).toBe('');
  });
});

describe('the on-screen keyboard while the pinyin table loads', () => {
  it('keeps the letters tapped meanwhile and composes them once the table is there', async () => {
    const { KeyboardInput } = await import('./keyboard.svelte.ts');
    const keys = new KeyboardInput('en');
    let value = keys.press('{lang}', '').value;
    expect(keys.loading).toBe(true);
    for (const letter of 'zhongx') value = keys.press(letter, value).value;
    value = keys.press('{bksp}', value).value;
    // Nothing lands in the field as English, and the pinyin typed so far shows.
    expect(value).toBe('');
    expect(keys.buffer).toBe('zhong');
    await keys.ensureTable();
    await vi.waitFor(() => expect(keys.loading).toBe(false));
    expect(keys.buffer).toBe('zhong');
    expect(keys.candidates[0]?.text).toBe('中');
  });
});
