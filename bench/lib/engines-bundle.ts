/** Bundles the engines page (engines-page.ts) with esbuild into a folder of the built app. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

export const ENGINES_PATH = '/__bench/engines.html';

const ENGINES_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>engines</title></head>
<body><p>Folio bench: search engines side by side</p><script type="module" src="./engines.js"></script></body></html>`;

export async function bundleEnginesPage(outDir: string): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [join(import.meta.dirname, 'engines-page.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    outfile: join(outDir, 'engines.js'),
    logLevel: 'warning',
  });
  writeFileSync(join(outDir, 'engines.html'), ENGINES_HTML);
}
