/**
 * Fuzzing the widget's message boundary (issue #10 part 4): several hundred malformed or
 * misdirected postMessage messages, seeded and deterministic, to the embed iframe and to the
 * partner page around it, and to a page with <folio-reader> itself. Nothing may happen (no
 * navigation, no article change, no event, no error, no height change, no prototype pollution),
 * and afterwards the widget still works: one valid message at the end does take effect, which
 * proves the fuzz reached the handler.
 *
 * The messages are built in the browser (Blobs, ports and cycles cannot come from node) by
 * buildMessages below, from a seed: FOLIO_FUZZ_SEED reruns another set.
 */
import { expect, test, type Frame, type Page } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readBuiltCorpus, type BuiltArticle } from './helpers.ts';
import { WIDGET_FUZZ_ROOT } from './paths.ts';

/** Built articles carry their neighbours too (helpers.ts types only what most specs need). */
type LinkedArticle = BuiltArticle & { prev: { id: string } | null; next: { id: string } | null };
import { startStaticServer, type StaticServer } from './widget-server.ts';

const ROOT = resolve(WIDGET_FUZZ_ROOT);
const WIDGET_SCRIPT = '/widget/folio-reader.js';
const CORPUS = '/corpus/manifest.json';
const SEED = Number(process.env.FOLIO_FUZZ_SEED ?? 0xf011_0004);
/** Per sender: together several hundred messages. */
const PARTNER_MESSAGES = 250;
const FOREIGN_MESSAGES = 200;
const SIBLING_MESSAGES = 40;
const TO_PARTNER_MESSAGES = 150;
const FROM_EMBED_MESSAGES = 60;
const TO_HOST_MESSAGES = 200;
/** Time for queued messages to be handled before the page is checked. */
const SETTLE_MS = 750;
const HOSTILE = resolve(process.env.FOLIO_SHARED_CORPUS ?? '../shared/corpus', 'hostile/naughty-strings.json');
const HOSTILE_SAMPLE = 40;

let server: StaticServer;
let partnerServer: StaticServer;
let evilServer: StaticServer;
let demo: LinkedArticle[];
let hostileStrings: string[] = [];

test.beforeAll(async () => {
  demo = (await readBuiltCorpus(`${ROOT}/corpus`)) as LinkedArticle[];
  if (existsSync(HOSTILE)) {
    const data = JSON.parse(readFileSync(HOSTILE, 'utf8')) as { strings?: unknown };
    if (Array.isArray(data.strings)) hostileStrings = data.strings.filter((s): s is string => typeof s === 'string');
  } else {
    console.log(`widget fuzz: ${HOSTILE} not found, so no naughty strings in the messages`);
  }
  server = await startStaticServer(ROOT);
  partnerServer = await startStaticServer(ROOT);
  evilServer = await startStaticServer(ROOT);
});

test.afterAll(async () => {
  await server?.close();
  await partnerServer?.close();
  await evilServer?.close();
});

/** An English article with both neighbours, so previous and next can be tried after the fuzz. */
function middleArticle(): LinkedArticle {
  const article = demo.find((a) => a.lang === 'en' && a.prev !== null && a.next !== null);
  if (!article) throw new Error('the demo corpus has no English article with two neighbours');
  return article;
}

interface Sent {
  count: number;
  kinds: Record<string, number>;
  /** postMessage itself refused these (a DataCloneError on the sender's side): never sent. */
  refused: number;
}

/**
 * Builds `count` messages from `seed` and posts them to `target` (a window reached by a path
 * from the sender: 'parent', 'frame:<id>', 'self'). Runs in the browser; self-contained, since
 * Playwright sends only its source. `validId` is a real article id, used only where the message
 * must be ignored for another reason (origin, source, shape around it). `shapes` picks the message
 * family: 'open' (folio:open-like) or 'height' (folio:height-like).
 */
