import type { Manifest } from '../corpus/types.ts';
import type { ArticleSummary, ListQuery } from '../storage/articles.ts';
import type { ArticleListSource, ArticleReader } from '../storage/reader.ts';
import { byNearness, EMPTY_RANGE, pagesOf, pagesToEvict, visibleRows, type RowRange } from './list-window.ts';

export const PAGE_SIZE = 30;
/** Rows kept in the DOM beyond each edge of the viewport, so Tab and small scrolls find them there. */
export const OVERSCAN_ROWS = 4;
/** Lists this short render every row: cheaper than a frame, and in-page find sees them all. */
export const RENDER_ALL_ROWS = 60;
/** Rows read ahead beyond the overscan, so a steady scroll rarely meets a row still loading. */
const PREFETCH_ROWS = PAGE_SIZE;
/** Pages kept in memory (a summary is small: this is a few hundred kB at most). */
const MAX_CACHED_PAGES = 40;
/** Reads in flight at once: the nearest pages first, and a fling does not queue up a backlog. */
const MAX_READS = 2;

/** Where a list's rows come from: an ArticleReader's list source (a stand-in in unit tests). */
export interface RowSource {
  /** Counts the rows again; the count. */
  refresh(): Promise<number>;
  /** The last refresh kept every row that was there in its place (see ArticleListSource.kept). */
  readonly kept?: boolean;
  read(offset: number, limit: number, signal?: AbortSignal): Promise<(ArticleSummary | null)[]>;
}

/** A row of the window: `item` is undefined while its page is being read, null when unreadable. */
export interface ListRow {
  index: number;
  item: ArticleSummary | null | undefined;
}

/**
 * One list (latest, a category, an archive period) as a window over all its rows: the view says
 * which band of the list is on screen; this class reads the pages of summaries that band needs
 * (nearest first, stale reads cancelled, a bounded cache) and says which rows to render.
 */
