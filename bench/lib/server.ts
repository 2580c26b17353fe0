/**
 * A tiny static server for a built app: gzip for text files (so transfer figures are realistic),
 * ETag revalidation (the app fetches the manifest with `cache: 'no-cache'`), long caching for
 * content-hashed files, and the bench's floor page at /__bench/floor.html.
 */
import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
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
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.webmanifest', '.svg', '.txt', '.map']);
/** Content-hashed names (Vite assets, corpus chunks) never change. */
const IMMUTABLE = /^\/(?:assets\/|corpus\/articles-)/;
export const FLOOR_PATH = '/__bench/floor.html';

/** gzip as the server sends it (level 6, zlib's default). */
export function gzipSize(bytes: Buffer): number {
  return gzipSync(bytes).length;
}

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

export async function serveStatic(root: string): Promise<StaticServer> {
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
      const file = normalize(join(root, relative));
      if (!file.startsWith(root + sep)) {
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
        let body: Buffer = await readFile(file);
        if (COMPRESSIBLE.has(extname(file)) && /\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) {
          const cached = gzipped.get(etag + file) ?? gzipSync(body);
          gzipped.set(etag + file, cached);
          body = cached;
          headers['content-encoding'] = 'gzip';
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
