/**
 * The characters a class name may not hold, checked where every class is made or renamed
 * (ClassStore.create/update: classes:create, classes:update, imports that create classes)
 * and by an import's plan, which names each refused name's lines before changing anything.
 *
 * Refused: C0 controls (NUL, tab, line breaks, ESC of terminal escape sequences…), DEL and
 * C1 controls, the line and paragraph separators, and the bidirectional-text controls (marks,
 * embeddings, overrides such as U+202E RLO, isolates), which make a name read as another one
 * in lists, exported files and terminals. Everything else (accents, any script, emoji and
 * their joiners) is a fine class name.
 */

const NAMES: Record<number, string> = {
  0x00: 'NUL',
  0x09: 'tab',
  0x0a: 'line feed',
  0x0d: 'carriage return',
  0x1b: 'ESC, which starts terminal escape sequences',
  0x7f: 'DEL',
  0x061c: 'Arabic letter mark',
  0x200e: 'left-to-right mark',
  0x200f: 'right-to-left mark',
  0x2028: 'line separator',
  0x2029: 'paragraph separator',
  0x202a: 'left-to-right embedding',
  0x202b: 'right-to-left embedding',
  0x202c: 'pop directional formatting',
  0x202d: 'left-to-right override',
  0x202e: 'right-to-left override',
  0x2066: 'left-to-right isolate',
  0x2067: 'right-to-left isolate',
  0x2068: 'first strong isolate',
  0x2069: 'pop directional isolate',
};

function refused(code: number): boolean {
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f) || code in NAMES;
}

const hex = (code: number): string => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;

/** `name` with each refused character shown as its code (<U+202E>), safe to put in a message. */
export function visibleClassName(name: string): string {
  let out = '';
  for (const ch of name) {
    const code = ch.codePointAt(0) as number;
    out += refused(code) ? `<${hex(code)}>` : ch;
  }
  return out;
}

/** Why `name` cannot be a class name because of a character in it, or null when none is refused. */
export function classNameProblem(name: string): string | null {
  for (const ch of name) {
    const code = ch.codePointAt(0) as number;
    if (!refused(code)) continue;
    const what = NAMES[code] ?? (code >= 0x80 ? 'a C1 control character' : 'a control character');
    return (
      `The class name "${visibleClassName(name)}" holds ${hex(code)} (${what}): a class name cannot hold control characters or text-direction controls, ` +
      `which would make it show as another name. Type the name without it.`
    );
  }
  return null;
}

/**
 * What makes two class names one class: the same text ignoring case (any script's, not only
 * ASCII: "Éosinophile" and "éosinophile") and Unicode's composition (an "é" typed as one code
 * point and one from a macOS folder name, "e" + U+0301). Every place that matches class names
 * uses it: a class made or renamed (ClassStore), a labels or suggestions import, `adma train`.
 * Before, the store compared with SQLite's NOCASE, which folds ASCII letters only, while an
 * import folded every letter: a project could hold "Élan" and "élan", and an import then put
 * the labels of both on one of them.
 */
export const classNameKey = (name: string): string => name.normalize('NFC').toLowerCase();
