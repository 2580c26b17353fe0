import { svelte } from '@sveltejs/vite-plugin-svelte';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { encodePng, ICON_FILES, renderIcon } from './src/offline/icon.ts';
import { COMMON_HEADERS, contentSecurityPolicy } from './src/security/policy.ts';
import { compileHints } from './src/build/compile-hints.ts';
import { securityPolicy } from './src/security/vite-plugin.ts';

/**
 * Largest file the service worker precaches. Corpus chunks are at most 1 MiB; corpus images are
 * copied as they are, so there is head room for them. A file over it fails the build (see below).
 */
const PRECACHE_MAX_BYTES = 4 * 1024 * 1024;
const SW_FILE = 'sw.js';
/** Built files that are never precached: source maps and the service worker itself. */
const NOT_PRECACHED = [/\.map$/, /^sw\.js$/];
const THEME_COLOR = '#0b5cad';
const BACKGROUND_COLOR = '#fbfaf7';

/** The PNG app icons, drawn at build time from the favicon's design (src/offline/icon.ts). */
function appIcons(): Plugin {
  return {
    name: 'folio:app-icons',
    apply: 'build',
    generateBundle() {
      for (const icon of ICON_FILES) {
        const png = encodePng(icon.size, renderIcon(icon.size, icon.purpose), (raw) => deflateSync(raw));
        this.emitFile({ type: 'asset', fileName: icon.fileName, source: png });
      }
    },
    transformIndexHtml() {
      return [
        { tag: 'meta', attrs: { name: 'theme-color', content: THEME_COLOR }, injectTo: 'head' },
        { tag: 'link', attrs: { rel: 'apple-touch-icon', href: './icons/apple-touch-icon.png' }, injectTo: 'head' },
      ];
    },
  };
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : [path];
  });
}

/**
 * Fails the build when a built file (the corpus above all) is missing from the precache manifest:
 * workbox only warns when it drops a file, and a reader would find out offline, far too late.
 */
function precacheCheck(): Plugin {
  let outDir = '';
  return {
    name: 'folio:precache-check',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle: {
      sequential: true,
      order: 'post',
      handler() {
        const sw = readFileSync(join(outDir, SW_FILE), 'utf8');
        const problems: string[] = [];
        for (const path of listFiles(outDir)) {
          const url = relative(outDir, path).split('\\').join('/');
          if (NOT_PRECACHED.some((re) => re.test(url))) continue;
          const size = statSync(path).size;
          if (size > PRECACHE_MAX_BYTES) problems.push(`${url} is ${size} bytes, over ${PRECACHE_MAX_BYTES}`);
          else if (!sw.includes(JSON.stringify(url))) problems.push(`${url} is not in the precache manifest`);
        }
        if (!sw.includes(JSON.stringify('corpus/manifest.json'))) problems.push('the corpus manifest is not precached');
        if (problems.length > 0) {
          throw new Error(`Folio would not work offline:\n  ${problems.join('\n  ')}`);
        }
      },
    },
  };
}

export default defineConfig({
  // Relative asset URLs: the built app works from any folder of any static host.
  base: './',
  // The offline e2e tests build the app over another corpus (tests/e2e/offline-helpers.ts).
  publicDir: process.env.FOLIO_PUBLIC_DIR ?? 'public',
  // FOLIO_KIOSK=1 [FOLIO_KIOSK_IDLE=<seconds>] at build time forces kiosk mode (docs/KIOSK.md).
  envPrefix: ['VITE_', 'FOLIO_KIOSK'],
  plugins: [
    svelte(),
    appIcons(),
    // CSP + Trusted Types: a <meta> fallback in index.html, real headers from `vite preview` (docs/SECURITY.md).
    securityPolicy(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      // Registered by src/offline/register.ts (workbox-window), only in the full app.
      injectRegister: false,
      manifestFilename: 'manifest.webmanifest',
      manifest: {
        id: './',
        name: 'Folio — news archive reader',
        short_name: 'Folio',
        description: 'Read the news archive, online or offline.',
        lang: 'en',
        start_url: './',
        scope: './',
        display: 'standalone',
        theme_color: THEME_COLOR,
        background_color: BACKGROUND_COLOR,
        icons: ICON_FILES.filter((icon) => !icon.fileName.includes('apple')).map((icon) => ({
          src: icon.fileName,
          sizes: `${icon.size}x${icon.size}`,
          type: 'image/png',
          purpose: icon.purpose,
        })),
      },
      injectManifest: {
        rollupFormat: 'iife',
        globPatterns: ['**/*'],
        // The plugin adds the web app manifest itself.
        globIgnores: ['**/*.map', 'manifest.webmanifest'],
        maximumFileSizeToCacheInBytes: PRECACHE_MAX_BYTES,
        // Content-hashed names need no revision: the name changes with the bytes.
        dontCacheBustURLsMatching: /^(?:assets\/.+-[\w-]{8}\.\w+|corpus\/articles-[0-9a-f]{16}\.json)$/,
      },
    }),
    precacheCheck(),
    // The search page's code runs as soon as its chunk loads (src/build/compile-hints.ts).
    compileHints(['SearchPage']),
  ],
  build: {
    target: 'es2022',
    sourcemap: true,
    modulePreload: {
      // A lazy chunk itself is not preloaded with a <link rel="modulepreload">: appending that link
      // took 8-30 ms of the navigation's task at 4x throttling (issue #7), and import() fetches the
      // chunk anyway. The chunks it shares with others still are; its CSS (added by Vite after this)
      // still loads first, so the view never shows unstyled.
      resolveDependencies: (file, deps, { hostType }) =>
        hostType === 'js' ? deps.filter((dep) => dep !== file) : deps,
    },
  },
  preview: {
    port: 4173,
    strictPort: true,
    // The same on every response; securityPolicy() sets the per-path ones (embed.html's CSP, Cache-Control).
    headers: { ...COMMON_HEADERS, 'Content-Security-Policy': contentSecurityPolicy({ kind: 'app' }) },
  },
});
