/**
 * DOMPurify on a jsdom window, created on first use: loading jsdom alone takes over a second,
 * and corpora with plain-text bodies and no SVG images never need it.
 *
 * Nothing in a built article may fetch from a third party while the reader is offline (or
 * tell that party who reads what): remote <img> become links labelled with their alt text,
 * and media elements and fetching attributes (srcset, poster, background, ping) are removed:
 * <video> and <audio> with their content (DOMPurify's FORBID_CONTENTS), <picture> and
 * <source> keeping their fallback <img>.
 */
import createDOMPurify, { type Config, type DOMPurify, type WindowLike } from 'dompurify';
import type { JSDOM } from 'jsdom';
import type { HtmlContext } from '../corpus/build.ts';
import { jsdom } from './lazy-jsdom.ts';

/** Article HTML: no scripts, handlers, javascript: URLs, forms, styles, inline SVG/MathML, or fetching media. */
const ARTICLE_CONFIG: Config = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: [
    'video',
    'audio',
    'source',
    'track',
    'picture',
    'style',
    'form',
    'input',
    'button',
    'select',
    'option',
    'optgroup',
    'textarea',
    'datalist',
    'output',
    'fieldset',
    'legend',
    'label',
    'dialog',
    'template',
  ],
  FORBID_ATTR: ['style', 'action', 'formaction', 'srcset', 'poster', 'background', 'ping'],
  ALLOW_DATA_ATTR: false,
  // Prefixes id/name with `user-content-`, so article markup cannot clobber the app's DOM globals.
  SANITIZE_NAMED_PROPS: true,
};

/** Standalone SVG files: served from the app's origin, so they must not carry script either. */
const SVG_CONFIG: Config = {
  USE_PROFILES: { svg: true, svgFilters: true },
  // role="img" is how an accessible SVG announces itself; the SVG profile would drop it.
  ADD_ATTR: ['role'],
};

const LINK_REL = 'noopener noreferrer';
/** Class of the link that stands in for a remote image, so the reader can style it. */
export const REMOTE_IMAGE_CLASS = 'remote-image';
const REMOTE_URL = /^(?:https?:)?\/\//i;
const PROTOCOL_RELATIVE = '//';
/** Images this small (in either dimension) with no alt text are tracking pixels. */
const TRACKING_PIXEL_SIZE = 1;
/** Without a build context, image srcs are left as they are. */
const NO_CONTEXT: HtmlContext = { file: '', resolveImageSrc: (src) => src };
// Prolog before the <svg> root (XML declaration, doctype, comments) that the HTML parser would mangle.
const SVG_PROLOG = /^(?:\s|<\?xml[^>]*\?>|<!DOCTYPE[^>]*>|<!--[\s\S]*?-->)*/i;

export interface HtmlSanitizer {
  sanitizeHtml: (html: string, context?: HtmlContext) => string;
  /** Sanitized SVG as well-formed XML, or null when nothing of an <svg> survives. */
  sanitizeSvg: (svg: string) => string | null;
}

interface Purifier {
  /** Article HTML; its hook may ask for an image, which can sanitize an SVG meanwhile. */
  html: DOMPurify;
  /** A second instance: DOMPurify keeps its config in instance state, so calls must not nest. */
  svg: DOMPurify;
  window: JSDOM['window'];
  /** Documents parsed in this window so far (DOMPurify parses one per call). */
  documents: number;
}

/**
 * jsdom 27 registers event listeners on the window for every Document it creates, and
 * DOMPurify creates one per call: the listener list grows and each call gets slower
 * (quadratic; 15 ms a call after a few thousand). A fresh window every so often bounds it.
 * Upstream: https://github.com/jsdom/jsdom/pull/4097 (lazy DOMSelector init).
 */
const DOCUMENTS_PER_WINDOW = 100;

/** A short label for an image without alt text: its file name, else its host. */
function imageLabel(src: string): string {
  try {
    const url = new URL(src);
    const name = url.pathname
      .split('/')
      .filter((part) => part !== '')
      .pop();
    return name === undefined ? url.hostname : decodeURIComponent(name);
  } catch {
    return src;
  }
}

