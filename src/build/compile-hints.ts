import type { Plugin } from 'vite';

/** V8's explicit compile hint for a whole script (Chromium 136 and later; other engines ignore a comment). */
const COMPILE_HINT = '//# allFunctionsCalledOnLoad';

/**
 * Puts V8's compile hint on the first line of the entry chunks and of the lazy chunks named in
 * `chunks` (code that runs as soon as it loads), so their functions are compiled with the script on
 * V8's streaming thread, not one by one on the main thread at their first call. Chromium keeps no
 * code cache for an ES module whose functions are compiled lazily: every visit compiled about 900 of
 * the app's functions on the main thread (about 240 ms of a warm visit at 4× throttling; issue #7,
 * docs/ARCHITECTURE.md has the figures). The source maps move down a line with the code.
 */
export function compileHints(chunks: readonly string[] = []): Plugin {
  const hinted = new Set(chunks);
  return {
    name: 'folio:compile-hints',
    apply: 'build',
    enforce: 'post',
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        for (const chunk of Object.values(bundle)) {
          if (chunk.type !== 'chunk' || !(chunk.isEntry || hinted.has(chunk.name))) continue;
          chunk.code = `${COMPILE_HINT}\n${chunk.code}`;
          if (chunk.map) chunk.map.mappings = `;${chunk.map.mappings}`;
          const map = bundle[`${chunk.fileName}.map`];
          if (map?.type === 'asset' && typeof map.source === 'string') {
            const json = JSON.parse(map.source) as { mappings: string };
            json.mappings = `;${json.mappings}`;
            map.source = JSON.stringify(json);
          }
        }
      },
    },
  };
}
