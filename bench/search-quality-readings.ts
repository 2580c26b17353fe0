/**
 * Calibrates the query rules of bench/search-quality.ts against issue #3's "best today" figures:
 * the same engines, one build per corpus, scored under every reading of the issue's method
 * (READINGS). The reading under which the engines land near the issue's figures is the one the
 * bench uses by default.
 *
 *   npx tsx bench/search-quality-readings.ts [--corpus en-news] [--quick]
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { toSearchDoc } from '../src/search/engine.ts';
import {
  CORPORA,
  ceiling,
  generateQueries,
  loadArticles,
  miniSearch,
  ours,
  posteriors,
  READINGS,
  scoreQueries,
} from './search-quality.ts';

const QUERIES_PER_KIND = 300;
const QUICK_QUERIES_PER_KIND = 100;
const DIGITS = 3;

function main(): void {
  const args = process.argv.slice(2);
  const only = args.includes('--corpus') ? (args[args.indexOf('--corpus') + 1] ?? '') : '';
  const corpora = only ? CORPORA.filter((c) => only.split(',').includes(c)) : CORPORA;
  const perKind = args.includes('--quick') ? QUICK_QUERIES_PER_KIND : QUERIES_PER_KIND;
  const rows: string[][] = [['corpus', 'reading', 'engine', 'title MRR@10', 'body R@10', 'amb. title', 'amb. body']];
  for (const corpus of corpora) {
    const docs = loadArticles(corpus).map(toSearchDoc);
    const indexOf = new Map(docs.map((doc, index) => [doc.id, index]));
    const engines = [ours(), miniSearch('OR'), miniSearch('AND')];
    for (const engine of engines) engine.build(docs);
    const zh = corpus.startsWith('zh');
    for (const reading of READINGS) {
      // Chinese queries are substrings under every reading: only the first applies there.
      if (zh && reading !== READINGS[0]) continue;
      const queries = generateQueries(corpus, docs, perKind, reading);
      const title = posteriors(docs, queries, 'title', reading);
      const body = posteriors(docs, queries, 'body', reading);
      const bound = { title: ceiling(title), body: ceiling(body) };
      const ambiguous = [String(bound.title.ambiguous), String(bound.body.ambiguous)];
      rows.push([
        corpus,
        reading.name,
        'ceiling (E)',
        bound.title.mrr10.toFixed(DIGITS),
        bound.body.recall10.toFixed(DIGITS),
        ...ambiguous,
      ]);
      for (const engine of engines) {
        const t = scoreQueries(engine, queries, 'title', { expected: { posterior: title, indexOf } });
        const b = scoreQueries(engine, queries, 'body', { expected: { posterior: body, indexOf } });
        rows.push([corpus, reading.name, engine.name, t.mrr10.toFixed(DIGITS), b.recall10.toFixed(DIGITS), '', '']);
      }
      // Rows as they come: a full run takes minutes.
      for (const row of rows.slice(-4)) console.error(row.join('\t'));
    }
    for (const engine of engines) engine.release();
  }
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  '));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main();
