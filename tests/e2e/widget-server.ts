/**
 * The widget e2e tests' own static server (node:http): the widget build, two corpora and host-page
 * fixtures, with per-page response headers (a CSP). Bound to 127.0.0.1 on a free port, so
 * http://localhost:<port> and http://127.0.0.1:<port> are two origins of one server.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.jpg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
};

export interface Fixture {
  body: string;
  headers?: Record<string, string>;
}

export interface StaticServer {
  port: number;
  /** Pages served at these paths instead of files (path -> page). */
  fixtures: Map<string, Fixture>;
  close(): Promise<void>;
}

export async function startStaticServer(root: string): Promise<StaticServer> {
  const fixtures = new Map<string, Fixture>();
  const server: Server = createServer((request, response) => {
    void (async () => {
      const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
      const fixture = fixtures.get(path);
      if (fixture) {
        const type = TYPES[extname(path)] ?? 'text/html; charset=utf-8';
        response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store', ...fixture.headers });
        response.end(fixture.body);
        return;
      }
      const file = normalize(join(root, path));
      if (!file.startsWith(normalize(root))) {
        response.writeHead(403).end();
        return;
      }
      try {
        const body = await readFile(file);
        response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
        response.end(body);
      } catch {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    fixtures,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
