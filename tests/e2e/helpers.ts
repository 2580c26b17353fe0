import { expect, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Serves the app's corpus/ URLs from another built corpus folder. */
export async function serveCorpus(page: Page, dir: string, delayMs = 0): Promise<void> {
  await page.route('**/corpus/**', async (route) => {
    const name = new URL(route.request().url()).pathname.split('/corpus/')[1] ?? '';
    if (delayMs > 0 && name !== 'manifest.json') await new Promise((r) => setTimeout(r, delayMs));
    try {
      const body = await readFile(join(dir, name));
      await route.fulfill({ body, contentType: name.endsWith('.json') ? 'application/json' : undefined });
    } catch {
      await route.fulfill({ status: 404, body: 'not found' });
    }
  });
}

/** Waits until the library is imported and the latest list shows. */
export async function openHome(page: Page, url = './'): Promise<void> {
  await page.goto(url);
  await expect(page.getByRole('heading', { level: 1, name: /Latest articles|最新文章/ })).toBeVisible({
    timeout: 30_000,
  });
  // Home shows while a first import goes on in the background: wait for its end too.
  await expect(page.getByRole('progressbar', { name: /Import progress|导入进度/ })).toHaveCount(0, {
    timeout: 60_000,
  });
}

/** Counts the articles stored in the app's IndexedDB. */
export async function storedArticleCount(page: Page, dbName = 'folio'): Promise<number> {
  return page.evaluate(
    (name) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const request = db.transaction('articles').objectStore('articles').count();
          request.onsuccess = () => {
            db.close();
            resolve(request.result);
          };
          request.onerror = () => reject(request.error);
        };
      }),
    dbName,
  );
}

export interface BuiltArticle {
  id: string;
  title: string;
  lang: string;
  date: string | null;
  category: string | null;
  ord: number;
  /** Sanitized body HTML. */
  html: string;
}

/** Reads a built corpus (manifest + chunks) from disk, in corpus order. */
export async function readBuiltCorpus(dir: string): Promise<BuiltArticle[]> {
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { chunks: { file: string }[] };
  const articles: BuiltArticle[] = [];
  for (const chunk of manifest.chunks) {
    const data = JSON.parse(await readFile(join(dir, chunk.file), 'utf8')) as { articles: BuiltArticle[] };
    articles.push(...data.articles);
  }
  return articles;
}
