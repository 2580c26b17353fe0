/**
 * The in-page probe, added with addInitScript before any app script runs. It records, relative to
 * the navigation start (performance.now()), without touching the app's code:
 * - firstListPaint: the first visible `ol.articles > li` (taken in the next animation frame, just before paint);
 * - firstResults: the first `li` in `ol[aria-label="Search results"]` (possibly from a partial index);
 * - searchReady: results on screen for an answer the worker gave after it said 'ready';
 * - importEnd: the corpus completion marker (`meta` record with complete: true) is committed;
 * - indexCached: the search index export is committed to IndexedDB;
 * - workerReady: the search worker said 'ready' (index built or imported);
 * - long tasks (PerformanceObserver 'longtask') and each search's worker round trip (Worker
 *   postMessage of {type:'search'} to its {type:'results'} answer).
 * Plain JavaScript in a string: tsx would add helper calls (`__name`) to a serialized function.
 */
export const PROBE_SCRIPT = String.raw`
(() => {
  if (window.__folioBench) return;
  const marks = {};
  const waiters = {};
  const longTasks = [];
  const posted = new Map();
  const answers = [];
  let lastMutation = 0;
  let lastFinalResults = -1;
  const mark = (name, at) => {
    if (name in marks) return;
    marks[name] = at === undefined ? performance.now() : at;
    for (const resolve of waiters[name] || []) resolve(marks[name]);
    delete waiters[name];
  };
  const when = (name) => (name in marks ? Promise.resolve(marks[name]) : new Promise((r) => (waiters[name] = [...(waiters[name] || []), r])));

  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {}

  const OriginalWorker = window.Worker;
  window.Worker = class extends OriginalWorker {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        const m = event.data;
        if (!m || typeof m !== 'object') return;
        const now = performance.now();
        if (m.type === 'ready') mark('workerReady', now);
        if (m.type === 'results') {
          const sent = posted.get(m.id);
          answers.push({ id: m.id, at: now, ms: sent === undefined ? null : now - sent, partial: !!m.partial });
          // An answer before the worker is ready can claim to be complete (and be empty): not search-ready.
          if (!m.partial && 'workerReady' in marks) {
            lastFinalResults = now;
            // Results identical to the partial ones may not change the DOM: settle after a while.
            setTimeout(() => check(true), 250);
          }
        }
      });
    }
    postMessage(message, ...rest) {
      if (message && message.type === 'search') posted.set(message.id, performance.now());
      return super.postMessage(message, ...rest);
    }
  };

  const originalPut = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (value, ...rest) {
    const request = originalPut.call(this, value, ...rest);
    const store = this.name;
    if ((store === 'meta' && value && value.complete === true) || store === 'searchIndex') {
      request.transaction.addEventListener('complete', () => mark(store === 'meta' ? 'importEnd' : 'indexCached'));
    }
    return request;
  };

  const framed = new Set();
  const visible = (el) => !!el && el.getClientRects().length > 0;
  const resultsList = () => document.querySelector('ol[aria-label="Search results"]');
  function check(settled) {
    if (!('firstListPaint' in marks) && !framed.has('firstListPaint') && visible(document.querySelector('ol.articles > li'))) {
      framed.add('firstListPaint');
      requestAnimationFrame(() => mark('firstListPaint'));
    }
    const hit = resultsList()?.querySelector('li');
    if (hit && !('firstResults' in marks)) mark('firstResults');
    if (hit && !('searchReady' in marks) && !framed.has('searchReady') && lastFinalResults >= 0 && (settled || lastMutation > lastFinalResults)) {
      framed.add('searchReady');
      requestAnimationFrame(() => mark('searchReady'));
    }
    for (const q of [...pendingQueries]) q.check();
  }

  const pendingQueries = new Set();
  /** Sets the hash to a search and resolves once the page shows the answer for that query. */
  function runQuery(q, timeoutMs) {
    return new Promise((resolve) => {
      const start = performance.now();
      const firstAnswer = answers.length;
      const expected = '“' + q + '”';
      const entry = {
        check() {
          const final = answers.slice(firstAnswer).filter((a) => !a.partial && a.at >= start);
          const summary = document.querySelector('p.summary[role="status"]');
          if (final.length === 0 || !summary || !summary.textContent.includes(expected)) return;
          done({ ms: performance.now() - start, workerMs: final[final.length - 1].ms, hits: resultsList()?.querySelectorAll('li').length ?? 0, timedOut: false });
        },
      };
      const timer = setTimeout(() => done({ ms: performance.now() - start, workerMs: null, hits: 0, timedOut: true }), timeoutMs);
      function done(result) {
        clearTimeout(timer);
        pendingQueries.delete(entry);
        resolve(result);
      }
      pendingQueries.add(entry);
      location.hash = '#/search?q=' + encodeURIComponent(q);
    });
  }

  new MutationObserver(() => {
    lastMutation = performance.now();
    check(false);
  }).observe(document, { childList: true, subtree: true, characterData: true });

  window.__folioBench = { marks, longTasks, answers, when, runQuery };
})();
`;

/** What the probe records, as read back from the page. */
export interface ProbeSnapshot {
  marks: Record<string, number>;
  longTasks: { start: number; duration: number }[];
}

export interface QueryTiming {
  ms: number;
  workerMs: number | null;
  hits: number;
  timedOut: boolean;
}

/**
 * The floor page: fetch the manifest and every corpus file in parallel and JSON.parse each (the
 * index parts are one JSON text split in order: joined, then parsed once), nothing else.
 */
export const FLOOR_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>floor</title></head><body><p id="state">loading</p>
<script type="module">
const text = async (file) => (await fetch('/corpus/' + file)).text();
try {
  const manifest = await (await fetch('/corpus/manifest.json', { cache: 'no-cache' })).json();
  const chunks = Promise.all(manifest.chunks.map(async (c) => JSON.parse(await text(c.file))));
  const parts = await Promise.all((manifest.index ?? []).map((i) => text(i.file)));
  if (parts.length > 0) JSON.parse(parts.join(''));
  await chunks;
  window.__floorDone = performance.now();
  document.getElementById('state').textContent = 'done';
} catch (error) {
  window.__floorDone = -1;
  document.getElementById('state').textContent = 'failed: ' + error;
}
</script></body></html>`;
