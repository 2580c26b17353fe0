/**
 * The pre-built search index shipped with a corpus: the same engine code and configuration as
 * the app's worker (src/search/engine.ts), so the browser imports it exactly.
 */
import type { Chunk, IndexRef, Manifest } from '../corpus/types.ts';
import {
  addArticles,
  compactEngine,
  createEngine,
  ENGINE_VERSION,
  exportIndex,
  toSearchDoc,
} from '../search/engine.ts';

/** Characters per index part: at most 4 bytes each in UTF-8, so every part stays under 2 MiB (Workbox's default). */
export const INDEX_PART_CHARS = 256 * 1024;
const NAME_HEX_DIGITS = 16;

/** Splits text into parts of at most `size` characters, never between the halves of a surrogate pair. */
export function splitText(text: string, size: number): string[] {
  const parts: string[] = [];
  for (let start = 0; start < text.length;) {
    let end = Math.min(text.length, start + size);
    const last = text.charCodeAt(end - 1);
    // Ending on a high surrogate would cut a pair: end before it, or after its pair when it is alone.
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end += end - 1 > start ? -1 : 1;
    parts.push(text.slice(start, end));
    start = end;
  }
  return parts;
}

export interface IndexBuild {
  refs: IndexRef[];
  files: Map<string, string>;
  articles: number;
  chars: number;
}

/** Indexes the built chunks (in corpus order) and returns the parts to write beside them. */
export async function buildSearchIndex(
  manifest: Manifest,
  files: ReadonlyMap<string, string>,
  sha256Hex: (text: string) => string,
): Promise<IndexBuild> {
  const engine = createEngine();
  let articles = 0;
  for (const ref of manifest.chunks) {
    const text = files.get(ref.file);
    if (text === undefined) throw new Error(`chunk ${ref.file} is missing from the build`);
    const chunk = JSON.parse(text) as Chunk;
    addArticles(engine, chunk.articles.map(toSearchDoc));
    articles += chunk.articles.length;
  }
  compactEngine(engine);
  const json = JSON.stringify(await exportIndex(engine));
  const out = new Map<string, string>();
  const refs: IndexRef[] = [];
  for (const part of splitText(json, INDEX_PART_CHARS)) {
    const hash = sha256Hex(part);
    const file = `index-${hash.slice(0, NAME_HEX_DIGITS)}.part`;
    out.set(file, part);
    refs.push({ file, hash });
  }
  return { refs, files: out, articles, chars: json.length };
}

export { ENGINE_VERSION };
