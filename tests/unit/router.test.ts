import { describe, expect, it } from 'vitest';
import { formatRoute, parseHash, type Route } from '../../src/app/router.ts';

describe('parseHash', () => {
  it('reads every route of the contract', () => {
    expect(parseHash('')).toEqual({ name: 'home' });
    expect(parseHash('#/')).toEqual({ name: 'home' });
    expect(parseHash('#/category/Research')).toEqual({ name: 'category', category: 'Research' });
    expect(parseHash('#/category/%E7%A7%91%E7%A0%94')).toEqual({ name: 'category', category: '科研' });
    expect(parseHash('#/archive/2024')).toEqual({ name: 'archive', year: 2024 });
    expect(parseHash('#/archive/2024/05')).toEqual({ name: 'archive', year: 2024, month: 5 });
    expect(parseHash('#/saved')).toEqual({ name: 'saved' });
    expect(parseHash('#/settings')).toEqual({ name: 'settings' });
    expect(parseHash('#/article/reuters-17192')).toEqual({ name: 'article', id: 'reuters-17192' });
    expect(parseHash('#/search?q=tidal%20turbine&category=Research&lang=en&from=2023&to=2024')).toEqual({
      name: 'search',
      q: 'tidal turbine',
      category: 'Research',
      lang: 'en',
      from: 2023,
      to: 2024,
    });
  });

  it('sends anything else to not-found', () => {
    expect(parseHash('#/nope').name).toBe('not-found');
    expect(parseHash('#/archive/24').name).toBe('not-found');
    expect(parseHash('#/archive/2024/13').name).toBe('not-found');
    expect(parseHash('#/article/').name).toBe('not-found');
    expect(parseHash('#/article/%E0%A4%A').name).toBe('not-found');
  });

  it('round-trips ids with reserved characters', () => {
    const routes: Route[] = [
      { name: 'article', id: 'a/b?c#d %' },
      { name: 'category', category: '财经 & more' },
      { name: 'archive', year: 2025, month: 1 },
      { name: 'search', q: '量子 sensor', lang: 'zh' },
      { name: 'search', q: 'a+b & c', category: 'Research', from: 2023, to: 2024, sort: 'date' },
    ];
    for (const route of routes) expect(parseHash(formatRoute(route))).toEqual(route);
  });
});
