/**
 * The iframe mode's postMessage protocol (embed.html <-> the partner page). Every message is
 * checked: origin, source window and shape; anything else is ignored.
 */

export const HEIGHT_MESSAGE = 'folio:height';
export const OPEN_MESSAGE = 'folio:open';
/** Taller than any page a reader scrolls: larger values are treated as garbage. */
export const MAX_HEIGHT = 1_000_000;
const MAX_ID_LENGTH = 512;

export interface HeightMessage {
  type: typeof HEIGHT_MESSAGE;
  height: number;
}

export interface OpenMessage {
  type: typeof OPEN_MESSAGE;
  id: string;
}

// Article ids never hold control characters (the corpus builder refuses them).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u001F\u007F-\u009F]/;

/** A plain object (as postMessage clones one), read by its own properties only: nothing inherited counts. */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function own(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

export function isHeightMessage(value: unknown): value is HeightMessage {
  if (!isPlainRecord(value) || own(value, 'type') !== HEIGHT_MESSAGE) return false;
  const height = own(value, 'height');
  return typeof height === 'number' && Number.isFinite(height) && height >= 0 && height <= MAX_HEIGHT;
}

export function isOpenMessage(value: unknown): value is OpenMessage {
  if (!isPlainRecord(value) || own(value, 'type') !== OPEN_MESSAGE) return false;
  const id = own(value, 'id');
  return typeof id === 'string' && id.trim() !== '' && id.length <= MAX_ID_LENGTH && !CONTROL_CHARS.test(id);
}

/** The `parent` query parameter as an exact http(s) origin, or null when missing or anything else. */
export function parseParentOrigin(value: string | null): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    // Only a bare origin is accepted: a path or query would hint at a typo worth failing loudly on.
    return url.origin === value.replace(/\/$/, '') ? url.origin : null;
  } catch {
    return null;
  }
}

export interface IncomingMessage {
  origin: string;
  data: unknown;
  source: unknown;
}

/** The article id a `folio:open` asks for, when the message comes from the expected parent. */
export function acceptOpen(event: IncomingMessage, parentOrigin: string | null, parentWindow: unknown): string | null {
  if (parentOrigin === null || event.origin !== parentOrigin || event.source !== parentWindow) return null;
  return isOpenMessage(event.data) ? event.data.id.trim() : null;
}

export function heightMessage(height: number): HeightMessage {
  return { type: HEIGHT_MESSAGE, height: Math.max(0, Math.min(MAX_HEIGHT, Math.ceil(height))) };
}
