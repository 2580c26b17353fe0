/** Article HTML to plain text: used by the engine (indexing) and the UI (snippets), with no FlexSearch. */

const PARAGRAPH_END = /<\/p\s*>/gi;
const LINE_BREAK = /<br\s*\/?>/gi;
// A quoted attribute value may hold '>'.
const TAG = /<(?:[^>"']|"[^"]*"|'[^']*')*>/g;
const ENTITY = /&(#x[0-9a-f]+|#[0-9]+|[a-z][a-z0-9]*);/gi;
const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
};
const HEX = 16;
const DECIMAL = 10;
const MAX_CODE_POINT = 0x10ffff;

function decodeEntities(html: string): string {
  return html.replace(ENTITY, (whole, name: string) => {
    if (name.startsWith('#')) {
      const hex = name[1] === 'x' || name[1] === 'X';
      const code = Number.parseInt(name.slice(hex ? 2 : 1), hex ? HEX : DECIMAL);
      return code > 0 && code <= MAX_CODE_POINT ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** Sanitized article HTML (`<p>` paragraphs) → plain text, one paragraph a line. */
export function htmlToText(html: string): string {
  const text = html.replace(PARAGRAPH_END, '\n').replace(LINE_BREAK, '\n').replace(TAG, '');
  return decodeEntities(text).trim();
}
