import type { SearchParams } from '../app/router.ts';
import type { Article } from '../corpus/types.ts';
import type { SearchHit, SearchOptions, SearchResult } from '../search/engine.ts';
import type { ArticleReader } from '../storage/reader.ts';

/** Typing settles for this long before a search runs. */
export const SEARCH_DEBOUNCE_MS = 120;
export const RESULTS_PER_PAGE = 20;
/**
 * A search says it is busy (aria-busy, the More button disabled) only once it has taken this long.
 * Most answers come sooner: marking the list busy and then not busy again cost a render in
 * between, and that render delayed the worker's answer on the main thread (issue #7,
 * bench/query-trace.ts).
 */
export const BUSY_DELAY_MS = 150;

/** What the search page needs of the engine, wherever it runs. */
export interface SearchBackend {
  /** `partial`: the index was still being built, so a later search may find more. */
  search(query: string, options: SearchOptions): Promise<SearchResult & { partial: boolean }>;
}

export interface ResultItem {
  hit: SearchHit;
  article: Article;
}

/**
 * Where a hit's article comes from when IndexedDB lacks it: during a first import the index (cached
 * or pre-built) knows articles not written yet, which the library reads from their corpus chunk.
 */
export type MissingArticle = (hit: SearchHit) => Promise<Article | undefined>;

const noArticle: MissingArticle = () => Promise.resolve(undefined);

/** The search page's query, filters and results; the URL mirrors the params. */
export class SearchState {
  #params = $state<SearchParams>({ q: '' });
  /** Params searched for and not shown yet (`run`'s `next`). */
  #pending: SearchParams | undefined;
  items = $state.raw<ResultItem[]>([]);
  total = $state(0);
  /** The params the shown results answer (they lag `params` while typing). */
  answered = $state.raw<SearchParams | null>(null);
  searching = $state(false);
  /** The shown results came from an index still being built. */
  partial = $state(false);
  error = $state.raw<unknown>(null);
  readonly #articles: ArticleReader;
  readonly #backend: SearchBackend;
  readonly #missing: MissingArticle;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #generation = 0;
  /** Searches posted and not settled. */
  #inFlight = 0;
  #waiting: (() => void)[] = [];

  constructor(
    articles: ArticleReader,
    backend: SearchBackend,
    params: SearchParams,
    missing: MissingArticle = noArticle,
  ) {
    this.#articles = articles;
    this.#backend = backend;
    this.#missing = missing;
    this.#params = params;
  }

  /** What the form shows. Setting it (the reader's own edit) drops params still waiting for their answer. */
  get params(): SearchParams {
    return this.#params;
  }

  set params(value: SearchParams) {
    this.#pending = undefined;
    this.#params = value;
  }

  /** The params last asked for: those waiting for their answer, or else the form's. */
  get latest(): SearchParams {
    return this.#pending ?? this.#params;
  }

  /** Runs the search for the current params after the debounce (now when `immediate`). */
  schedule(immediate = false): void {
    clearTimeout(this.#timer);
    if (immediate) void this.run();
    else this.#timer = setTimeout(() => void this.run(), SEARCH_DEBOUNCE_MS);
  }

  /**
   * Searches for `next`, or else for the params still waiting or the current ones. Params given here
   * become the form's only with their answer, or once the search is marked busy: a new visit paints
   * once, form and results together, and no frame sits between the search and its answer on the
   * main thread (issue #7).
   */
  async run(limit = RESULTS_PER_PAGE, next?: SearchParams): Promise<void> {
    // A copy: a visit's params may be the router's reactive route.
    if (next) this.#pending = $state.snapshot(next);
    const params = this.#pending ?? $state.snapshot(this.params);
    const generation = ++this.#generation;
    const adopt = (): void => {
      if (generation !== this.#generation || this.#pending !== params) return;
      this.#pending = undefined;
      this.#params = params;
    };
    if (params.q.trim() === '') {
      adopt();
      // Also when a slower search is still on its way: it no longer speaks for the page (its
      // `finally` leaves the flags to the newer run, which is this one).
      this.items = [];
      this.total = 0;
      this.answered = params;
      this.searching = false;
      this.error = null;
      return;
    }
    const busy = setTimeout(() => {
      adopt();
      if (generation === this.#generation) this.searching = true;
    }, BUSY_DELAY_MS);
    this.#inFlight++;
    try {
      const filters: NonNullable<SearchOptions['filters']> = {};
      if (params.category) filters.category = params.category;
      if (params.lang) filters.lang = params.lang;
      if (params.from !== undefined) filters.from = String(params.from);
      if (params.to !== undefined) filters.to = String(params.to);
      const result = await this.#backend.search(params.q, { limit, filters, sort: params.sort ?? 'relevance' });
      // One read for the page's stored articles; those not stored yet (a first import) from their chunk.
      const stored = await this.#articles.getArticles(result.hits.map((hit) => hit.id));
      const articles = await Promise.all(result.hits.map((hit, i) => stored[i] ?? this.#missing(hit)));
      // A newer search started meanwhile: its answer wins.
      if (generation !== this.#generation) return;
      adopt();
      this.items = result.hits.flatMap((hit, i) => {
        const article = articles[i];
        return article ? [{ hit, article }] : [];
      });
      this.total = result.total;
      this.partial = result.partial;
      this.answered = params;
      this.error = null;
    } catch (err) {
      adopt();
      if (generation === this.#generation) this.error = err;
    } finally {
      clearTimeout(busy);
      if (generation === this.#generation) this.searching = false;
      if (--this.#inFlight === 0) {
        const waiting = this.#waiting;
        this.#waiting = [];
        for (const resume of waiting) resume();
      }
    }
  }

  /**
   * Holds work for the results shown while a search is on its way (a `Hold`: true, and `resume`
   * runs once none is). The shown results' leftover rows and snippets then do not sit between the
   * worker's answer and the main thread: the answer may replace them anyway (issue #7).
   */
  readonly holdWhileSearching = (resume: () => void): boolean => {
    if (this.#inFlight === 0) return false;
    this.#waiting.push(resume);
    return true;
  };

  get hasMore(): boolean {
    return this.items.length < this.total;
  }

  async more(): Promise<void> {
    await this.run(this.items.length + RESULTS_PER_PAGE);
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#waiting = [];
    this.#generation++;
  }
}
