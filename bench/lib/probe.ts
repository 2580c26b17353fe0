/**
 * The in-page probe, added with addInitScript before any app script runs. It records, relative to
 * the navigation start (performance.now()), without touching the app's code and with no CSS class:
 * only links to `#/article/<id>`, the results list's accessible label and `role="status"`, which the
 * design contract fixes (the lists may be virtualized, the loader and search page may change).
 * What is on screen is looked at in animation frames, just before they paint, never inside the app's tasks:
 * - firstListPaint: the first visible link to an article;
 * - firstResults: the first article link in `[aria-label="Search results"]` (possibly from a partial index);
 * - searchReady: results on screen for an answer the worker gave after it said 'ready';
 * - importStart / importEnd: the first article written to IndexedDB; the corpus completion marker
 *   (`meta` record with complete: true) committed; `articlesPut` counts the article writes. When
 *   the import runs in the import worker (src/corpus/import-worker.ts), whose writes the page cannot
 *   see: its first `progress` message, its `done` (sent once the marker is committed) and the
 *   articles it says it wrote;
 * - indexCached: the search index is committed to IndexedDB: seen when the page writes it, and by
 *   `pollIndexCache()` (the search worker writes it from its own connection, which the page cannot
 *   see; the bench polls while it waits for it);
 * - workerReady: the search worker said 'ready' (index built or imported); `workerIndexMs` is the
 *   time from the `init` or `import` message to it, `workerIndexSource` which of the two;
 * - long tasks (PerformanceObserver 'longtask') and each search's worker round trip (Worker
 *   postMessage of {type:'search'} to its {type:'results'} answer).
 * `runQuery(q)` sets the hash to a search and resolves when the page shows that query's answer:
 * the worker's final answer for q has arrived, a `role="status"` element names q and the results
 * list is not `aria-busy`, timed in the animation frame that paints it.
 * Plain JavaScript in a string: tsx would add helper calls (`__name`) to a serialized function.
 */
/** The probe's name in CPU profiles, so its own time is told apart from the app's. */
export const PROBE_URL = 'folio-bench-probe.js';

