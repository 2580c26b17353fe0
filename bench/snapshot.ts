/**
 * Warm-start figures in Node (issue 7): the cached index as an ExportedIndex (JSON strings, what
 * the cache held before) against the binary snapshot (typed arrays, what it holds now). Times the
 * IndexedDB stand-in (v8 serialize/deserialize, the structured clone IndexedDB does), the import or
 * restore, and the first searches after it; prints sizes. Not a test: figures, median of RUNS.
 *
 *   npx tsx bench/snapshot.ts [en-reuters]
 */
import { deserialize, serialize } from 'node:v8';
import {
  addArticles,
  compactEngine,
  createEngine,
  exportIndex,
  importIndex,
  restoreSnapshot,
  search,
  snapshotIndex,
  toSearchDoc,
  type Engine,
  type ExportedIndex,
} from '../src/search/engine.ts';
import { CORPORA, loadArticles, type CorpusName } from './search-quality.ts';

const RUNS = 5;
const BATCH_SIZE = 200;
/** A first query as a reader types it: exact words, a prefix, a typo. */
const FIRST_QUERIES = ['oil prices', 'wheat exp', 'coper'];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function timed<T>(run: () => T): [T, number] {
  const started = performance.now();
  const result = run();
  return [result, performance.now() - started];
}

function firstSearches(engine: Engine): number {
  return timed(() => FIRST_QUERIES.forEach((query) => search(engine, query)))[1];
}

const name = (process.argv[2] ?? 'en-reuters') as CorpusName;
if (!CORPORA.includes(name)) throw new Error(`unknown corpus ${name}`);
const docs = loadArticles(name).map(toSearchDoc);
const built = createEngine();
const [, buildMs] = timed(() => {
  for (let i = 0; i < docs.length; i += BATCH_SIZE) addArticles(built, docs.slice(i, i + BATCH_SIZE));
  compactEngine(built);
});
const exported = await exportIndex(built);
const exportedBytes = serialize(exported);
const imported = importIndex(exported);
const [snapshot, snapshotMs] = timed(() => snapshotIndex(imported));
const snapshotBytes = serialize(snapshot);

const rows: Record<string, number[]> = {
  'export: deserialize': [],
  'export: importIndex': [],
  'export: first searches': [],
  'snapshot: deserialize': [],
  'snapshot: restoreSnapshot': [],
  'snapshot: first searches': [],
};
for (let run = 0; run < RUNS; run += 1) {
  const [data, readExport] = timed(() => deserialize(exportedBytes) as ExportedIndex);
  const [fromExport, importMs] = timed(() => importIndex(data));
  rows['export: deserialize']?.push(readExport);
  rows['export: importIndex']?.push(importMs);
  rows['export: first searches']?.push(firstSearches(fromExport));
  const [value, readSnapshot] = timed(() => deserialize(snapshotBytes) as unknown);
  const [fromSnapshot, restoreMs] = timed(() => restoreSnapshot(value));
  rows['snapshot: deserialize']?.push(readSnapshot);
  rows['snapshot: restoreSnapshot']?.push(restoreMs);
  rows['snapshot: first searches']?.push(firstSearches(fromSnapshot));
}
console.log(`${name}: ${docs.length} articles, ${built.terms.length} terms, ${built.tokens.length} tokens`);
console.log(`build ${buildMs.toFixed(0)} ms, snapshotIndex ${snapshotMs.toFixed(1)} ms`);
console.log(`ExportedIndex: ${exportedBytes.length} bytes serialized`);
console.log(`IndexSnapshot: ${snapshotBytes.length} bytes serialized`);
for (const [key, value] of Object.entries(snapshot)) {
  if (ArrayBuffer.isView(value)) console.log(`  ${key}: ${value.byteLength} bytes`);
  else if (typeof value === 'string') console.log(`  ${key}: ${value.length} chars`);
}
for (const [row, times] of Object.entries(rows))
  console.log(`${row}: ${median(times).toFixed(1)} ms (median of ${RUNS})`);
