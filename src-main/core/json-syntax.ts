/**
 * Where a text stops being JSON, in words a person can look up in an editor: "at line 3,
 * column 12: expected ',' or '}' but found ']'". JSON.parse says it unevenly (a position for
 * some faults, a quote of the text for others, "Unexpected end of JSON input" for a file cut
 * short), so a user file's JSON error is located here, by a plain scan of the grammar, once
 * JSON.parse has refused it.
 */

/** Line and column (from 1) of `offset` in `text`. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/** The character at `offset` as quoted in a message. */
function shown(text: string, offset: number): string {
  const c = text[offset] as string;
  return /[\x20-\x7e]/.test(c) ? `'${c}'` : `U+${c.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')}`;
}

class Fault {
  constructor(
    readonly offset: number,
    readonly expected: string,
  ) {}
}

/**
 * The first syntax fault of `text` as "at line L, column C: expected … but found …" (or "… the
 * text ends there"), or null when `text` is JSON. Iterative (a stack of open containers): no
 * nesting depth overflows it.
 */
export function jsonSyntaxFault(text: string): string | null {
  let i = 0;
  const space = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const string = (): void => {
    i++; // the opening quote
    while (i < text.length && text[i] !== '"') {
      const c = text.charCodeAt(i);
      if (c < 0x20) throw new Fault(i, 'a character of the string (a line break or control character must be escaped)');
      if (text[i] === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new Fault(Math.min(i + 2, text.length), 'four hexadecimal digits after \\u');
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) throw new Fault(i + 1, 'an escape (one of " \\ / b f n r t u) after \\');
        i += 2;
        continue;
      }
      i++;
    }
    if (i >= text.length) throw new Fault(i, "the string's closing quote");
    i++;
  };
  const scalar = (): void => {
    const rest = text.slice(i, i + 5);
    for (const word of ['true', 'false', 'null']) {
      if (rest.startsWith(word)) {
        i += word.length;
        return;
      }
    }
    const number = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (number && number[0] !== '' && number[0] !== '-') {
      i += number[0].length;
      return;
    }
    throw new Fault(i, 'a value (an object, array, string, number, true, false or null)');
  };
  /** An object member's name and its ':' (`expected`: what is said when no name starts here); its value follows. */
  const member = (expected: string): void => {
    if (text[i] !== '"') throw new Fault(i, expected);
    string();
    space();
    if (text[i] !== ':') throw new Fault(i, "':' after the property name");
    i++;
    space();
  };
  /** Open containers: '{' or '['. */
  const open: string[] = [];
  try {
    space();
    for (;;) {
      // A value.
      if (text[i] === '{' || text[i] === '[') {
        const bracket = text[i] as string;
        i++;
        space();
        const close = bracket === '{' ? '}' : ']';
        if (text[i] === close) {
          i++;
        } else {
          open.push(bracket);
          if (bracket === '{') member("a property name in double quotes or '}'");
          continue;
        }
      } else if (text[i] === '"') {
        string();
      } else {
        scalar();
      }
      // After a value: the next member or element, the close of its container, or the end.
      for (;;) {
        space();
        const inside = open.at(-1);
        if (inside === undefined) {
          if (i < text.length) throw new Fault(i, 'the end of the text after the value');
          return null;
        }
        const close = inside === '{' ? '}' : ']';
        if (text[i] === close) {
          open.pop();
          i++;
          continue;
        }
        if (text[i] !== ',') throw new Fault(i, `',' or '${close}'`);
        i++;
        space();
        if (inside === '{') member('a property name in double quotes');
        break;
      }
    }
  } catch (error) {
    if (!(error instanceof Fault)) throw error;
    const { line, column } = lineAndColumn(text, error.offset);
    const found = error.offset >= text.length ? 'the text ends there' : `found ${shown(text, error.offset)}`;
    return `at line ${line}, column ${column}: expected ${error.expected} but ${found}`;
  }
}

/** "<where> is not valid JSON: at line L, column C: …." for a text JSON.parse refused with `error`. */
export function notValidJson(where: string, text: string, error: unknown): string {
  const fault = jsonSyntaxFault(text) ?? (error instanceof Error ? error.message : String(error));
  return `${where} is not valid JSON: ${fault}.`;
}
