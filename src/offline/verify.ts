import { CorpusError, fetchChunk, fetchManifest } from '../corpus/load.ts';
import { VERIFY_HEADER } from './sw-logic.ts';
import type { Manifest } from '../corpus/types.ts';

export interface VerifyFailure {
  /** The file that failed, relative to the manifest ('manifest.json' for the manifest). */
  file: string;
  detail: string;
}

export interface VerifyReport {
  manifest: Manifest | null;
  /** Chunk files that arrived whole and matched their SHA-256. */
  verified: number;
  total: number;
  failures: VerifyFailure[];
}

export interface VerifyOptions {
  fetch?: typeof fetch;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

function describe(err: unknown): string {
  if (err instanceof CorpusError) return err.detail;
  return err instanceof Error ? err.message : String(err);
}

/**
 * Fetches the manifest and every chunk again and checks each against its SHA-256, listing every
 * failure rather than stopping at the first. Requests go to the server (a fresh download, past the
 * service worker's precache); with no network, the worker answers from the stored copy instead.
 */
export async function verifyCorpus(manifestUrl: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  // The server's copy, not the stored one (the service worker honours the header); offline, the stored one.
  const fetchFn: typeof fetch =
    options.fetch ??
    ((input, init) => globalThis.fetch(input, { ...init, cache: 'reload', headers: { [VERIFY_HEADER]: 'network' } }));
  let manifest: Manifest;
  try {
    manifest = await fetchManifest(manifestUrl, fetchFn, options.signal);
  } catch (err) {
    return { manifest: null, verified: 0, total: 0, failures: [{ file: 'manifest.json', detail: describe(err) }] };
  }
  const report: VerifyReport = { manifest, verified: 0, total: manifest.chunks.length, failures: [] };
  options.onProgress?.(0, report.total);
  for (const [i, ref] of manifest.chunks.entries()) {
    if (options.signal?.aborted) throw new CorpusError('aborted', 'the check was cancelled');
    try {
      await fetchChunk(manifestUrl, ref, fetchFn, options.signal);
      report.verified += 1;
    } catch (err) {
      report.failures.push({ file: ref.file, detail: describe(err) });
    }
    options.onProgress?.(i + 1, report.total);
  }
  return report;
}
