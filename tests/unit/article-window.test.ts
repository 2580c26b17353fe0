import { describe, expect, it } from 'vitest';
import { PAGE_SIZE, VirtualArticleList, type RowSource } from '../../src/state/article-list.svelte.ts';
import type { ArticleSummary } from '../../src/storage/articles.ts';

const ROW = 150;
const VIEWPORT = 800;

function summary(i: number): ArticleSummary {
  return { id: `a-${i}`, title: `Article ${i}`, date: null, category: null, lang: 'en' };
}

/** A list of `total` rows whose reads resolve when the test says so. */
class FakeSource implements RowSource {
  total: number;
  kept = false;
  reads: { offset: number; signal?: AbortSignal; resolve: () => void }[] = [];
  constructor(total: number) {
    this.total = total;
  }
  refresh(): Promise<number> {
    return Promise.resolve(this.total);
  }
  read(offset: number, limit: number, signal?: AbortSignal): Promise<(ArticleSummary | null)[]> {
    return new Promise((resolve) => {
      const end = Math.min(this.total, offset + limit);
      const rows = Array.from({ length: Math.max(0, end - offset) }, (_, k) => summary(offset + k));
      this.reads.push({ offset, signal, resolve: () => resolve(rows) });
    });
  }
  async flush(): Promise<void> {
    while (this.reads.length > 0) {
      for (const read of this.reads.splice(0)) read.resolve();
      await new Promise((r) => setTimeout(r, 0));
    }
  }
}

const band = (top: number) => ({ top, bottom: top + VIEWPORT });

describe('VirtualArticleList', () => {
  it('renders only the rows near the band, and reads their pages', async () => {
    const source = new FakeSource(100_000);
    const list = new VirtualArticleList(source);
    list.setViewport(band(0), ROW);
    await list.refresh();
    expect(list.total).toBe(100_000);
    expect(list.rows.length).toBeLessThan(20);
    expect(list.rows[0]!.item).toBeUndefined();
    await source.flush();
    await list.whenLoaded();
    expect(list.rows[0]!.item?.title).toBe('Article 0');
  });

  it('drops reads for rows no longer wanted, and reads the new band first', async () => {
    const source = new FakeSource(100_000);
    const list = new VirtualArticleList(source);
    list.setViewport(band(0), ROW);
    await list.refresh();
    const first = source.reads[0]!;
    list.setViewport(band(99_990 * ROW), ROW);
    expect(first.signal?.aborted).toBe(true);
    const live = source.reads.filter((r) => !r.signal?.aborted);
    expect(live[0]!.offset).toBe(Math.floor(99_990 / PAGE_SIZE) * PAGE_SIZE);
    await source.flush();
    expect(list.rows.at(-1)!.index).toBe(99_999);
    expect(list.rows.at(-1)!.item?.title).toBe('Article 99999');
  });

  it('keeps the rows shown while it counts and reads again after an import chunk', async () => {
    const source = new FakeSource(600);
    const list = new VirtualArticleList(source);
    list.setViewport(band(0), ROW);
    await list.refresh();
    await source.flush();
    const before = list.rows.map((r) => r.item?.title);
    source.total = 1200;
    const refreshed = list.refresh();
    // The old rows stay on screen until the new read is there.
    expect(list.rows.map((r) => r.item?.title)).toEqual(before);
    await refreshed;
    expect(list.total).toBe(1200);
    await source.flush();
    expect(list.rows.map((r) => r.item?.title)).toEqual(before);
  });

  it('after an import chunk that kept the rows in place, reads again only a page that was not full', async () => {
    const source = new FakeSource(40);
    const list = new VirtualArticleList(source);
    list.setViewport(band(0), ROW);
    await list.refresh();
    await source.flush();
    expect(list.rows.at(-1)!.item?.title).toBe('Article 39');
    source.total = 600;
    source.kept = true;
    await list.refresh();
    // Page 0 (full) stays as read; page 1 held 10 rows and now holds 30.
    expect(source.reads.map((r) => r.offset)).toEqual([PAGE_SIZE]);
    await source.flush();
    list.setViewport(band(35 * ROW), ROW);
    await source.flush();
    expect(list.rows.find((r) => r.index === 42)?.item?.title).toBe('Article 42');
    // Unsure (or moved): every page on screen is read again.
    source.total = 900;
    source.kept = false;
    await list.refresh();
    expect(source.reads.length).toBeGreaterThan(1);
  });

  it('is loaded (a restore may go on) while rows read before an import chunk are read again', async () => {
    const source = new FakeSource(20_000);
    const list = new VirtualArticleList(source);
    list.setViewport(band(12_345 * ROW), ROW);
    await list.refresh();
    await source.flush();
    await list.whenLoaded();
    source.total = 21_000;
    await list.refresh();
    // The stale pages are being read again, but their rows are on screen: nothing to wait for.
    expect(source.reads.length).toBeGreaterThan(0);
    expect(list.loading).toBe(false);
    let loaded = false;
    void list.whenLoaded().then(() => (loaded = true));
    await new Promise((r) => setTimeout(r, 0));
    expect(loaded).toBe(true);
  });

  it('keeps the focused row rendered when it scrolls away', async () => {
    const source = new FakeSource(10_000);
    const list = new VirtualArticleList(source);
    list.setViewport(band(0), ROW);
    await list.refresh();
    list.pin(2);
    list.setViewport(band(5000 * ROW), ROW);
    expect(list.rows[0]!.index).toBe(2);
    expect(list.rows.length).toBeLessThan(20);
  });
});