export const PROBE_SCRIPT = String.raw`
(() => {
  if (window.__folioBench) return;
  const marks = {};
  const counters = { articlesPut: 0, articleTransactions: 0, workerIndexMs: null, workerIndexSource: null };
  const transactions = new WeakSet();
  const waiters = {};
  const longTasks = [];
  const posted = new Map();
  const answers = [];
  let indexStartedAt = null;
  let importChunks = 0;
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
        // The import worker's messages (src/corpus/import-protocol.ts): its progress carries an object.
        if (m.type === 'progress' && m.progress && typeof m.progress === 'object') {
          mark('importStart', now);
          importChunks = m.progress.total;
        }
        if (m.type === 'done' && m.result && m.result.source === 'imported') {
          counters.articlesPut += m.result.written || 0;
          counters.articleTransactions += importChunks;
          mark('importEnd', now);
        }
        if (m.type === 'ready') {
          if (!('workerReady' in marks) && indexStartedAt !== null) {
            counters.workerIndexMs = now - indexStartedAt;
            counters.workerIndexSource = m.source || null;
          }
          mark('workerReady', now);
        }
        if (m.type === 'results') {
          const sent = posted.get(m.id);
          answers.push({ id: m.id, query: m.query, at: now, ms: sent === undefined ? null : now - sent, inWorker: typeof m.ms === 'number' ? m.ms : null, partial: !!m.partial });
          // An answer before the worker is ready can claim to be complete (and be empty): not search-ready.
          if (!m.partial && 'workerReady' in marks) {
            lastFinalResults = now;
            // Results identical to the partial ones may not change the DOM: settle after a while.
            setTimeout(() => ask(true), 250);
          }
          ask(false);
        }
      });
    }
    postMessage(message, ...rest) {
      if (message && message.type === 'search') {
        posted.set(message.id, performance.now());
        performance.mark('folio-bench:search-posted');
      }
      if (message && (message.type === 'init' || message.type === 'import' || message.type === 'load') && !('workerReady' in marks)) indexStartedAt = performance.now();
      return super.postMessage(message, ...rest);
    }
  };

  const originalPut = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (value, ...rest) {
    const request = originalPut.call(this, value, ...rest);
    const store = this.name;
    if (store === 'articles') {
      mark('importStart');
      counters.articlesPut += 1;
      if (!transactions.has(this.transaction)) {
        transactions.add(this.transaction);
        counters.articleTransactions += 1;
      }
    }
    if ((store === 'meta' && value && value.complete === true) || store === 'searchIndex') {
      request.transaction.addEventListener('complete', () => mark(store === 'meta' ? 'importEnd' : 'indexCached'));
    }
    return request;
  };

  const ARTICLE_LINK = 'a[href*="#/article/"]';
  const visible = (el) => !!el && el.getClientRects().length > 0;
  const resultsList = () => document.querySelector('[aria-label="Search results"]');
  const firstVisible = (root, selector) => {
    for (const el of root.querySelectorAll(selector)) if (visible(el)) return el;
    return null;
  };
  // The page is looked at once per animation frame, in the frame's callbacks, just before it paints:
  // what is seen there is what that frame shows. Never in a mutation's microtask, which would put the
  // probe's queries (and a forced layout for visibility) inside the app's own task: the measured long
  // tasks would grow by them, and a worker's answer would wait behind them (its round trip measured).
  let frameAsked = false;
  let settledAsked = false;
  function ask(settled) {
    if (settled) settledAsked = true;
    if (frameAsked) return;
    frameAsked = true;
    requestAnimationFrame(look);
  }
  function look() {
    frameAsked = false;
    const settled = settledAsked;
    settledAsked = false;
    const list = resultsList();
    if (!('firstListPaint' in marks) && !list && firstVisible(document, ARTICLE_LINK)) mark('firstListPaint');
    const hit = list ? list.querySelector(ARTICLE_LINK) : null;
    if (hit) mark('firstResults');
    if (hit && lastFinalResults >= 0 && (settled || lastMutation > lastFinalResults)) mark('searchReady');
    for (const q of [...pendingQueries]) q.look(list);
  }
  /** Whether a mutation can still change a mark or a query's answer. */
  const watching = () => !('firstListPaint' in marks) || !('searchReady' in marks) || pendingQueries.size > 0;

  const pendingQueries = new Set();
  const statusNames = (q) => [...document.querySelectorAll('[role="status"]')].some((el) => el.textContent.includes(q));
  /** Sets the hash to a search and resolves once the page shows the answer for that query. */
  function runQuery(q, timeoutMs) {
    return new Promise((resolve) => {
      const start = performance.now();
      const firstAnswer = answers.length;
      performance.mark('folio-bench:query-start');
      const entry = {
        look(list) {
          const final = answers.slice(firstAnswer).filter((a) => !a.partial && a.at >= start && a.query === q);
          if (final.length === 0 || !list || list.getAttribute('aria-busy') === 'true' || !statusNames(q)) return;
          const { ms: workerMs, inWorker: inWorkerMs } = final[final.length - 1];
          performance.mark('folio-bench:query-shown');
          done({ ms: performance.now() - start, workerMs, inWorkerMs, hits: list.querySelectorAll(ARTICLE_LINK).length, timedOut: false });
        },
      };
      const timer = setTimeout(() => done({ ms: performance.now() - start, workerMs: null, inWorkerMs: null, hits: 0, timedOut: true }), timeoutMs);
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
    if (watching()) ask(false);
  }).observe(document, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['aria-busy'] });

  /** Article links in the DOM, and the list size the page claims (aria-setsize), for the virtualization check. */
  function listDom() {
    const links = document.querySelectorAll(ARTICLE_LINK).length;
    let setsize = null;
    for (const el of document.querySelectorAll('[aria-setsize]')) setsize = Math.max(setsize ?? 0, Number(el.getAttribute('aria-setsize')) || 0);
    return { links, setsize };
  }
  /** Scrolls the document and every scrollable box to its end. */
  function scrollToEnd() {
    for (const el of [document.scrollingElement, ...document.querySelectorAll('*')]) {
      if (el && el.scrollHeight > el.clientHeight + 1 && (el === document.scrollingElement || /auto|scroll/.test(getComputedStyle(el).overflowY))) el.scrollTop = el.scrollHeight;
    }
  }

  /** Marks indexCached now if the app's database holds a search index; resolves true once marked. */
  function pollIndexCache() {
    if ('indexCached' in marks) return Promise.resolve(true);
    return new Promise((resolve) => {
      const open = indexedDB.open('folio');
      // Never create the database (the app does, with its schema).
      open.onupgradeneeded = () => open.transaction && open.transaction.abort();
      open.onerror = () => resolve(false);
      open.onsuccess = () => {
        const db = open.result;
        db.onversionchange = () => db.close();
        const finish = (stored) => {
          db.close();
          if (stored) mark('indexCached');
          resolve(stored);
        };
        try {
          if (!db.objectStoreNames.contains('searchIndex')) return finish(false);
          const count = db.transaction('searchIndex', 'readonly').objectStore('searchIndex').count();
          count.onsuccess = () => finish(count.result > 0);
          count.onerror = () => finish(false);
        } catch {
          finish(false);
        }
      };
    });
  }

  window.__folioBench = { marks, counters, longTasks, answers, when, runQuery, listDom, scrollToEnd, pollIndexCache };
})();
//# sourceURL=${PROBE_URL}
`;

/** What the probe records, as read back from the page. */
export interface ProbeSnapshot {
  marks: Record<string, number>;
  counters: {
    articlesPut: number;
    articleTransactions: number;
    workerIndexMs: number | null;
    workerIndexSource: 'build' | 'import' | null;
  };
  longTasks: { start: number; duration: number }[];
}

export interface QueryTiming {
  ms: number;
  workerMs: number | null;
  /** Inside the worker: from its receiving the search to its answer (the rest of workerMs is messaging and the page's own tasks). */
  inWorkerMs: number | null;
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
