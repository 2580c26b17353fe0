/**
 * `npm run lighthouse`: Lighthouse 12 (mobile emulation, the system Chromium) on the built
 * app, served locally; prints the four category scores and records them in BENCHMARKS.md.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { launch } from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { CHROMIUM_ARGS, findChromium, HOW_TO_GET_CHROMIUM } from '../tests/chromium.ts';

const PORT = 4181;
const PAGES = ['', '#/article/en-2023-07-tidal-turbine-trial'];
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;
const BEGIN = '<!-- lighthouse:begin -->';
const END = '<!-- lighthouse:end -->';
const SERVER_START_MS = 15_000;

async function waitForServer(url: string): Promise<void> {
  const deadline = Date.now() + SERVER_START_MS;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not up yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the preview server did not start on ${url}`);
}

const chromePath = findChromium();
if (!chromePath) throw new Error(HOW_TO_GET_CHROMIUM);
const server = spawn('npx', ['vite', 'preview', '--port', String(PORT), '--strictPort'], { stdio: 'ignore' });
const rows: { page: string; scores: Record<string, number> }[] = [];
try {
  const base = `http://localhost:${PORT}/`;
  await waitForServer(base);
  for (const hash of PAGES) {
    // A fresh browser per page: each run is a first visit on an empty profile.
    const chrome = await launch({ chromePath, chromeFlags: ['--headless=new', ...CHROMIUM_ARGS] });
    try {
      const result = await lighthouse(`${base}${hash}`, {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: [...CATEGORIES],
      });
      if (!result) throw new Error('Lighthouse returned nothing');
      const scores: Record<string, number> = {};
      for (const c of CATEGORIES) scores[c] = Math.round((result.lhr.categories[c]?.score ?? 0) * 100);
      rows.push({ page: `/${hash}`, scores });
      const failing = Object.values(result.lhr.audits).filter(
        (a) => a.score !== null && a.score < 1 && a.scoreDisplayMode === 'binary',
      );
      for (const a of failing) console.log(`  ${hash || '/'}: ${a.id} — ${a.title}`);
      const metrics = [
        'first-contentful-paint',
        'largest-contentful-paint',
        'total-blocking-time',
        'speed-index',
        'cumulative-layout-shift',
      ];
      console.log(
        `  ${hash || '/'}: ${metrics.map((m) => `${m} ${result.lhr.audits[m]?.displayValue ?? '?'}`).join(', ')}`,
      );
    } finally {
      chrome.kill();
    }
  }
} finally {
  server.kill();
}

console.table(rows.map((r) => ({ page: r.page, ...r.scores })));
const date = new Date().toISOString().slice(0, 10);
const table = [
  BEGIN,
  `\`npm run lighthouse\` (${date}; Lighthouse 12, mobile emulation, Debian Chromium, first visit on an empty profile):`,
  '',
  `| page | ${CATEGORIES.join(' | ')} |`,
  `| --- | ${CATEGORIES.map(() => '---:').join(' | ')} |`,
  ...rows.map((r) => `| \`${r.page}\` | ${CATEGORIES.map((c) => r.scores[c]).join(' | ')} |`),
  END,
].join('\n');
const doc = readFileSync('BENCHMARKS.md', 'utf8');
const start = doc.indexOf(BEGIN);
const end = doc.indexOf(END);
const next =
  start >= 0 && end > start
    ? doc.slice(0, start) + table + doc.slice(end + END.length)
    : `${doc.trimEnd()}\n\n## Lighthouse\n\n${table}\n`;
writeFileSync('BENCHMARKS.md', next);
mkdirSync('bench/results', { recursive: true });
writeFileSync(`bench/results/lighthouse-${date}.json`, JSON.stringify(rows, null, 2));
