// The demo's only script (a strict CSP allows no inline script): events, and the iframe's parent-side snippet.
const reader = document.getElementById('reader');
const last = document.getElementById('last-event');
for (const type of ['folio-ready', 'folio-article-open', 'folio-error']) {
  reader.addEventListener(type, (event) => {
    last.textContent = `${type} ${JSON.stringify(event.detail)}`;
  });
}

// Iframe mode: tell embed.html which origin to talk to, and accept height messages from its origin only.
const frame = document.getElementById('folio-frame');
const src = new URL(frame.dataset.src, location.href);
src.searchParams.set('parent', location.origin);
frame.src = src.href;
const folioOrigin = src.origin;
window.addEventListener('message', (event) => {
  if (event.origin !== folioOrigin || event.source !== frame.contentWindow) return;
  const data = event.data;
  if (typeof data !== 'object' || data === null || data.type !== 'folio:height') return;
  if (typeof data.height !== 'number' || !Number.isFinite(data.height)) return;
  frame.style.height = Math.min(Math.max(data.height, 200), 20000) + 'px';
});
