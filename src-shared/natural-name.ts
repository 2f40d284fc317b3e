/**
 * Natural file-name order, as a file manager lists names: digit runs compared by their value
 * (img-2 before img-10; img-007 and img-7 alike), letters without their case or accents (Scan_a
 * and scan_A alike, é as e), a path component by component ('a/z.png' before 'a-b/x.png': the
 * folder 'a' before the folder 'a-b', as 'a' before 'a-b'). Two folders alike in this order
 * (Slide01 and slide01, a01 and a1) are then told apart by their own names, in code-point order,
 * before what is in them: each folder's files stay together (Slide01/a, Slide01/b, slide01/a),
 * never interleaved by file name. Names alike in this order are told apart by their path
 * (`compareNaturally`; SQL: `ORDER BY name_key, rel_path`), so the order is total and the same
 * on every run.
 *
 * `naturalNameKey` maps a relative path to a string whose plain code-point order is that order:
 * SQLite's default BINARY collation (memcmp of the UTF-8 bytes, which orders code points) sorts
 * the project's images by it through an index (`images.name_key`, migration 14), with no
 * collation function to register on every connection. The reference is
 * `Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })` on each component (ICU's
 * root order: spaces, then punctuation and symbols, then digits, then letters); the key agrees
 * with it on names made of ASCII, Latin letters with accents, æ œ ø ł đ ð ħ ß, and ASCII digits
 * (test: natural-name.test.ts). Elsewhere it is an approximation: punctuation and symbols outside
 * ASCII come after ASCII's (in code-point order), letters that keep a code point of their own
 * after folding (Greek, Cyrillic, CJK, þ, ŋ…) after the Latin ones in code-point order, and
 * digits of other scripts count as letters, not numbers.
 *
 * The key is stored: what it gives a path must never change without computing every image's
 * key again (rows keyed before and after would then order by two rules): NAME_KEY_RULES says
 * which rules a project's keys were made by (migrations.ts keepNameKeysCurrent).
 *
 * The key is a sequence of units, each told by its first character, so two keys equal up to a
 * point are at the start of the same kind of unit there:
 * - U+0001: the '/' between components (below everything else: a component ends before any
 *   longer one that starts like it); after a folder's units, that folder's name itself and
 *   another U+0001 (the tie-break of folders alike; its characters are read only where the units
 *   before were equal, so they never meet a unit);
 * - U+0002…U+0022: an ASCII space, punctuation or symbol, in ICU's order (PUNCTUATION);
 * - U+0023 then the character: any other space, punctuation or symbol (code-point order);
 * - U+0031…U+0057, then the digits: a digit run of 1-39 digits, leading zeros dropped (a zero
 *   is "0"); the first character is 0x30 + the number of digits, so a longer number sorts after
 *   a shorter one, and numbers of one length by their digits;
 * - U+0058, then 0x30 + the number of digits of the length, the length, the digits: a longer
 *   run (a 40-digit serial number), after every shorter one;
 * - a letter (or any other character of a name: \p{L}, \p{N}), lowercased, accents removed
 *   (NFKD without its marks): all at U+0061 or above, after every digit run.
 * Control and format characters (\p{Cc}, \p{Cf}: ICU ignores them) leave nothing.
 */

const SEPARATOR = '\u0001';
/** The rules `naturalNameKey` keys a path by: raised whenever what it gives a path changes (2: a folder's own name after its units). */
export const NAME_KEY_RULES = 2;
/** ASCII's spaces, punctuation and symbols in ICU's root order (as Node 20.20's ICU 78 sorts them; natural-name.test.ts checks it). */
const PUNCTUATION = ' _-,;:!?.\'"()[]{}@*/\\&#%`^+<=>|~$';
const PUNCTUATION_WEIGHT = new Map([...PUNCTUATION].map((c, k) => [c, String.fromCharCode(0x02 + k)]));
/** Before any other space, punctuation or symbol (after ASCII's). */
const OTHER_MARK = String.fromCharCode(0x02 + PUNCTUATION.length);
/** Digit runs longer than this many digits are written with their length's own length (LONG_RUN). */
const SHORT_RUN_MAX = 0x57 - 0x30;
const LONG_RUN = String.fromCharCode(0x58);
/**
 * Latin letters that NFKD leaves whole but ICU's root order takes as the plain letter (or two):
 * the accent-insensitive reading of names from Danish, Norwegian, Polish, Croatian, Icelandic,
 * Maltese, French and German (ß, whose uppercase is SS).
 */
