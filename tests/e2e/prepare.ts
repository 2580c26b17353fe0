/**
 * Builds what the e2e tests serve: the app into .tmp/e2e-dist with the demo corpus
 * (whatever public/corpus holds), plus extra corpora under .tmp/corpora/.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { HOSTILE_SKIP_MESSAGE, hostileArticles, hostileListsPresent } from './hostile-corpus.ts';
import { CORPORA, DEMO_SOURCE, E2E_DIST, SHARED_CORPUS } from './paths.ts';

function run(command: string, args: string[]): void {
  execFileSync(command, args, { stdio: 'inherit' });
}

run('npx', ['tsx', 'src/cli/ensure-demo-corpus.ts']);
run('npx', ['vite', 'build', '--outDir', E2E_DIST, '--emptyOutDir', '--logLevel', 'warn']);
// The tests know the demo corpus: never test against a corpus someone built into public/.
rmSync(`${E2E_DIST}/corpus`, { recursive: true, force: true });
run('npx', ['tsx', 'src/cli/main.ts', DEMO_SOURCE, '--out', `${E2E_DIST}/corpus`]);
// The widget beside the app, as `npm run build` lays it out (security.spec.ts: embed.html under the policy).
run('npx', [
  'vite',
  'build',
  '-c',
  'vite.widget.config.ts',
  '--outDir',
  `${E2E_DIST}/widget`,
  '--emptyOutDir',
  '--logLevel',
  'warn',
]);

if (existsSync(`${SHARED_CORPUS}/zh-news.json`)) {
  // No pre-built index: the search test types while the browser builds one.
  run('npx', ['tsx', 'src/cli/main.ts', `${SHARED_CORPUS}/zh-news.json`, '--out', `${CORPORA}/zh-news`, '--no-index']);
} else {
  console.log(`Skipping the shared corpora: ${SHARED_CORPUS} is absent`);
}

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
mkdirSync(CORPORA, { recursive: true });
writeFileSync(`${CORPORA}/demo-v2.json`, JSON.stringify(v2));
cpSync('src/demo-corpus/images', `${CORPORA}/images`, { recursive: true });
run('npx', ['tsx', 'src/cli/main.ts', `${CORPORA}/demo-v2.json`, '--out', `${CORPORA}/demo-v2`]);

// The hostile corpus (hostile.spec.ts): every naughty string and XSS payload as titles, categories and bodies.
if (hostileListsPresent()) {
  writeFileSync(
    `${CORPORA}/hostile.json`,
    JSON.stringify({ title: 'Hostile <b>corpus</b>', articles: hostileArticles() }),
  );
  run('npx', ['tsx', 'src/cli/main.ts', `${CORPORA}/hostile.json`, '--out', `${CORPORA}/hostile`, '--skip-invalid']);
} else {
  console.log(`Skipping the hostile corpus: ${HOSTILE_SKIP_MESSAGE}`);
}
