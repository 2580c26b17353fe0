/**
 * Faults (issue #10): each in real Chromium, with a clear message and no data lost. The corpora are
 * cut from the built demo corpus into several chunks here, so a fault can land between two chunks.
 */
import { chromium, expect, test, type BrowserContext, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, findChromium } from '../chromium.ts';
import { DB_VERSION } from '../../src/storage/db.ts';
import {
  cutCorpus,
  openHome,
  readBuiltCorpus,
  serveCorpus,
  storedArticleCount,
  type BuiltArticle,
  type BuiltManifest,
} from './helpers.ts';
import { E2E_DIST } from './paths.ts';

/** Bytes of quota that hold the demo corpus and its search index (about 290 kB) but not a bigger update. */
const QUOTA_FOR_V1 = 700_000;

/** Runs `fn` in the page against the app's database, opened without a version (no upgrade). */
async function withDb<T>(page: Page, fn: string): Promise<T> {
  return page.evaluate(
    (body) =>
      new Promise<T>((resolve, reject) => {
        const open = indexedDB.open('folio');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const run = new Function('db', `return (${body})(db);`) as (db: IDBDatabase) => Promise<T>;
          run(db).then(
            (value) => {
              db.close();
              resolve(value);
            },
            (err: unknown) => {
              db.close();
              reject(err instanceof Error ? err : new Error(String(err)));
            },
          );
        };
      }),
    fn,
  );
}

/** In-page helper source: a promise for one IDBRequest. */
const REQ = `(r) => new Promise((res, rej) => { r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); })`;

async function storedIds(page: Page): Promise<string[]> {
  const ids = await withDb<string[]>(
    page,
    `(db) => (${REQ})(db.transaction('articles').objectStore('articles').getAllKeys())`,
  );
  return ids.sort();
}

/** Articles stored in the app's database: 0 when there is no database or no articles store (never creates one). */
async function articleCountOrAbsent(page: Page): Promise<number> {
  return page.evaluate(async () => {
    if (!(await indexedDB.databases()).some((d) => d.name === 'folio')) return 0;
    return new Promise<number>((resolve, reject) => {
      const open = indexedDB.open('folio');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains('articles')) {
          db.close();
          resolve(0);
          return;
        }
        const count = db.transaction('articles').objectStore('articles').count();
        count.onsuccess = () => {
          db.close();
          resolve(count.result);
        };
        count.onerror = () => reject(count.error);
      };
    });
  });
}

async function corpusState(page: Page): Promise<{ hash: string; complete: boolean; doneChunks: string[] } | null> {
  return withDb(page, `(db) => (${REQ})(db.transaction('meta').objectStore('meta').get('corpus'))`);
}

