import { fetchChunk, fetchManifest, type LoadProgress } from './load.ts';
import type { Manifest } from './types.ts';
import { MemoryReader } from '../storage/memory-reader.ts';
import type { ArticleReader } from '../storage/reader.ts';

export interface MemoryLoadOptions {
  signal?: AbortSignal;
  fetch?: typeof fetch;
  onProgress?: (progress: LoadProgress) => void;
  /** Called after each chunk is held (newest chunk first): its articles can be read now. */
  onReadable?: (manifest: Manifest, reader: MemoryReader) => void;
}

/**
 * Reads the whole corpus into memory when the device cannot store it: every chunk is fetched
 * (from the network, or the service worker's precache or the HTTP cache) and verified against
 * its hash as for an import, newest first, so the latest articles show first. A reader from an
 * earlier attempt on the same corpus is reused: a failed retry fetches nothing again.
 */
export async function loadIntoMemory(
  manifestUrl: string,
  previous: ArticleReader | null,
  options: MemoryLoadOptions = {},
): Promise<{ manifest: Manifest; reader: MemoryReader }> {
  const { signal, onProgress, onReadable } = options;
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  const manifest = await fetchManifest(manifestUrl, fetchFn, signal);
  const reader = previous instanceof MemoryReader && previous.hash === manifest.hash ? previous : new MemoryReader();
  reader.hash = manifest.hash;
  const chunks = [...manifest.chunks].reverse();
  const progress: LoadProgress = { done: 0, total: chunks.length, written: 0, articles: manifest.count };
  for (const ref of chunks) {
    if (!reader.has(ref)) {
      const chunk = await fetchChunk(manifestUrl, ref, fetchFn, signal);
      if (signal?.aborted) break;
      reader.add(chunk, ref);
    }
    progress.done += 1;
    progress.written += ref.count;
    onProgress?.({ ...progress });
    onReadable?.(manifest, reader);
  }
  return { manifest, reader };
}
