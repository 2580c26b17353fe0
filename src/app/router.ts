/** Hash routes (DESIGN.md "URLs"): pure parse and format, so any static host works. */

export type SearchSortParam = 'relevance' | 'date';

export interface SearchParams {
  q: string;
  category?: string;
  lang?: string;
  from?: number;
  to?: number;
  /** Relevance when absent. */
  sort?: SearchSortParam;
}

export type Route =
  | { name: 'home' }
  | { name: 'category'; category: string }
  | { name: 'archive'; year?: number; month?: number }
  | { name: 'article'; id: string }
  | { name: 'saved' }
  | { name: 'settings' }
  | ({ name: 'search' } & SearchParams)
  | { name: 'not-found'; path: string };

const YEAR = /^\d{4}$/;
const MONTH = /^(0?[1-9]|1[0-2])$/;

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function parseYear(value: string | null): number | undefined {
  return value !== null && YEAR.test(value) ? Number(value) : undefined;
}

export function parseHash(hash: string): Route {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  const queryAt = raw.indexOf('?');
  const path = queryAt === -1 ? raw : raw.slice(0, queryAt);
  const query = new URLSearchParams(queryAt === -1 ? '' : raw.slice(queryAt + 1));
  const parts = path.split('/').filter((p) => p !== '');
  const notFound: Route = { name: 'not-found', path: raw };
  const [head, first, second] = parts;

  if (head === undefined) return { name: 'home' };
  switch (head) {
    case 'article': {
      const id = first === undefined ? undefined : decode(first);
      return id && parts.length === 2 ? { name: 'article', id } : notFound;
    }
    case 'category': {
      const category = first === undefined ? undefined : decode(first);
      return category && parts.length === 2 ? { name: 'category', category } : notFound;
    }
    case 'archive': {
      if (parts.length === 1) return { name: 'archive' };
      if (first === undefined || !YEAR.test(first) || parts.length > 3) return notFound;
      if (second === undefined) return { name: 'archive', year: Number(first) };
      return MONTH.test(second) ? { name: 'archive', year: Number(first), month: Number(second) } : notFound;
    }
    case 'saved':
      return parts.length === 1 ? { name: 'saved' } : notFound;
    case 'settings':
      return parts.length === 1 ? { name: 'settings' } : notFound;
    case 'search': {
      if (parts.length !== 1) return notFound;
      const route: Route = { name: 'search', q: query.get('q') ?? '' };
      const category = query.get('category');
      const lang = query.get('lang');
      const from = parseYear(query.get('from'));
      const to = parseYear(query.get('to'));
      if (category) route.category = category;
      if (lang) route.lang = lang;
      if (from !== undefined) route.from = from;
      if (to !== undefined) route.to = to;
      if (query.get('sort') === 'date') route.sort = 'date';
      return route;
    }
    default:
      return notFound;
  }
}

export function formatRoute(route: Route): string {
  switch (route.name) {
    case 'home':
      return '#/';
    case 'article':
      return `#/article/${encodeURIComponent(route.id)}`;
    case 'category':
      return `#/category/${encodeURIComponent(route.category)}`;
    case 'archive':
      if (route.year === undefined) return '#/archive';
      return route.month === undefined
        ? `#/archive/${route.year}`
        : `#/archive/${route.year}/${String(route.month).padStart(2, '0')}`;
    case 'saved':
      return '#/saved';
    case 'settings':
      return '#/settings';
    case 'search': {
      const params = new URLSearchParams({ q: route.q });
      if (route.category) params.set('category', route.category);
      if (route.lang) params.set('lang', route.lang);
      if (route.from !== undefined) params.set('from', String(route.from));
      if (route.to !== undefined) params.set('to', String(route.to));
      if (route.sort === 'date') params.set('sort', 'date');
      // %20 rather than +: both parse, and %20 is what people type and share.
      return `#/search?${params.toString().replace(/\+/g, '%20')}`;
    }
    case 'not-found':
      return `#${route.path}`;
  }
}

export function articleHref(id: string): string {
  return formatRoute({ name: 'article', id });
}
