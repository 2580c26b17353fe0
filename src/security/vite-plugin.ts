/**
 * Build and preview side of src/security/policy.ts:
 * - every built HTML page gets the CSP as a `<meta http-equiv>` first thing in <head>, for static hosts
 *   that cannot set headers (without the header-only directives, e.g. frame-ancestors);
 * - `vite preview` (npm start, the e2e server) sends the full headers per path: the CSP (the app's, or
 *   embed.html's with its own frame-ancestors) and Cache-Control, over whatever sirv set.
 */
import type { Plugin } from 'vite';
import { contentSecurityPolicy, DEFAULT_EMBED_FRAME_ANCESTORS, pageKind, securityHeaders } from './policy.ts';

/** Partner origins allowed to frame embed.html (space-separated CSP sources), at serve time. */
function embedFrameAncestors(): string {
  const value = process.env.FOLIO_EMBED_FRAME_ANCESTORS?.trim();
  return value ? value : DEFAULT_EMBED_FRAME_ANCESTORS;
}

export function securityPolicy(): Plugin {
  return {
    name: 'folio:security-policy',
    transformIndexHtml: {
      order: 'post',
      handler(html, context) {
        // Build only: the dev server injects its own client, which this policy is not written for.
        if (context.server) return html;
        const csp = contentSecurityPolicy({ kind: pageKind(context.path), meta: true });
        const meta = `<meta http-equiv="Content-Security-Policy" content="${csp}" />`;
        // Right after <meta charset> (which must come first), before any script or stylesheet.
        const charset = /<meta charset="[^"]*"\s*\/?>/i.exec(html);
        if (!charset) return html.replace(/<head>/i, `<head>\n    ${meta}`);
        const end = charset.index + charset[0].length;
        return `${html.slice(0, end)}\n    ${meta}${html.slice(end)}`;
      },
    },
    configurePreviewServer(server) {
      const ancestors = embedFrameAncestors();
      // Runs before sirv: the headers are set at writeHead time, so they win over sirv's defaults.
      server.middlewares.use((request, response, next) => {
        const path = new URL(request.url ?? '/', 'http://localhost').pathname;
        const headers = securityHeaders(path.endsWith('/') ? `${path}index.html` : path, ancestors);
        const ours = new Set(Object.keys(headers).map((name) => name.toLowerCase()));
        const writeHead = response.writeHead.bind(response);
        response.writeHead = ((...args: Parameters<typeof writeHead>) => {
          // Headers passed to writeHead itself would override setHeader: drop the ones we set.
          for (const arg of args) {
            if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) continue;
            const passed = arg as Record<string, unknown>;
            for (const name of Object.keys(passed)) if (ours.has(name.toLowerCase())) delete passed[name];
          }
          for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
          return writeHead(...args);
        }) as typeof response.writeHead;
        next();
      });
    },
  };
}