function buildAndPost(args: {
  seed: number;
  count: number;
  target: string;
  targetOrigin: string;
  validId: string;
  allowValid: boolean;
  shapes: 'open' | 'height';
  hostile: string[];
}): Sent {
  // Big enough to be absurd (an id may have 512 characters); a renderer holds hundreds of them queued.
  const HUGE_CHARS = 200_000;
  // Deeper structured clones crash the sending renderer itself (a Chromium limit, not Folio's).
  const MAX_DEPTH = 1_000;
  let state = args.seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const type = args.shapes === 'open' ? 'folio:open' : 'folio:height';
  const key = args.shapes === 'open' ? 'id' : 'height';
  const deep = (depth: number, leaf: unknown): unknown => {
    let value = leaf;
    for (let i = 0; i < depth; i += 1) value = next() < 0.5 ? [value] : { [key]: value, type };
    return value;
  };
  const cyclic = (): unknown => {
    const o: Record<string, unknown> = { type };
    o[key] = o;
    o.self = o;
    return o;
  };
  const hostile = (): string => (args.hostile.length > 0 ? pick(args.hostile) : '<img src=x onerror=alert(1)>');
  const badValues: (() => unknown)[] = [
    () => undefined,
    () => null,
    () => 0,
    () => -1,
    () => NaN,
    () => Infinity,
    () => -Infinity,
    () => 1e308,
    () => true,
    () => '',
    () => ' \t\n',
    () => 'x'.repeat(513),
    () => 'x'.repeat(HUGE_CHARS),
    () => ['x'],
    () => ({}),
    () => ({ toString: 'x' }),
    () => new Date(0),
    () => /folio/g,
    () => new Map([['id', args.validId]]),
    () => new Set([args.validId]),
    () => new Blob([args.validId]),
    () => new ArrayBuffer(16),
    () => new Uint8Array([1, 2, 3]),
    () => BigInt(42),
    () => new Error(args.validId),
    () => cyclic(),
    () => deep(MAX_DEPTH / 2, args.validId),
    () => hostile(),
    () => `${args.validId}\u0000`,
    () => '1e999',
    () => '-5',
  ];
  const families: [string, () => unknown][] = [
    [
      'primitive',
      () => pick([null, undefined, 0, -0, NaN, Infinity, true, false, '', type, 'x'.repeat(HUGE_CHARS), BigInt(1)]),
    ],
    ['hostile string', () => hostile()],
    ['array', () => pick([[], [type, args.validId], [{ type, [key]: args.validId }], deep(MAX_DEPTH, 1)])],
    [
      'wrong type name',
      () => ({
        type: pick([
          'FOLIO:OPEN',
          `${type} `,
          ` ${type}`,
          'folio:',
          'folio:close',
          'folio:height',
          'folio:open',
          type.replace(':', '\u0000'),
          hostile(),
        ]),
        [key]: pick(badValues)(),
      }),
    ],
    [
      'type not a string',
      () => ({ type: pick([[type], { toString: type }, 7, null, true, new String(type)]), [key]: args.validId }),
    ],
    ['valid type, bad payload', () => ({ type, [key]: pick(badValues)() })],
    ['valid type, no payload', () => ({ type })],
    [
      'payload key misspelt',
      () => ({ type, [pick(['ID', 'Id', 'id ', 'identifier', 'heigth', 'Height'])]: args.validId }),
    ],
    [
      'prototype keys',
      () =>
        pick([
          JSON.parse(`{"__proto__": {"type": "${type}", "${key}": ${JSON.stringify(args.validId)}, "polluted": true}}`),
          JSON.parse(`{"constructor": {"prototype": {"type": "${type}", "polluted": true}}}`),
          JSON.parse(`{"type": "${type}", "${key}": {"__proto__": {"polluted": true}}}`),
          Object.create({ type, [key]: args.validId, polluted: true }),
          { type, [key]: { constructor: { prototype: { polluted: true } } } },
        ]),
    ],
    ['deep nesting', () => deep(Math.floor(next() * MAX_DEPTH) + 1, { type, [key]: args.validId })],
    ['cyclic', () => cyclic()],
    [
      'binary',
      () =>
        pick([
          new Blob(['{"type":"folio:open"}'], { type: 'application/json' }),
          new ArrayBuffer(1024),
          new Uint16Array(8),
          new DataView(new ArrayBuffer(4)),
          new File(['x'], 'a.json'),
        ]),
    ],
    ['message port', () => 'port'],
  ];
  if (args.allowValid)
    families.push(['valid shape', () => (args.shapes === 'open' ? { type, id: args.validId } : { type, height: 50 })]);

  let target: Window | null = null;
  if (args.target === 'parent') target = window.parent;
  else if (args.target === 'self') target = window;
  else if (args.target.startsWith('frame:')) {
    const frame = document.getElementById(args.target.slice('frame:'.length));
    target = frame instanceof HTMLIFrameElement ? frame.contentWindow : null;
  } else if (args.target === 'parent-frame-0') target = window.parent.frames[0] ?? null;
  if (!target) throw new Error(`no window at ${args.target}`);

  const sent: Sent = { count: 0, kinds: {}, refused: 0 };
  for (let i = 0; i < args.count; i += 1) {
    const [kind, make] = pick(families);
    let data = make();
    const transfer: Transferable[] = [];
    if (data === 'port') {
      const channel = new MessageChannel();
      data = pick([channel.port1, { type, [key]: channel.port1 }, { type, port: channel.port1 }]);
      if (data === channel.port1 || next() < 0.9) transfer.push(channel.port1);
      channel.port2.postMessage({ type, [key]: args.validId });
    }
    try {
      target.postMessage(data, args.targetOrigin, transfer);
      sent.count += 1;
      sent.kinds[kind] = (sent.kinds[kind] ?? 0) + 1;
    } catch {
      sent.refused += 1;
    }
  }
  return sent;
}