export class VirtualArticleList {
  /** Rows in the list (what is imported so far, during a first import). */
  total = $state(0);
  /** False until the first count: the view shows nothing rather than "empty". */
  counted = $state(false);
  /** The rows to render: the band on screen with its overscan. */
  range = $state.raw<RowRange>(EMPTY_RANGE);
  error = $state.raw<unknown>(null);
  readonly rows: ListRow[] = $derived.by(() => this.#rowsOf(this.range, this.#pinned, this.#version));

  readonly #source: RowSource;
  // Plain caches: `#version` tells the view when they changed.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #pages = new Map<number, (ArticleSummary | null)[]>();
  /** Pages read before the last refresh: still shown, read again when wanted. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #stale = new Set<number>();
  /** Pages whose read failed: not retried until the next refresh. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #failed = new Set<number>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #reads = new Map<number, AbortController>();
  #version = $state(0);
  /** The focused row stays rendered when it scrolls away, so focus is never dropped to the body. */
  #pinned = $state<number | null>(null);
  #band = { top: 0, bottom: 0 };
  #rowHeight = 0;
  #generation = 0;
  #refreshing: Promise<void> | null = null;
  #refreshAgain = false;
  #waiters: (() => void)[] = [];

  constructor(source: RowSource) {
    this.#source = source;
  }

  static of(articles: ArticleReader, manifest: Manifest, query: ListQuery): VirtualArticleList {
    return new VirtualArticleList(articles.listSource(manifest, query));
  }

  /** True while a row on screen has nothing to show yet (still being read for the first time). */
  get loading(): boolean {
    // #version: the page cache changed (it is not state itself).
    void this.#version;
    return !this.counted || this.#missing().length > 0;
  }

  /**
   * The band of the list on screen, in CSS pixels from the list's top, and the row height: the
   * rows to render follow, and their pages are read.
   */
  setViewport(band: { top: number; bottom: number }, rowHeight: number): void {
    this.#band = band;
    this.#rowHeight = rowHeight;
    this.#update();
  }

  /** Keeps row `index` rendered (the focused one), or none. */
  pin(index: number | null): void {
    if (this.#pinned !== index) this.#pinned = index;
  }

  /**
   * Counts the list again and reads the rows on screen again (the corpus grew during an import),
   * keeping what is shown until the new rows are there. Calls made while one runs are coalesced.
   */
  async refresh(): Promise<void> {
    if (this.#refreshing) {
      this.#refreshAgain = true;
      return this.#refreshing;
    }
    this.#refreshing = this.#recount();
    try {
      await this.#refreshing;
    } finally {
      this.#refreshing = null;
    }
  }

  /** Resolves once every row on screen is read (or failed): then a view can restore its scroll. */
  whenLoaded(): Promise<void> {
    if (!this.loading) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  async #recount(): Promise<void> {
    do {
      this.#refreshAgain = false;
      this.#generation += 1;
      for (const read of this.#reads.values()) read.abort();
      this.#reads.clear();
      let kept = false;
      try {
        this.total = await this.#source.refresh();
        kept = this.#source.kept === true;
        this.error = null;
      } catch (err) {
        this.error = err;
      }
      this.counted = true;
      // During an import every chunk written refreshes the list: when the rows already read kept
      // their places, only a page that was not full is read again (issue #7: reading a page of
      // records costs the main thread far more than counting).
      for (const [page, items] of this.#pages) if (!kept || items.length < PAGE_SIZE) this.#stale.add(page);
      this.#failed.clear();
      this.#update();
    } while (this.#refreshAgain);
  }

  #update(): void {
    const range = visibleRows(this.#band, this.#rowHeight, this.total, OVERSCAN_ROWS, RENDER_ALL_ROWS);
    if (range.start !== this.range.start || range.end !== this.range.end) this.range = range;
    this.#pump();
    this.#notify();
  }

  /** Pages to read, nearest to the screen first: the rows shown, then some read ahead. */
  #wanted(): number[] {
    const range = this.range;
    if (range.end <= range.start) return [];
    const ahead = {
      start: Math.max(0, range.start - PREFETCH_ROWS),
      end: Math.min(this.total, range.end + PREFETCH_ROWS),
    };
    return byNearness(pagesOf(ahead, PAGE_SIZE), range, PAGE_SIZE);
  }

  #needsRead(page: number): boolean {
    return (!this.#pages.has(page) || this.#stale.has(page)) && !this.#failed.has(page);
  }

  /**
   * Pages of the rows on screen that have nothing to show yet. A stale page (read before a
   * refresh) still shows its rows, so it does not count: during an import every chunk written
   * marks them all stale, and a restore waiting for them would wait as long as the import.
   */
  #missing(): number[] {
    return pagesOf(this.range, PAGE_SIZE).filter((p) => !this.#pages.has(p) && !this.#failed.has(p));
  }

  #pump(): void {
    if (!this.counted) return;
    const wanted = this.#wanted();
    // A local lookup, not state.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const want = new Set(wanted);
    for (const [page, read] of this.#reads) {
      if (!want.has(page)) {
        read.abort();
        this.#reads.delete(page);
      }
    }
    for (const page of wanted) {
      if (this.#reads.size >= MAX_READS) break;
      if (!this.#reads.has(page) && this.#needsRead(page)) void this.#read(page);
    }
  }

  async #read(page: number): Promise<void> {
    const read = new AbortController();
    this.#reads.set(page, read);
    const generation = this.#generation;
    try {
      const items = await this.#source.read(page * PAGE_SIZE, PAGE_SIZE, read.signal);
      if (read.signal.aborted || generation !== this.#generation) return;
      this.#pages.set(page, items);
      this.#stale.delete(page);
      for (const old of pagesToEvict(this.#pages.keys(), this.range, PAGE_SIZE, MAX_CACHED_PAGES)) {
        this.#pages.delete(old);
        this.#stale.delete(old);
      }
      this.#version += 1;
    } catch (err) {
      if (read.signal.aborted || generation !== this.#generation) return;
      this.#failed.add(page);
      this.error = err;
    } finally {
      if (this.#reads.get(page) === read) this.#reads.delete(page);
      this.#pump();
      this.#notify();
    }
  }

  #notify(): void {
    if (this.loading || this.#waiters.length === 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }

  #rowsOf(range: RowRange, pinned: number | null, version: number): ListRow[] {
    void version;
    const rows: ListRow[] = [];
    const pin = pinned !== null && pinned < this.total && (pinned < range.start || pinned >= range.end);
    if (pin && pinned < range.start) rows.push(this.#row(pinned));
    for (let i = range.start; i < range.end; i += 1) rows.push(this.#row(i));
    if (pin && pinned >= range.end) rows.push(this.#row(pinned));
    return rows;
  }

  #row(index: number): ListRow {
    const page = this.#pages.get(Math.floor(index / PAGE_SIZE));
    return { index, item: page?.[index % PAGE_SIZE] };
  }
}

/** One list loaded a page at a time with a "Show more" button (the embeddable widget's list). */
export class ArticleList {
  items = $state.raw<ArticleSummary[]>([]);
  total = $state(0);
  loading = $state(true);
  error = $state.raw<unknown>(null);
  readonly #source: ArticleListSource;

  constructor(articles: ArticleReader, manifest: Manifest, query: ListQuery) {
    this.#source = articles.listSource(manifest, query);
  }

  get hasMore(): boolean {
    return this.items.length < this.total;
  }

  /** Loads the first `count` items (at least one page): a returning reader sees as many as before. */
  async load(count: number = PAGE_SIZE): Promise<void> {
    await this.#fetch(0, Math.max(count, PAGE_SIZE), false);
  }

  async more(): Promise<void> {
    await this.#fetch(this.items.length, PAGE_SIZE, true);
  }

  async #fetch(offset: number, limit: number, append: boolean): Promise<void> {
    this.loading = true;
    try {
      if (!append) this.total = await this.#source.refresh();
      const page = (await this.#source.read(offset, limit)).filter((a) => a !== null);
      this.items = append ? [...this.items, ...page] : page;
      this.error = null;
    } catch (err) {
      this.error = err;
    } finally {
      this.loading = false;
    }
  }
}