test.describe('faults', () => {
  // withDb runs its body with new Function, which the app's CSP (no 'unsafe-eval') refuses inside the page.
  // The policy itself is tested in security.spec.ts; here the pages only need to be inspected.
  test.use({ bypassCSP: true });

  test('an import killed mid-way resumes on the next launch, with no duplicate or missing article', async ({
    baseURL,
  }, testInfo) => {
    test.setTimeout(180_000);
    const dir = testInfo.outputPath('cut');
    const { articles, manifest } = await cutCorpus(dir, 5);
    const userDataDir = await mkdtemp(join(tmpdir(), 'folio-kill-'));
    const STALL_AFTER = 2;
    const launch = (): Promise<BrowserContext> =>
      chromium.launchPersistentContext(userDataDir, {
        executablePath: findChromium(),
        args: CHROMIUM_ARGS,
        baseURL,
        bypassCSP: true,
        serviceWorkers: 'block',
      });
    /** Serves the cut corpus; with `stall`, chunk requests past the first few never get an answer. */
    const serve = async (context: BrowserContext, stall: boolean, seen: string[]): Promise<void> => {
      await context.route('**/corpus/**', async (route) => {
        const name = new URL(route.request().url()).pathname.split('/corpus/')[1] ?? '';
        if (name !== 'manifest.json') {
          seen.push(name);
          if (stall && seen.length > STALL_AFTER) return; // left hanging, like a dead network
        }
        await route.fulfill({ body: await readFile(join(dir, name)), contentType: 'application/json' });
      });
    };
    try {
      const first = await launch();
      const firstChunks: string[] = [];
      await serve(first, true, firstChunks);
      const page = first.pages()[0] ?? (await first.newPage());
      await page.goto('./');
      // The newest chunk is written first and home shows it while the import goes on.
      await expect(page.getByRole('progressbar', { name: 'Import progress' })).toBeVisible({ timeout: 30_000 });
      await expect(page.getByRole('heading', { level: 1, name: 'Latest articles' })).toBeVisible({ timeout: 30_000 });
      await expect
        .poll(async () => (await corpusState(page))?.doneChunks.length ?? 0, { timeout: 30_000 })
        .toBe(STALL_AFTER);
      expect(firstChunks[0]).toBe(manifest.chunks[manifest.chunks.length - 1]!.file);
      // SIGKILL the browser: no unload, no chance to tidy up. It is this test's own child process.
      const ps = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
      const line = ps.split('\n').find((l) => l.includes(userDataDir));
      expect(line, 'the browser process').toBeTruthy();
      const pid = Number(line!.trim().split(/\s+/)[0]);
      process.kill(pid, 'SIGKILL');
      await first.close().catch(() => {});

      const second = await launch();
      const secondChunks: string[] = [];
      await serve(second, false, secondChunks);
      const again = second.pages()[0] ?? (await second.newPage());
      await openHome(again);
      const state = await corpusState(again);
      expect(state?.complete).toBe(true);
      expect(state?.hash).toBe(manifest.hash);
      expect(await storedArticleCount(again)).toBe(articles.length);
      expect(await storedIds(again)).toEqual(articles.map((a) => a.id).sort());
      // It resumed: the chunks written before the kill were not fetched again.
      expect(secondChunks).toHaveLength(manifest.chunks.length - STALL_AFTER);
      await second.close();
    } finally {
      await rm(userDataDir, { recursive: true, force: true });
    }
  });

  test('an update with a damaged chunk keeps the old corpus whole; Retry after the fix brings the new one', async ({
    page,
  }, testInfo) => {
    test.setTimeout(120_000);
    const v1Dir = testInfo.outputPath('v1');
    const v2Dir = testInfo.outputPath('v2');
    const { articles: v1 } = await cutCorpus(v1Dir, 5);
    const first = v1[0]!;
    const last = v1[v1.length - 1]!;
    // v2 changes the oldest and the newest chunk: two chunks to write, the second one damaged.
    const { manifest: v2 } = await cutCorpus(v2Dir, 5, (articles) => {
      articles[0]!.title = `${first.title} (v2)`;
      articles[articles.length - 1]!.title = `${last.title} (v2)`;
    });
    const damaged = join(v2Dir, v2.chunks[v2.chunks.length - 1]!.file);
    const good = await readFile(damaged, 'utf8');
    await writeFile(damaged, good.replace('<p>', '<p>Tampered. '));

    await serveCorpus(page, v1Dir);
    await openHome(page);
    await page.unrouteAll();
    await serveCorpus(page, v2Dir);
    await page.reload();
    const alert = page.getByRole('alert');
    await expect(alert).toContainText('The latest articles could not be brought in', { timeout: 30_000 });
    await expect(alert).toContainText('Part of the article collection arrived damaged');
    await expect(alert).toContainText('keep reading the articles already on this device');
    // v1 is still whole and unchanged: no v2 record from the good chunk slipped in.
    expect(await storedArticleCount(page)).toBe(v1.length);
    const titles = await withDb<string[]>(
      page,
      `(db) => (${REQ})(db.transaction('articles').objectStore('articles').getAll()).then((all) => all.map((a) => a.title))`,
    );
    expect(titles.filter((t) => t.endsWith('(v2)'))).toEqual([]);
    await expect(page.locator('ol.articles > li a.title').first()).toHaveText(last.title);
    await page.goto(`./#/article/${encodeURIComponent(first.id)}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(first.title);

    // The server is fixed; the reader presses Try again.
    await writeFile(damaged, good);
    await page.getByRole('alert').getByRole('button', { name: 'Try again' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`${first.title} (v2)`, { timeout: 30_000 });
    await expect(page.getByRole('alert')).toHaveCount(0);
    expect((await corpusState(page))?.hash).toBe(v2.hash);
    await page.goto('./#/');
    await expect(page.locator('ol.articles > li a.title').first()).toHaveText(`${last.title} (v2)`);
  });

  test('a database left by schema v2 is upgraded, keeping saved articles and reading history', async ({ page }) => {
    await page.goto('./favicon.svg');
    await page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('folio', 2);
          open.onupgradeneeded = () => {
            const db = open.result;
            const articles = db.createObjectStore('articles', { keyPath: 'id' });
            articles.createIndex('by-ord', 'ord');
            articles.createIndex('by-cat', ['cat', 'ord']);
            articles.createIndex('by-ym', ['ym', 'ord']);
            articles.createIndex('by-lang', ['lang', 'ord']);
            db.createObjectStore('meta');
            db.createObjectStore('saved', { keyPath: 'id' }).createIndex('by-time', 'savedAt');
            db.createObjectStore('history', { keyPath: 'id' }).createIndex('by-time', 'readAt');
            // An article in an old shape, and an old corpus marker: both must give way.
            articles.put({ id: 'old-article', title: 'Old', ord: 0 });
            open.transaction!.objectStore('meta').put({ complete: true }, 'corpus');
            open.transaction!.objectStore('saved').put({
              id: 'kept-saved',
              title: 'A saved article from long ago',
              lang: 'en',
              date: '2020-01-01',
              category: null,
              savedAt: 1,
            });
            open.transaction!.objectStore('history').put({
              id: 'kept-read',
              title: 'An article read long ago',
              lang: 'en',
              readAt: 2,
              y: 0,
              progress: 0.5,
            });
          };
          open.onsuccess = () => {
            open.result.close();
            resolve();
          };
          open.onerror = () => reject(open.error);
        }),
    );
    await openHome(page);
    const built = JSON.parse(await readFile(`${E2E_DIST}/corpus/manifest.json`, 'utf8')) as BuiltManifest;
    expect(await storedArticleCount(page)).toBe(built.count);
    expect(await withDb<number>(page, '(db) => Promise.resolve(db.version)')).toBe(DB_VERSION);
    await page.goto('./#/saved');
    await expect(page.getByRole('link', { name: 'A saved article from long ago' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'An article read long ago' })).toBeVisible();
  });

  test('a v1 database with a broken layout is rebuilt, and the library imported again', async ({ page }) => {
    await page.goto('./favicon.svg');
    await page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('folio', 1);
          open.onupgradeneeded = () => {
            // No indexes, a key path of another build: unusable for lists.
            open.result.createObjectStore('articles', { keyPath: 'key' }).put({ key: 'x', junk: true });
            open.result.createObjectStore('meta').put('garbage', 'corpus');
          };
          open.onsuccess = () => {
            open.result.close();
            resolve();
          };
          open.onerror = () => reject(open.error);
        }),
    );
    await openHome(page);
    await expect(page.locator('ol.articles > li').first()).toBeVisible();
    const built = JSON.parse(await readFile(`${E2E_DIST}/corpus/manifest.json`, 'utf8')) as BuiltManifest;
    expect(await storedArticleCount(page)).toBe(built.count);
    expect((await corpusState(page))?.complete).toBe(true);
  });

  test('a corrupt article record is noticed and repaired, not shown broken', async ({ page }) => {
    await openHome(page);
    const [victim] = await withDb<{ id: string; title: string }[]>(
      page,
      `(db) => (${REQ})(db.transaction('articles').objectStore('articles').getAll()).then((all) => all.slice(3, 4))`,
    );
    await withDb(
      page,
      `(db) => { const tx = db.transaction('articles', 'readwrite');
        tx.objectStore('articles').put({ id: ${JSON.stringify(victim!.id)}, title: 42, html: null, ord: 'x' });
        return new Promise((res) => { tx.oncomplete = () => res(null); }); }`,
    );
    await page.reload();
    // The list skips the bad record rather than breaking.
    await expect(page.locator('ol.articles > li').first()).toBeVisible();
    await page.goto(`./#/article/${encodeURIComponent(victim!.id)}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(victim!.title, { timeout: 30_000 });
    const repaired = await withDb<{ title: unknown }>(
      page,
      `(db) => (${REQ})(db.transaction('articles').objectStore('articles').get(${JSON.stringify(victim!.id)}))`,
    );
    expect(repaired.title).toBe(victim!.title);
  });

  test("articles deleted behind the app's back are noticed and put back at the top of the list", async ({ page }) => {
    await openHome(page);
    const links = page.locator('ol.articles > li a[href^="#/article/"]');
    await expect(links.nth(2)).toBeVisible();
    const newest = await links.evaluateAll((all) =>
      all.slice(0, 3).map((a) => [a.getAttribute('href'), a.textContent]),
    );
    const ids = newest.map(([href]) => decodeURIComponent(String(href).slice('#/article/'.length)));
    await withDb(
      page,
      `(db) => { const tx = db.transaction('articles', 'readwrite');
        for (const id of ${JSON.stringify(ids)}) tx.objectStore('articles').delete(id);
        return new Promise((res) => { tx.oncomplete = () => res(null); }); }`,
    );
    const built = JSON.parse(await readFile(`${E2E_DIST}/corpus/manifest.json`, 'utf8')) as BuiltManifest;
    expect(await storedArticleCount(page)).toBe(built.count - 3);
    await page.reload();
    // The list of a complete corpus is sized from its manifest (no count): the count check repairs it.
    await expect
      .poll(() => links.evaluateAll((all) => all.slice(0, 3).map((a) => [a.getAttribute('href'), a.textContent])), {
        timeout: 30_000,
      })
      .toEqual(newest);
    await expect(page.locator('ol.articles > li').first()).toHaveAttribute('aria-setsize', String(built.count));
    expect(await storedArticleCount(page)).toBe(built.count);
  });

  test('a garbage corpus state is replaced by a fresh import that keeps what is sound', async ({ page }) => {
    await openHome(page);
    const before = await storedIds(page);
    await withDb(
      page,
      `(db) => { const tx = db.transaction('meta', 'readwrite');
        tx.objectStore('meta').put({ complete: 'yes', hash: 7, manifest: [] }, 'corpus');
        return new Promise((res) => { tx.oncomplete = () => res(null); }); }`,
    );
    await page.reload();
    await openHome(page);
    expect((await corpusState(page))?.complete).toBe(true);
    expect(await storedIds(page)).toEqual(before);
  });

  test('full storage during the first import says so in both languages, reads from the network; Retry stores once there is room', async ({
    page,
    baseURL,
  }) => {
    test.setTimeout(120_000);
    const articles = await readBuiltCorpus(`${E2E_DIST}/corpus`);
    const origin = new URL(baseURL!).origin;
    const cdp = await page.context().newCDPSession(page);
    await page.goto('./favicon.svg');
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 1024 });
    await page.goto('./');
    const alert = page.getByRole('alert');
    await expect(alert).toContainText('Storage is full', { timeout: 30_000 });
    await expect(alert).toContainText('not kept for offline reading');
    await page.getByRole('button', { name: '切换到中文界面' }).click();
    await expect(alert).toContainText('存储空间已满');
    await page.getByRole('button', { name: 'Switch to the English interface' }).click();

    // The reader goes on from the network: home lists the newest articles, newest first.
    const newest = [...articles].filter((a) => a.date).sort((a, b) => b.ord - a.ord);
    await expect(page.getByRole('heading', { level: 1, name: 'Latest articles' })).toBeVisible();
    const links = page.locator('ol.articles > li a.title');
    await expect(links.first()).toHaveText(newest[0]!.title, { timeout: 30_000 });
    await expect(page.getByRole('progressbar')).toHaveCount(0, { timeout: 30_000 });
    // An article opens by a click, and previous/next walk its language's chain.
    const first = newest[0]!;
    await links.first().click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(first.title);
    const chain = articles.filter((a) => a.lang === first.lang).sort((a, b) => a.ord - b.ord);
    const at = chain.findIndex((a) => a.id === first.id);
    expect(at).toBeGreaterThan(0);
    await page.locator('a[rel="prev"]').click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(chain[at - 1]!.title);
    await page.locator('a[rel="next"]').click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(first.title);
    // Search finds an article by a word of its title.
    const target = articles.find((a) => a.id === 'en-2024-01-diamond-sensor')!;
    await page.goto('./#/search?q=magnetometer');
    const results = page.getByRole('list', { name: 'Search results' });
    await expect(results.getByRole('link', { name: target.title })).toBeVisible({ timeout: 30_000 });
    await results.getByRole('link', { name: target.title }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(target.title);
    // Nothing was kept on the device.
    expect(await articleCountOrAbsent(page)).toBe(0);
    await expect(alert).toContainText('Storage is full');

    // Room again: Try again stores the whole corpus, and the banner goes.
    await cdp.send('Storage.overrideQuotaForOrigin', { origin });
    await alert.getByRole('button', { name: 'Try again' }).click();
    await expect(page.getByRole('alert')).toHaveCount(0, { timeout: 30_000 });
    await expect.poll(() => articleCountOrAbsent(page), { timeout: 30_000 }).toBe(articles.length);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(target.title);
    await page.goto('./#/');
    await expect(links.first()).toHaveText(newest[0]!.title);
  });

  test('full storage during an update keeps the library and saved articles, and drops the search cache', async ({
    page,
    baseURL,
  }, testInfo) => {
    test.setTimeout(120_000);
    const v1Dir = testInfo.outputPath('v1');
    const v2Dir = testInfo.outputPath('v2');
    const { articles: v1 } = await cutCorpus(v1Dir, 2);
    // Every article changes and grows by 10 kB: more than the room left.
    await cutCorpus(v2Dir, 2, (articles) => {
      for (const a of articles) {
        a.title = `${a.title} (v2)`;
        (a as BuiltArticle & { html: string }).html += `<p>${'More text. '.repeat(1000)}</p>`;
      }
    });
    const origin = new URL(baseURL!).origin;
    const cdp = await page.context().newCDPSession(page);
    // Chromium reads an origin's quota when its storage first opens: room for v1 and its search
    // index, not for rewriting every article on top.
    await page.goto('./favicon.svg');
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: QUOTA_FOR_V1 });
    await serveCorpus(page, v1Dir);
    await openHome(page);
    const kept = v1[5]!;
    await page.goto(`./#/article/${encodeURIComponent(kept.id)}`);
    await page.getByRole('button', { name: 'Save this article' }).click();
    await expect(page.getByRole('button', { name: 'Remove from saved articles' })).toBeVisible();
    // The search index the browser built is cached once search has run.
    await page.goto('./#/search?q=research');
    await expect
      .poll(
        () =>
          withDb<number>(page, `(db) => (${REQ})(db.transaction('searchIndex').objectStore('searchIndex').count())`),
        {
          timeout: 30_000,
        },
      )
      .toBeGreaterThan(0);

    await page.unrouteAll();
    await serveCorpus(page, v2Dir);
    await page.goto('./#/');
    await page.reload();
    const alert = page.getByRole('alert');
    await expect(alert).toContainText('Storage is full', { timeout: 30_000 });
    await expect(alert).toContainText('keep reading the articles already on this device');
    await expect(alert).toContainText('removed its cached search index');
    await expect(page.locator('ol.articles > li a.title').first()).toBeVisible();
    expect(await storedArticleCount(page)).toBe(v1.length);
    expect(
      await withDb<number>(page, `(db) => (${REQ})(db.transaction('searchIndex').objectStore('searchIndex').count())`),
    ).toBe(0);
    await page.goto('./#/saved');
    await expect(page.getByRole('link', { name: kept.title }).first()).toBeVisible();
    await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  });

  test('a database upgrade from another tab: the old tab lets go and says why, the new one proceeds', async ({
    page,
    context,
  }) => {
    await openHome(page);
    const other = await context.newPage();
    await other.goto('./favicon.svg');
    const upgraded = await other.evaluate(
      (version) =>
        new Promise<string>((resolve) => {
          const open = indexedDB.open('folio', version);
          open.onblocked = () => resolve('blocked');
          open.onsuccess = () => {
            open.result.close();
            resolve(`opened v${open.result.version}`);
          };
          open.onerror = () => resolve(`error ${String(open.error)}`);
        }),
      DB_VERSION + 1,
    );
    expect(upgraded).toBe(`opened v${DB_VERSION + 1}`);
    const alert = page.getByRole('alert');
    await expect(alert).toContainText('Another Folio tab needs a newer version of the library');
    // This tab's code is now older than the database: reloading it says so instead of failing blindly.
    await alert.getByRole('button', { name: 'Reload' }).click();
    await expect(page.getByRole('alert')).toContainText('A newer version of Folio has upgraded the library');
    await expect(page.getByRole('alert').getByRole('button', { name: 'Reload' })).toBeVisible();
  });

  test('an app part that fails to download (the sanitizer, offline before it was cached) is named, with Reload', async ({
    page,
  }) => {
    const [article] = await readBuiltCorpus(`${E2E_DIST}/corpus`);
    await page.route('**/assets/purify*', (route) => route.abort('internetdisconnected'));
    await openHome(page);
    await page.goto(`./#/article/${encodeURIComponent(article!.id)}`);
    // The article's heading and links still show; the body says why it is missing.
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(article!.title);
    const alert = page.getByRole('alert').filter({ hasText: 'This page could not be loaded' });
    await expect(alert).toBeVisible();
    await expect(page.locator('a[rel="prev"], a[rel="next"]').first()).toBeVisible();
    await page.unroute('**/assets/purify*');
    await alert.getByRole('button', { name: 'Reload' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(article!.title);
    await expect(page.locator('article .body p').first()).toBeVisible();
    await expect(alert).toHaveCount(0);
  });

  test('with no service worker the app works online and quietly says offline reading is off', async ({ page }) => {
    // As in some private windows: no navigator.serviceWorker at all.
    await page.addInitScript(() => {
      delete (Navigator.prototype as { serviceWorker?: unknown }).serviceWorker;
    });
    await openHome(page);
    const notice = page.getByRole('status').filter({ hasText: 'Offline reading is off in this browser' });
    await expect(notice).toBeVisible();
    await expect(page.getByRole('alert')).toHaveCount(0);
    await page.getByRole('button', { name: '切换到中文界面' }).click();
    await expect(page.getByRole('status').filter({ hasText: '此浏览器未开启离线阅读' })).toBeVisible();
  });

  test('with service workers blocked the notice shows too', async ({ page }) => {
    // The default config blocks registration (serviceWorkers: 'block').
    await openHome(page);
    await expect(page.getByRole('status').filter({ hasText: 'Offline reading is off in this browser' })).toBeVisible();
  });
});