/** Per frame: the folio-* events seen, page errors, and what a polluted prototype would show. */
async function recordFrames(page: Page, errors: string[]): Promise<void> {
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (message) => {
    // The fixture servers have no favicon: the browser's own request for it is not the widget's doing.
    if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico'))
      errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  await page.addInitScript(() => {
    const log: string[] = [];
    const heights: number[] = [];
    Object.assign(window, { folioEvents: log, folioHeights: heights });
    for (const type of ['folio-ready', 'folio-article-open', 'folio-error']) {
      document.addEventListener(type, (event) => log.push(`${type} ${JSON.stringify((event as CustomEvent).detail)}`));
    }
    window.addEventListener('message', (event) => {
      const data: unknown = event.data;
      if (typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'folio:height')
        heights.push(
          event.origin === location.origin
            ? -1
            : // Not Number(): a fuzzed height may be an object with no prototype, which Number() throws on.
              (() => {
                const h = (data as { height?: unknown }).height;
                return typeof h === 'number' ? h : Number.NaN;
              })(),
        );
    });
  });
}

interface FrameState {
  url: string;
  historyLength: number;
  events: string[];
  heights: number[];
  prototypes: string[];
  polluted: boolean;
  shown: string;
}

/** What must not change in a frame while it is fuzzed. */
function frameState(frame: Frame | Page): Promise<FrameState> {
  return frame.evaluate(() => {
    const reader = document.querySelector('folio-reader');
    const root = reader?.shadowRoot;
    const heading = root?.querySelector('h2')?.textContent ?? '';
    const article = root?.querySelector('article[data-article-id]')?.getAttribute('data-article-id') ?? '';
    const w = window as unknown as { folioEvents?: string[]; folioHeights?: number[] };
    const probe: Record<string, unknown> = {};
    return {
      url: location.href,
      historyLength: history.length,
      events: [...(w.folioEvents ?? [])],
      heights: [...(w.folioHeights ?? [])],
      prototypes: [Object.prototype, Array.prototype, Function.prototype, String.prototype].map((p) =>
        Object.getOwnPropertyNames(p).sort().join(','),
      ),
      polluted: 'polluted' in probe || 'type' in probe || 'id' in probe || 'height' in probe,
      shown: `${heading} | ${article}`,
    };
  });
}

async function waitForList(frame: Frame | Page): Promise<void> {
  await expect
    .poll(
      () =>
        frame.evaluate(
          () => document.querySelector('folio-reader')?.shadowRoot?.querySelector('h2')?.textContent ?? '',
        ),
      {
        timeout: 30_000,
      },
    )
    .toMatch(/Latest articles/);
}

function frameAt(page: Page, origin: string, path = ''): Frame {
  const frame = page.frames().find((f) => f.url().startsWith(origin + path));
  if (!frame) throw new Error(`no frame from ${origin}${path}`);
  return frame;
}

function total(sent: Sent[]): number {
  return sent.reduce((n, s) => n + s.count, 0);
}

test('embed iframe: hundreds of malformed and misdirected messages change nothing; a valid one still opens an article', async ({
  page,
}) => {
  test.setTimeout(180_000);
  // All on localhost, other ports: Chromium's local network access checks block frames from 127.0.0.1 to localhost.
  const partner = `http://localhost:${partnerServer.port}`;
  const embedOrigin = `http://localhost:${server.port}`;
  const foreignOrigin = `http://localhost:${evilServer.port}`;
  const target = middleArticle();
  const src = `${embedOrigin}/widget/embed.html?corpus=${encodeURIComponent(CORPUS)}&lang=en&parent=${encodeURIComponent(partner)}`;
  partnerServer.fixtures.set('/partner-parent.js', {
    // The parent-side snippet from docs/WIDGET.md, verbatim apart from the element id.
    body: `const frame = document.getElementById('folio-frame');
const folioOrigin = new URL(frame.src).origin;
window.addEventListener('message', (event) => {
  if (event.origin !== folioOrigin || event.source !== frame.contentWindow) return;
  const data = event.data;
  if (typeof data !== 'object' || data === null || data.type !== 'folio:height') return;
  if (typeof data.height !== 'number' || !Number.isFinite(data.height)) return;
  frame.style.height = Math.min(Math.max(data.height, 200), 20000) + 'px';
});`,
  });
  partnerServer.fixtures.set('/fuzz.html', {
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Partner</title></head><body><h1>Partner</h1>
<iframe id="folio-frame" title="News archive" src="${src}" style="width:100%;height:300px;border:0"></iframe>
<iframe id="evil" title="Advert" src="${foreignOrigin}/evil.html"></iframe>
<iframe id="sibling" title="Partner widget" src="${partner}/sibling.html"></iframe>
<script src="/partner-parent.js"></script></body></html>`,
  });
  evilServer.fixtures.set('/evil.html', { body: '<!doctype html><title>evil</title><p>ad</p>' });
  partnerServer.fixtures.set('/sibling.html', {
    body: '<!doctype html><title>sibling</title><p>same origin as the partner</p>',
  });

  const errors: string[] = [];
  await recordFrames(page, errors);
  await page.goto(`${partner}/fuzz.html`);
  const embed = frameAt(page, embedOrigin, '/widget/embed.html');
  await waitForList(embed);
  const frameElement = page.locator('#folio-frame');
  await expect
    .poll(async () => (await frameElement.boundingBox())?.height ?? 0, { timeout: 15_000 })
    .toBeGreaterThan(1000);
  // Let the reported height settle before taking the "before" picture.
  await page.waitForTimeout(SETTLE_MS);

  const evil = frameAt(page, foreignOrigin);
  const sibling = frameAt(page, partner, '/sibling.html');
  const embedBefore = await frameState(embed);
  const partnerBefore = await frameState(page);
  const frameHeightBefore = (await frameElement.boundingBox())?.height;
  const base = { validId: target.id, hostile: hostileStrings.slice(0, HOSTILE_SAMPLE) };
  const sent: Sent[] = [];

  // 1. Right origin and window (the partner page), wrong shape.
  sent.push(
    await page.evaluate(buildAndPost, {
      ...base,
      seed: SEED,
      count: PARTNER_MESSAGES,
      target: 'frame:folio-frame',
      targetOrigin: embedOrigin,
      allowValid: false,
      shapes: 'open' as const,
    }),
  );
  // 2. Another origin (a frame on the partner page), every shape, valid ones included.
  sent.push(
    await evil.evaluate(buildAndPost, {
      ...base,
      seed: SEED + 1,
      count: FOREIGN_MESSAGES,
      target: 'parent-frame-0',
      targetOrigin: '*',
      allowValid: true,
      shapes: 'open' as const,
    }),
  );
  // 3. The partner's origin but another window (a sibling frame): valid shapes too.
  sent.push(
    await sibling.evaluate(buildAndPost, {
      ...base,
      seed: SEED + 2,
      count: SIBLING_MESSAGES,
      target: 'parent-frame-0',
      targetOrigin: embedOrigin,
      allowValid: true,
      shapes: 'open' as const,
    }),
  );
  // 4. To the partner page: height messages from a foreign frame, any shape (valid included).
  sent.push(
    await evil.evaluate(buildAndPost, {
      ...base,
      seed: SEED + 3,
      count: TO_PARTNER_MESSAGES,
      target: 'parent',
      targetOrigin: '*',
      allowValid: true,
      shapes: 'height' as const,
    }),
  );
  // Nothing from another origin or window moved the frame.
  await page.waitForTimeout(SETTLE_MS);
  expect((await frameElement.boundingBox())?.height).toBe(frameHeightBefore);
  // 5. To the partner page from the embed's own window, right origin, wrong shape.
  // The documented snippet trusts that window and origin: a finite number there is a height it
  // applies (clamped), so from here on only the clamp is checked.
  sent.push(
    await embed.evaluate(buildAndPost, {
      ...base,
      seed: SEED + 4,
      count: FROM_EMBED_MESSAGES,
      target: 'parent',
      targetOrigin: partner,
      allowValid: false,
      shapes: 'height' as const,
    }),
  );
  await page.waitForTimeout(SETTLE_MS);
  console.log(
    `widget fuzz (seed ${SEED}): ${total(sent)} messages posted (${sent.reduce((n, s) => n + s.refused, 0)} refused by postMessage itself); kinds ${JSON.stringify(
      sent.reduce<Record<string, number>>((all, s) => {
        for (const [k, v] of Object.entries(s.kinds)) all[k] = (all[k] ?? 0) + v;
        return all;
      }, {}),
    )}`,
  );
  expect(total(sent)).toBeGreaterThanOrEqual(500);

  // Nothing happened: same page, same view, no events, no height change, prototypes intact.
  const embedAfter = await frameState(embed);
  const partnerAfter = await frameState(page);
  // The embed's own recorder sees the fuzz's folio:height look-alikes; only the partner acts on those.
  expect({ ...embedAfter, heights: [] }).toEqual({ ...embedBefore, heights: [] });
  // The partner's recorder also logs the fuzz's own height look-alikes (that is what it was sent);
  // what must not change is what the partner snippet does with them: the frame's height.
  expect({ ...partnerAfter, heights: [] }).toEqual({ ...partnerBefore, heights: [] });
  const frameHeightAfter = (await frameElement.boundingBox())?.height ?? 0;
  expect(frameHeightAfter).toBeGreaterThanOrEqual(200);
  expect(frameHeightAfter).toBeLessThanOrEqual(20_000);
  expect(embedAfter.polluted || partnerAfter.polluted).toBe(false);
  expect(page.url()).toBe(`${partner}/fuzz.html`);
  expect(errors).toEqual([]);

  // The handler was reached all along: the one valid message from the partner takes effect.
  await page.evaluate(
    ([origin, id]) =>
      (document.getElementById('folio-frame') as HTMLIFrameElement).contentWindow?.postMessage(
        { type: 'folio:open', id },
        origin,
      ),
    [embedOrigin, target.id] as const,
  );
  const reader = page.frameLocator('#folio-frame').locator('folio-reader');
  await expect(reader.locator('article')).toHaveAttribute('data-article-id', target.id);
  await expect(reader.getByRole('heading', { level: 2, name: target.title })).toBeVisible();
  // And the widget still works: next, previous, back to the list.
  await reader.locator('a[rel="next"]').click();
  await expect(reader.locator('article')).toHaveAttribute('data-article-id', target.next?.id ?? '');
  await reader.locator('a[rel="prev"]').click();
  await expect(reader.locator('article')).toHaveAttribute('data-article-id', target.id);
  await reader.getByRole('button', { name: 'Back to the list' }).click();
  await waitForList(embed);
  const final = await frameState(embed);
  expect(final.events.slice(embedBefore.events.length)).toEqual([
    `folio-article-open {"id":${JSON.stringify(target.id)}}`,
    `folio-article-open {"id":${JSON.stringify(target.next?.id)}}`,
    `folio-article-open {"id":${JSON.stringify(target.id)}}`,
  ]);
  expect(final.url).toBe(embedBefore.url);
  expect(page.url()).toBe(`${partner}/fuzz.html`);
  expect(errors).toEqual([]);
});

test('<folio-reader> on a host page: messages from a foreign frame and the page itself change nothing', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const host = `http://localhost:${server.port}`;
  const foreignOrigin = `http://localhost:${evilServer.port}`;
  const target = middleArticle();
  server.fixtures.set('/fuzz-host.html', {
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title><script type="module" src="${WIDGET_SCRIPT}"></script></head>
<body><h1>Host</h1><folio-reader id="reader" corpus="${CORPUS}" lang="en"></folio-reader>
<iframe id="evil" title="Advert" src="${foreignOrigin}/evil.html"></iframe></body></html>`,
  });
  evilServer.fixtures.set('/evil.html', { body: '<!doctype html><title>evil</title><p>ad</p>' });
  const errors: string[] = [];
  await recordFrames(page, errors);
  await page.goto(`${host}/fuzz-host.html#host-hash`);
  await waitForList(page);
  const widget = page.locator('folio-reader');
  const boxBefore = await widget.boundingBox();
  const before = await frameState(page);
  const evil = frameAt(page, foreignOrigin);
  const base = { validId: target.id, hostile: hostileStrings.slice(0, HOSTILE_SAMPLE), allowValid: true };
  const sent = [
    await evil.evaluate(buildAndPost, {
      ...base,
      seed: SEED + 5,
      count: TO_HOST_MESSAGES,
      target: 'parent',
      targetOrigin: '*',
      shapes: 'open' as const,
    }),
    await evil.evaluate(buildAndPost, {
      ...base,
      seed: SEED + 6,
      count: TO_HOST_MESSAGES / 2,
      target: 'parent',
      targetOrigin: '*',
      shapes: 'height' as const,
    }),
    await page.evaluate(buildAndPost, {
      ...base,
      seed: SEED + 7,
      count: TO_HOST_MESSAGES / 2,
      target: 'self',
      targetOrigin: host,
      shapes: 'open' as const,
    }),
  ];
  await page.waitForTimeout(SETTLE_MS);
  console.log(`widget fuzz, host page (seed ${SEED}): ${total(sent)} messages posted`);
  const after = await frameState(page);
  expect(after.polluted).toBe(false);
  expect({ ...after, heights: [] }).toEqual({ ...before, heights: [] });
  expect(await widget.boundingBox()).toEqual(boxBefore);
  expect(page.url()).toBe(`${host}/fuzz-host.html#host-hash`);
  expect(errors).toEqual([]);

  // Still works: the documented method opens the article, then next and previous.
  await widget.evaluate((el, id) => (el as HTMLElement & { open: (id: string) => void }).open(id), target.id);
  await expect(widget.locator('article')).toHaveAttribute('data-article-id', target.id);
  await widget.locator('a[rel="next"]').click();
  await expect(widget.locator('article')).toHaveAttribute('data-article-id', target.next?.id ?? '');
  await widget.locator('a[rel="prev"]').click();
  await expect(widget.locator('article')).toHaveAttribute('data-article-id', target.id);
  expect(page.url()).toBe(`${host}/fuzz-host.html#host-hash`);
  expect(errors).toEqual([]);
});
