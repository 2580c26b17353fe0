/**
 * The <folio-reader> widget build (docs/WIDGET.md): `vite build -c vite.widget.config.ts`, after the
 * app's build, writes dist/widget/folio-reader.js (stable name, ES module), its search worker and
 * embed.html (the iframe alternative) with their hashed assets under dist/widget/assets/.
 */
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';
import { compileHints } from './src/build/compile-hints.ts';
import { securityPolicy } from './src/security/vite-plugin.ts';

/** The widget's root component, compiled as a custom element; every other component is a plain one. */
const CUSTOM_ELEMENT_ROOT = /[\\/]src[\\/]widget[\\/]FolioReader\.svelte$/;
const WIDGET_ENTRY = 'folio-reader';

export default defineConfig({
  // Relative URLs: the worker and embed assets load from wherever folio-reader.js is served.
  base: './',
  // public/ (the corpus, the app icons) belongs to the app build, not to the widget.
  publicDir: false,
  plugins: [
    svelte({
      // Every component's CSS is injected at run time into the shadow root it renders in, never into document.head.
      emitCss: false,
      compilerOptions: { css: 'injected' },
      dynamicCompileOptions({ filename }) {
        return CUSTOM_ELEMENT_ROOT.test(filename) ? { customElement: true } : undefined;
      },
    }),
    // embed.html's CSP (with Trusted Types) as a <meta>; hosts should also send it as a header (docs/SECURITY.md).
    securityPolicy(),
    // folio-reader.js compiled with the script on V8's streaming thread, not on the host's main thread.
    compileHints(),
  ],
  worker: {
    format: 'es',
  },
  build: {
    outDir: 'dist/widget',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // No preload helper: the widget has no dynamic imports, and it must not add <link> tags to the host.
    modulePreload: false,
    rollupOptions: {
      input: { [WIDGET_ENTRY]: 'src/widget.ts', embed: 'embed.html' },
      preserveEntrySignatures: 'allow-extension',
      output: {
        entryFileNames: (chunk) => (chunk.name === WIDGET_ENTRY ? `${WIDGET_ENTRY}.js` : 'assets/[name]-[hash].js'),
      },
    },
  },
});
