/**
 * Builds what the e2e tests serve, once, before they run:
 * - the app into .tmp/e2e-dist over the demo corpus (never what public/corpus holds), so its service
 *   worker precaches exactly the corpus it serves: v1 of the offline, update and install specs too;
 * - the app over the second version of the demo corpus (update.spec.ts);
 * - the widget beside the app, and the widget specs' folders (the same widget build, their corpora);
 * - the extra corpora under .tmp/corpora/ (demo v2, lists at scale, hostile, zh-news).
 * Corpora are built in this process by the CLI's own entry point (no process start per corpus),
 * while the vite builds run beside them: the builds are independent, and CI has two cores.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main as corpusCli } from '../../src/cli/main.ts';
import { HOSTILE_SKIP_MESSAGE, hostileArticles, hostileListsPresent } from './hostile-corpus.ts';
import { LISTS_DIR, LISTS_SOURCE, listsSource } from './lists-corpus.ts';
import { APP_V2, CORPORA, DEMO_SOURCE, E2E_DIST, SHARED_CORPUS, WIDGET_FUZZ_ROOT, WIDGET_ROOT } from './paths.ts';
import { PARTNER_CORPUS } from './widget-corpora.ts';

const WIDGET_BUILD = '.tmp/widget-build';

/** Runs a command beside this process; rejects when it fails. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', env });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`)),
    );
  });
}

async function corpus(...args: string[]): Promise<void> {
  const code = await corpusCli(args);
  if (code !== 0) throw new Error(`corpus build ${args.join(' ')} exited with ${code}`);
}

/** Builds the app into `outDir` with `corpusDir` as its corpus (a copy of public/ without its own corpus). */
function buildApp(outDir: string, corpusDir: string): Promise<void> {
  const publicDir = `${outDir}-public`;
  rmSync(publicDir, { recursive: true, force: true });
  mkdirSync(publicDir, { recursive: true });
  for (const entry of readdirSync('public')) {
    if (entry !== 'corpus') cpSync(join('public', entry), join(publicDir, entry), { recursive: true });
  }
  cpSync(corpusDir, join(publicDir, 'corpus'), { recursive: true });
  return run('npx', ['vite', 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
    ...process.env,
    FOLIO_PUBLIC_DIR: publicDir,
  });
}

mkdirSync(CORPORA, { recursive: true });

// The widget does not depend on any corpus: it builds while the corpora do.
const widget = run('npx', [
  'vite',
  'build',
  '-c',
  'vite.widget.config.ts',
  '--outDir',
  WIDGET_BUILD,
  '--emptyOutDir',
  '--logLevel',
  'warn',
]);

// The tests know the demo corpus: never test against a corpus someone built into public/.
await corpus(DEMO_SOURCE, '--out', `${CORPORA}/demo`);
const app = buildApp(E2E_DIST, `${CORPORA}/demo`);

// A second version of the demo corpus: one article added, one changed, one removed.
const demo = JSON.parse(readFileSync(DEMO_SOURCE, 'utf8')) as { title: string; articles: Record<string, unknown>[] };
const [removed, changed, ...rest] = demo.articles;
if (!removed || !changed) throw new Error('the demo corpus is too small');
const v2 = {
  title: demo.title,
  articles: [
    { ...changed, title: `${String(changed.title)} (updated)` },
    ...rest,
    {
      id: 'e2e-added-article',
      title: 'A newly added article',
      date: '2025-12-31',
      category: 'Events',
      lang: 'en',
      body: ['Added in version two.'],
    },
  ].map((a) => (Object.values(a.translations ?? {}).includes(removed.id) ? { ...a, translations: {} } : a)),
};
writeFileSync(`${CORPORA}/demo-v2.json`, JSON.stringify(v2));
cpSync('src/demo-corpus/images', `${CORPORA}/images`, { recursive: true });
await corpus(`${CORPORA}/demo-v2.json`, '--out', `${CORPORA}/demo-v2`);
// After the first app build: two vite builds at once would only fight over the two cores.
const appV2 = app.then(() => buildApp(APP_V2, `${CORPORA}/demo-v2`));

// The widget specs' corpora: the demo (widget.spec.ts "corpus-a", with its index; widget-fuzz
// without one), and a partner's ("corpus-b").
writeFileSync(`${CORPORA}/partner.json`, JSON.stringify(PARTNER_CORPUS));
await corpus(`${CORPORA}/partner.json`, '--out', `${CORPORA}/partner`);
await corpus(DEMO_SOURCE, '--out', `${CORPORA}/demo-no-index`, '--no-index');

if (existsSync(`${SHARED_CORPUS}/zh-news.json`)) {
  // No pre-built index: the search test types while the browser builds one.
  await corpus(`${SHARED_CORPUS}/zh-news.json`, '--out', `${CORPORA}/zh-news`, '--no-index');
} else {
  console.log(`Skipping the shared corpora: ${SHARED_CORPUS} is absent`);
}

// The hostile corpus (hostile.spec.ts): every naughty string and XSS payload as titles, categories and bodies.
if (hostileListsPresent()) {
  writeFileSync(
    `${CORPORA}/hostile.json`,
    JSON.stringify({ title: 'Hostile <b>corpus</b>', articles: hostileArticles() }),
  );
  await corpus(`${CORPORA}/hostile.json`, '--out', `${CORPORA}/hostile`, '--skip-invalid');
} else {
  console.log(`Skipping the hostile corpus: ${HOSTILE_SKIP_MESSAGE}`);
}

// Lists at scale (lists.spec.ts): no index, so it builds and imports fast. Built again only when
// the generated articles changed.
const lists = listsSource();
if (
  !existsSync(join(LISTS_DIR, 'manifest.json')) ||
  !existsSync(LISTS_SOURCE) ||
  readFileSync(LISTS_SOURCE, 'utf8') !== lists
) {
  writeFileSync(LISTS_SOURCE, lists);
  await corpus(LISTS_SOURCE, '--out', LISTS_DIR, '--no-index');
}

await Promise.all([widget, app, appV2]);
// The widget beside the app, as `npm run build` lays it out (security.spec.ts: embed.html under the policy).
cpSync(WIDGET_BUILD, `${E2E_DIST}/widget`, { recursive: true });
for (const [root, corpora] of [
  [WIDGET_ROOT, { 'corpus-a': 'demo', 'corpus-b': 'partner' }],
  [WIDGET_FUZZ_ROOT, { corpus: 'demo-no-index' }],
] as const) {
  rmSync(root, { recursive: true, force: true });
  cpSync(WIDGET_BUILD, `${root}/widget`, { recursive: true });
  for (const [name, dir] of Object.entries(corpora))
    cpSync(`${CORPORA}/${dir}`, `${root}/${name}`, { recursive: true });
}
