/**
 * Finds where and why JSON.parse failed. Node 20's messages only sometimes carry a position
 * ("Unexpected token 'x', "…" is not valid JSON" has none), so a failed text is re-scanned by
 * this small recursive-descent checker, which runs only after JSON.parse has already thrown.
 */

export interface JsonSyntaxError {
  /** 1-based line and column (UTF-16 code units) of the offending character. */
  line: number;
  column: number;
  /** "expected …, got …". */
  message: string;
}

class Stop {
  constructor(
    readonly offset: number,
    readonly expected: string,
  ) {}
}

const HEX4 = /^[0-9a-fA-F]{4}$/;
const ESCAPABLE = '"\\/bfnrtu';
const FIRST_CONTROL_ABOVE = 0x20;
const UNICODE_ESCAPE_DIGITS = 4;

class Scanner {
  #i = 0;
  readonly #text: string;

  constructor(text: string) {
    this.#text = text;
  }

  run(): void {
    this.#value();
    this.#ws();
    if (this.#i < this.#text.length) throw new Stop(this.#i, 'end of file after the top-level value');
  }

  #ws(): void {
    const t = this.#text;
    while (this.#i < t.length && ' \t\n\r'.includes(t.charAt(this.#i))) this.#i += 1;
  }

  #peek(): string {
    return this.#text.charAt(this.#i);
  }

  #value(): void {
    this.#ws();
    const c = this.#peek();
    if (c === '{') this.#object();
    else if (c === '[') this.#array();
    else if (c === '"') this.#string();
    else if (c === '-' || (c >= '0' && c <= '9')) this.#number();
    else if (!this.#literal()) throw new Stop(this.#i, 'a value');
  }

  #literal(): boolean {
    for (const word of ['true', 'false', 'null']) {
      if (this.#text.startsWith(word, this.#i)) {
        this.#i += word.length;
        return true;
      }
    }
    return false;
  }

  #object(): void {
    this.#i += 1;
    this.#ws();
    if (this.#peek() === '}') {
      this.#i += 1;
      return;
    }
    for (;;) {
      this.#ws();
      if (this.#peek() !== '"') throw new Stop(this.#i, 'a double-quoted property name');
      this.#string();
      this.#ws();
      if (this.#peek() !== ':') throw new Stop(this.#i, "':' after the property name");
      this.#i += 1;
      this.#value();
      this.#ws();
      const c = this.#peek();
      this.#i += 1;
      if (c === '}') return;
      if (c !== ',') throw new Stop(this.#i - 1, "',' or '}'");
    }
  }

  #array(): void {
    this.#i += 1;
    this.#ws();
    if (this.#peek() === ']') {
      this.#i += 1;
      return;
    }
    for (;;) {
      this.#value();
      this.#ws();
      const c = this.#peek();
      this.#i += 1;
      if (c === ']') return;
      if (c !== ',') throw new Stop(this.#i - 1, "',' or ']'");
    }
  }

  #string(): void {
    const t = this.#text;
    this.#i += 1;
    while (this.#i < t.length) {
      const c = t.charAt(this.#i);
      if (c === '"') {
        this.#i += 1;
        return;
      }
      if (c.charCodeAt(0) < FIRST_CONTROL_ABOVE)
        throw new Stop(this.#i, 'no control characters inside a string (escape them)');
      if (c === '\\') {
        const e = t.charAt(this.#i + 1);
        if (!ESCAPABLE.includes(e) || e === '')
          throw new Stop(this.#i + 1, 'a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)');
        if (e === 'u' && !HEX4.test(t.slice(this.#i + 2, this.#i + 2 + UNICODE_ESCAPE_DIGITS))) {
          throw new Stop(this.#i + 2, 'four hex digits after \\u');
        }
        this.#i += e === 'u' ? 2 + UNICODE_ESCAPE_DIGITS : 2;
        continue;
      }
      this.#i += 1;
    }
    throw new Stop(this.#i, 'a closing double quote');
  }

  #digits(): number {
    const start = this.#i;
    while (this.#peek() >= '0' && this.#peek() <= '9') this.#i += 1;
    return this.#i - start;
  }

  #number(): void {
    if (this.#peek() === '-') this.#i += 1;
    if (this.#peek() === '0') this.#i += 1;
    else if (this.#digits() === 0) throw new Stop(this.#i, 'a digit');
    if (this.#peek() === '.') {
      this.#i += 1;
      if (this.#digits() === 0) throw new Stop(this.#i, 'a digit after the decimal point');
    }
    if (this.#peek() === 'e' || this.#peek() === 'E') {
      this.#i += 1;
      if (this.#peek() === '+' || this.#peek() === '-') this.#i += 1;
      if (this.#digits() === 0) throw new Stop(this.#i, 'a digit in the exponent');
    }
  }
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

function describeAt(text: string, offset: number): string {
  if (offset >= text.length) return 'the end of the file';
  const code = text.codePointAt(offset) ?? 0;
  return JSON.stringify(String.fromCodePoint(code));
}

/** Where `text` stops being JSON, or null when it parses (or is too deeply nested to scan). */
export function locateJsonError(text: string): JsonSyntaxError | null {
  try {
    new Scanner(text).run();
    return null;
  } catch (err) {
    if (!(err instanceof Stop)) return null;
    return {
      ...lineColumn(text, err.offset),
      message: `expected ${err.expected}, got ${describeAt(text, err.offset)}`,
    };
  }
}
