/**
 * Run by `npm run build` / `npm start`: keeps a corpus already in public/corpus (whatever the
 * user built there), and builds the bundled demo corpus only when there is none.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MANIFEST_FILE } from '../corpus/build.ts';
import { EXIT_FAILED, EXIT_OK } from './main.ts';
import { DEFAULT_OUT, isMainModule, runBuild } from './run-build.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEMO_ARTICLES = 'src/demo-corpus/articles.json';

/** Builds the demo corpus into `<root>/public/corpus` unless a corpus is there; returns an exit code. */
export async function ensureDemoCorpus(
  root: string = REPO_ROOT,
  log: (line: string) => void = (line) => console.log(line),
  logError: (line: string) => void = (line) => console.error(line),
): Promise<number> {
  if (existsSync(path.join(root, DEFAULT_OUT, MANIFEST_FILE))) {
    log(`Keeping existing corpus in ${DEFAULT_OUT}`);
    return EXIT_OK;
  }
  log(`No corpus in ${DEFAULT_OUT}: building the demo corpus from ${DEMO_ARTICLES}`);
  const result = await runBuild({ inputs: [DEMO_ARTICLES], out: DEFAULT_OUT, cwd: root, log, logError });
  return result.ok ? EXIT_OK : EXIT_FAILED;
}

if (isMainModule(import.meta.url)) {
  ensureDemoCorpus().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = EXIT_FAILED;
    },
  );
}
