/**
 * One measured Chromium on one corpus, for the single-question tools (query-trace.ts,
 * import-tasks.ts): the app built (or a given build), the corpus prepared, a fresh profile, the
 * bench's browser and a local server; `close` takes it all down again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { findChromium, HOW_TO_GET_CHROMIUM } from '../../tests/chromium.ts';
import { launchBenchContext } from './measure.ts';
import { buildApp, prepareCorpus, type PreparedCorpus } from './prepare.ts';
import { serveStatic, type StaticServer } from './server.ts';

export interface BenchSession {
  distDir: string;
  corpus: PreparedCorpus;
  context: BrowserContext;
  server: StaticServer;
  close(): Promise<void>;
}

export async function openBenchSession(options: {
  corpusName: string;
  /** A built app folder; else the current sources, built as the bench builds them. */
  app?: string | undefined;
  /** Known-item queries prepared per kind (the browser bench uses 40). */
  queriesPerKind: number;
  log: (line: string) => void;
}): Promise<BenchSession> {
  const { corpusName, app, queriesPerKind, log } = options;
  const executablePath = findChromium();
  if (!executablePath) throw new Error(HOW_TO_GET_CHROMIUM);
  const distDir = app ?? (await buildApp(log)).distDir;
  const corpus = await prepareCorpus(corpusName, distDir, queriesPerKind, log);
  if (!corpus) throw new Error(`no corpus ${corpusName}`);
  const profileDir = mkdtempSync(join(tmpdir(), 'folio-bench-session-'));
  const context = await launchBenchContext(executablePath, profileDir);
  const server = await serveStatic(distDir, corpus.corpusDir);
  return {
    distDir,
    corpus,
    context,
    server,
    async close() {
      await context.close();
      await server.close();
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}
