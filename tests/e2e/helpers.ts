import { expect, type Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { E2E_DIST } from './paths.ts';

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

/** Counts the records of one object store in the app's IndexedDB (opened without a version). */
export async function storeCount(page: Page, store: string, dbName = 'folio'): Promise<number> {
  return page.evaluate(
    ([name, storeName]) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const request = db.transaction(storeName).objectStore(storeName).count();
          request.onsuccess = () => {
            db.close();
            resolve(request.result);
          };
          request.onerror = () => reject(request.error);
        };
      }),
    [dbName, store] as const,
  );
}

/** One record of one object store in the app's IndexedDB, by key (undefined when there is none). */
export async function storeRecord<T>(page: Page, store: string, key: string, dbName = 'folio'): Promise<T | undefined> {
  return page.evaluate(
    ([name, storeName, id]) =>
      new Promise<T | undefined>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const request = db.transaction(storeName).objectStore(storeName).get(id);
          request.onsuccess = () => {
            db.close();
            resolve(request.result as T | undefined);
          };
          request.onerror = () => reject(request.error);
        };
      }),
    [dbName, store, key] as const,
  );
}

/** Counts the articles stored in the app's IndexedDB. */
export function storedArticleCount(page: Page, dbName = 'folio'): Promise<number> {
  return storeCount(page, 'articles', dbName);
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

export interface BuiltManifest {
  hash: string;
  count: number;
  chunks: { file: string; hash: string; count: number }[];
  index?: unknown;
  indexVersion?: unknown;
  [key: string]: unknown;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * The demo corpus cut into `parts` chunks in `dir` (edited first by `edit`). Without `keepIndex`
 * the manifest lists no pre-built search index, so the browser builds one from the articles; with
 * it the demo's index stays (same articles, same ords).
 */
export async function cutCorpus(
  dir: string,
  parts: number,
  edit: (articles: BuiltArticle[]) => void = () => {},
  { keepIndex = false }: { keepIndex?: boolean } = {},
): Promise<{ articles: BuiltArticle[]; manifest: BuiltManifest }> {
  const source = `${E2E_DIST}/corpus`;
  const manifest = JSON.parse(await readFile(`${source}/manifest.json`, 'utf8')) as BuiltManifest;
  const articles: BuiltArticle[] = [];
  for (const chunk of manifest.chunks) {
    const data = JSON.parse(await readFile(`${source}/${chunk.file}`, 'utf8')) as { articles: BuiltArticle[] };
    articles.push(...data.articles);
  }
  edit(articles);
  await mkdir(dir, { recursive: true });
  const size = Math.ceil(articles.length / parts);
  const chunks: BuiltManifest['chunks'] = [];
  for (let i = 0; i < articles.length; i += size) {
    const slice = articles.slice(i, i + size);
    const text = JSON.stringify({ format: 1, articles: slice });
    const hash = sha256(text);
    const file = `articles-${hash.slice(0, 16)}.json`;
    await writeFile(join(dir, file), text);
    chunks.push({ file, hash, count: slice.length });
  }
  const { index, indexVersion, ...rest } = manifest;
  const kept = keepIndex ? { index, indexVersion } : {};
  if (keepIndex && Array.isArray(index)) {
    for (const ref of index as { file: string }[])
      await writeFile(join(dir, ref.file), await readFile(join(source, ref.file)));
  }
  const cut: BuiltManifest = { ...rest, ...kept, chunks, hash: sha256(chunks.map((c) => c.hash).join()) };
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(cut));
  return { articles, manifest: cut };
}
