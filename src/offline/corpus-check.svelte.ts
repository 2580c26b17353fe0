import type { Library } from '../state/library.svelte.ts';
import { verifyCorpus, type VerifyFailure } from './verify.ts';

export type CheckStatus = 'idle' | 'running' | 'ok' | 'failed';

/** The storage panel's "Re-download and verify": check every file, then rewrite the library from them. */
export class CorpusCheck {
  status = $state<CheckStatus>('idle');
  done = $state(0);
  total = $state(0);
  /** Chunks verified and articles rewritten, after a success. */
  verified = $state(0);
  articles = $state(0);
  failures = $state.raw<VerifyFailure[]>([]);
  #abort: AbortController | null = null;

  run = async (library: Library): Promise<void> => {
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    this.status = 'running';
    this.done = 0;
    this.total = 0;
    this.failures = [];
    try {
      const report = await verifyCorpus(library.manifestUrl, {
        signal: abort.signal,
        onProgress: (done, total) => {
          this.done = done;
          this.total = total;
        },
      });
      if (abort.signal.aborted) return;
      if (report.failures.length > 0) {
        this.failures = report.failures;
        this.status = 'failed';
        return;
      }
      const manifest = await library.reimport(abort.signal);
      this.verified = report.verified;
      this.articles = manifest.count;
      this.status = 'ok';
    } catch (err) {
      if (abort.signal.aborted) return;
      this.failures = [{ file: '', detail: err instanceof Error ? err.message : String(err) }];
      this.status = 'failed';
    }
  };

  cancel(): void {
    this.#abort?.abort();
    this.#abort = null;
  }
}