/** A 1×1 image without alt text: a tracking pixel, not content. */
function isTrackingPixel(img: Element): boolean {
  if ((img.getAttribute('alt') ?? '').trim() !== '') return false;
  return ['width', 'height'].some((side) => Number(img.getAttribute(side) ?? Infinity) <= TRACKING_PIXEL_SIZE);
}

/**
 * Turns every remote <img> into a link to it, labelled with its alt text (or its file name);
 * inside a link it becomes that text alone (links cannot nest); a tracking pixel goes.
 * Runs after DOMPurify, on its output tree.
 */
function replaceRemoteImages(root: HTMLElement): void {
  const document = root.ownerDocument;
  for (const img of [...root.querySelectorAll('img')]) {
    const src = img.getAttribute('src');
    if (src === null || !REMOTE_URL.test(src)) continue;
    if (isTrackingPixel(img)) {
      img.remove();
      continue;
    }
    const href = src.startsWith(PROTOCOL_RELATIVE) ? `https:${src}` : src;
    const label = (img.getAttribute('alt') ?? '').trim() || imageLabel(href);
    if (img.closest('a')) {
      img.replaceWith(document.createTextNode(label));
      continue;
    }
    const link = document.createElement('a');
    link.setAttribute('href', href);
    link.setAttribute('rel', LINK_REL);
    link.setAttribute('class', REMOTE_IMAGE_CLASS);
    link.textContent = label;
    img.replaceWith(link);
  }
}

/** One sanitizer per build; it reuses a jsdom window for DOCUMENTS_PER_WINDOW calls. */
export function createHtmlSanitizer(): HtmlSanitizer {
  let purifier: Purifier | undefined;
  let current: HtmlContext | undefined;

  const create = (): Purifier => {
    const { window } = new (jsdom().JSDOM)('');
    // jsdom's window has everything DOMPurify reads; its types just do not say so.
    const html = createDOMPurify(window as unknown as WindowLike);
    const svg = createDOMPurify(window as unknown as WindowLike);
    html.addHook('afterSanitizeAttributes', (node) => {
      if (node.nodeName === 'A' && node.hasAttribute('href')) node.setAttribute('rel', LINK_REL);
      if (current && node.nodeName === 'IMG') {
        const src = node.getAttribute('src');
        if (src === null) return;
        const resolved = current.resolveImageSrc(src);
        // Dropping src (not the node) keeps DOMPurify's walk over the tree intact.
        if (resolved === null) node.removeAttribute('src');
        else node.setAttribute('src', resolved);
      }
    });
    return { html, svg, window, documents: 0 };
  };

  /** The current purifiers; a new window only between top-level calls, never inside one. */
  const get = (): Purifier => {
    if (purifier && (purifier.documents < DOCUMENTS_PER_WINDOW || current)) {
      purifier.documents += 1;
      return purifier;
    }
    purifier?.window.close();
    purifier = create();
    purifier.documents = 1;
    return purifier;
  };

  return {
    sanitizeHtml(html, context) {
      const purifiers = get();
      current = context ?? NO_CONTEXT;
      try {
        const body = purifiers.html.sanitize(html, { ...ARTICLE_CONFIG, RETURN_DOM: true });
        // RETURN_DOM gives the <body> of DOMPurify's own document, typed as a plain Node.
        if (!(body instanceof purifiers.window.HTMLElement)) return '';
        replaceRemoteImages(body);
        return body.innerHTML;
      } finally {
        current = undefined;
      }
    },
    sanitizeSvg(svg) {
      const { svg: purify, window } = get();
      const fragment = purify.sanitize(svg.replace(SVG_PROLOG, ''), { ...SVG_CONFIG, RETURN_DOM_FRAGMENT: true });
      const root = [...fragment.children].find((el) => el.localName === 'svg');
      // XMLSerializer, not innerHTML: a standalone .svg file must be XML (no &nbsp;, closed tags).
      return root ? new window.XMLSerializer().serializeToString(root) : null;
    },
  };
}