const LETTER_FOLDS: ReadonlyMap<string, string> = new Map([
  ['æ', 'ae'],
  ['œ', 'oe'],
  ['ø', 'o'],
  ['ł', 'l'],
  ['đ', 'd'],
  ['ð', 'd'],
  ['ħ', 'h'],
  ['ß', 'ss'],
]);

const LETTER = /[\p{L}\p{N}]/u;
const MARK = /\p{M}/u;
const IGNORED = /[\p{Cc}\p{Cf}]/u;
const NOT_ASCII = /[^\p{ASCII}]/u;

/** Each ASCII character's unit ('' for a control character, ignored; digits are read as runs, never through this). */
const ASCII_UNIT: readonly string[] = Array.from({ length: 0x80 }, (_, code) => {
  const c = String.fromCharCode(code);
  if (code < 0x20 || code === 0x7f) return '';
  if (/[A-Za-z]/.test(c)) return c.toLowerCase();
  return PUNCTUATION_WEIGHT.get(c) ?? '';
});

const isDigit = (code: number): boolean => code >= 0x30 && code <= 0x39;

/** A digit run's unit: its length first (SHORT_RUN_MAX, LONG_RUN), then its digits without leading zeros. */
function digitRun(digits: string): string {
  const value = digits.replace(/^0+(?=[0-9])/, '');
  if (value.length <= SHORT_RUN_MAX) return String.fromCharCode(0x30 + value.length) + value;
  const length = String(value.length);
  return LONG_RUN + String.fromCharCode(0x30 + length.length) + length + value;
}

/** A letter lowercased, without accents, folded as ICU's root order reads it (LETTER_FOLDS). */
function foldLetter(letter: string): string {
  let folded = '';
  for (const c of letter.toLowerCase().normalize('NFKD')) if (!MARK.test(c)) folded += LETTER_FOLDS.get(c) ?? c;
  return folded;
}

/** The unit of a character outside ASCII (one code point of the NFKD form). */
function otherUnit(c: string): string {
  if (MARK.test(c) || IGNORED.test(c)) return '';
  if (LETTER.test(c)) return foldLetter(c);
  return OTHER_MARK + c;
}

function componentKey(component: string): string {
  // Names are mostly ASCII, which NFKD leaves as it is (and a character at a time is 6 times slower).
  const text = NOT_ASCII.test(component) ? component.normalize('NFKD') : component;
  let key = '';
  for (let k = 0; k < text.length; ) {
    const code = text.charCodeAt(k);
    if (isDigit(code)) {
      let end = k + 1;
      while (end < text.length && isDigit(text.charCodeAt(end))) end++;
      key += digitRun(text.slice(k, end));
      k = end;
    } else if (code < 0x80) {
      key += ASCII_UNIT[code];
      k++;
    } else {
      const c = String.fromCodePoint(text.codePointAt(k)!);
      key += otherUnit(c);
      k += c.length;
    }
  }
  return key;
}

/** The natural-order key of a relative path ('/' between components): see above. */
export function naturalNameKey(relPath: string): string {
  const components = relPath.split('/');
  // Each folder's own name after its units: folders alike keep their files apart.
  return components.map((c, k) => (k < components.length - 1 ? `${componentKey(c)}${SEPARATOR}${c}` : componentKey(c))).join(SEPARATOR);
}

/**
 * Code-point order, as SQLite's BINARY collation compares UTF-8 text. JavaScript's `<` compares
 * UTF-16 code units, which puts a character above U+FFFF (a surrogate pair, U+D800-U+DFFF)
 * before U+E000-U+FFFF; shifted here so that they come after.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let k = 0; k < n; k++) {
    const x = a.charCodeAt(k);
    const y = b.charCodeAt(k);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

/** Natural order of two relative paths, then their plain order: the order of `ORDER BY name_key, rel_path`. */
export function compareNaturally(a: string, b: string): number {
  return compareCodePoints(naturalNameKey(a), naturalNameKey(b)) || compareCodePoints(a, b);
}

/** `paths` in natural order (a new array; each key computed once). */
export function sortNaturally(paths: readonly string[]): string[] {
  return sortNaturallyBy(paths, (p) => p);
}

/** `items` in the natural order of their paths (a new array; each key computed once). */
export function sortNaturallyBy<T>(items: readonly T[], pathOf: (item: T) => string): T[] {
  const keyed = items.map((item) => ({ item, path: pathOf(item), key: naturalNameKey(pathOf(item)) }));
  keyed.sort((a, b) => compareCodePoints(a.key, b.key) || compareCodePoints(a.path, b.path));
  return keyed.map((k) => k.item);
}
