/**
 * A tiny static server for the one built app with /corpus/ mapped to the measured corpus folder
 * (nothing copied): gzip for text files (the `.gz` beside a file when the bench precompressed it,
 * else compressed once and kept in memory), ETag revalidation (the app fetches the manifest with
 * `cache: 'no-cache'`), long caching for content-hashed files, and the bench's floor page.
 */
import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { gzip, gzipSync } from 'node:zlib';
import { FLOOR_HTML } from './probe.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
  // Search index parts: pieces of one JSON text (src/cli/search-index.ts), compressible as JSON.
  '.part': 'application/octet-stream',
};
/** Compressed bodies kept in memory up to this size each (corpus chunks are at most 1 MiB raw). */
const MEMORY_CACHE_MAX = 4 * 1024 * 1024;
/** Text files, sent gzipped; index parts too, as a server configured for the corpus would. */
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.webmanifest', '.svg', '.txt', '.map', '.part']);
/** Content-hashed names (Vite assets, corpus chunks) never change. */
const IMMUTABLE = /^\/(?:assets\/|corpus\/articles-)/;
export const FLOOR_PATH = '/__bench/floor.html';
const CORPUS_PREFIX = '/corpus/';
const gzipAsync = promisify(gzip);

/** gzip as the server sends it (level 6, zlib's default). */
export function gzipSize(bytes: Buffer): number {
  return gzipSync(bytes).length;
}

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/** The file a path names: under `corpusDir` for /corpus/…, else under `root`; null when outside both. */
function resolveFile(root: string, corpusDir: string, relative: string): string | null {
  const [base, rest] = relative.startsWith(CORPUS_PREFIX)
    ? [corpusDir, relative.slice(CORPUS_PREFIX.length)]
    : [root, relative];
  const file = normalize(join(base, rest));
  return file.startsWith(base + sep) ? file : null;
}

async function precompressed(file: string, mtimeMs: number): Promise<Buffer | null> {
  try {
    const info = await stat(`${file}.gz`);
    return info.mtimeMs >= mtimeMs ? await readFile(`${file}.gz`) : null;
  } catch {
    return null;
  }
}

/** `corpusDir` is what /corpus/ maps to: by default the app's own corpus folder. */
export async function serveStatic(root: string, corpusDir = join(root, 'corpus')): Promise<StaticServer> {
  const gzipped = new Map<string, Buffer>();
  const server: Server = createServer((request, response) => {
    void (async () => {
      const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
      if (pathname === FLOOR_PATH) {
        response.writeHead(200, { 'content-type': TYPES['.html']!, 'cache-control': 'no-store' });
        response.end(FLOOR_HTML);
        return;
      }
      const relative = pathname.endsWith('/') ? `${pathname}index.html` : pathname;
      const file = resolveFile(root, corpusDir, relative);
      if (file === null) {
        response.writeHead(403).end();
        return;
      }
      try {
        const info = await stat(file);
        const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
        const headers: Record<string, string> = {
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
          'cache-control': IMMUTABLE.test(relative) ? 'public, max-age=31536000, immutable' : 'no-cache',
          etag,
          vary: 'accept-encoding',
        };
        if (request.headers['if-none-match'] === etag) {
          response.writeHead(304, headers).end();
          return;
        }
        let body: Buffer;
        if (COMPRESSIBLE.has(extname(file)) && /\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) {
          const key = etag + file;
          body =
            gzipped.get(key) ?? (await precompressed(file, info.mtimeMs)) ?? (await gzipAsync(await readFile(file)));
          if (!gzipped.has(key) && body.length < MEMORY_CACHE_MAX) gzipped.set(key, body);
          headers['content-encoding'] = 'gzip';
        } else {
          body = await readFile(file);
        }
        headers['content-length'] = String(body.length);
        response.writeHead(200, headers);
        response.end(request.method === 'HEAD' ? undefined : body);
      } catch {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
