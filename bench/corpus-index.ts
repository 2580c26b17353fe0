/**
 * Pre-built search index figures (issue 6): build time inside `npm run corpus`, transfer size
 * (gzip) of the index beside the corpus itself, and import time of the joined export.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Manifest } from '../src/corpus/types.ts';
import { importIndex } from '../src/search/engine.ts';

export interface IndexFigure {
  corpus: string;
  articles: number;
  corpusGzipBytes: number;
  indexGzipBytes: number;
  indexParts: number;
  importMs: number;
}

/** Reads a built corpus folder and measures its index: sizes once, import `runs` times (median). */
export async function measureIndex(name: string, dir: string, runs: number): Promise<IndexFigure | null> {
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  if (!manifest.index) return null;
  let corpusGzipBytes = 0;
  for (const chunk of manifest.chunks) corpusGzipBytes += gzipSync(await readFile(join(dir, chunk.file))).length;
  const parts = await Promise.all(manifest.index.map((ref) => readFile(join(dir, ref.file), 'utf8')));
  const indexGzipBytes = parts.reduce((sum, part) => sum + gzipSync(part).length, 0);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    importIndex(JSON.parse(parts.join('')) as [string, string][]);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return {
    corpus: name,
    articles: manifest.count,
    corpusGzipBytes,
    indexGzipBytes,
    indexParts: manifest.index.length,
    importMs: times[Math.floor(times.length / 2)] ?? 0,
  };
}
