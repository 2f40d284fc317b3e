/**
 * Natural file-name order (src-shared/natural-name.ts): the key's plain code-point order is the
 * order of Intl.Collator({ numeric: true, sensitivity: 'base' }) per path component, names that
 * collator calls alike get one key (told apart by their path), digit runs of any length order by
 * value, and SQLite's BINARY collation orders the keys as compareCodePoints does.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { compareCodePoints, compareNaturally, naturalNameKey, sortNaturally } from '../../../src-shared/natural-name';
import { mulberry32 as random } from '../../../src-main/core/seeded-random';

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
const sign = (n: number): number => Math.sign(n);
const keyOrder = (a: string, b: string): number => sign(compareCodePoints(naturalNameKey(a), naturalNameKey(b)));

/** The reference for a path: its components one after another, each by the collator, two folders alike then by their names' code points. */
function referenceOrder(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let k = 0; k < Math.min(x.length, y.length); k++) {
    const c = collator.compare(x[k]!, y[k]!);
    if (c !== 0) return sign(c);
    const folders = k < x.length - 1 && k < y.length - 1;
    if (folders && x[k] !== y[k]) return sign(compareCodePoints(x[k]!, y[k]!));
  }
  return sign(x.length - y.length);
}

/** Letters (cased, accented, folded by ICU), ASCII digits, and spaces, punctuation and symbols. */
const ALPHABET = [...'abzABZéÉüÜñåÅçøØæÆœßłđð', ...'00123456789', ...' -_.,()[]+~#\'!&@;=$%^{}`'];

function randomName(rand: () => number): string {
  const length = 1 + Math.floor(rand() * 8);
  let name = '';
  for (let k = 0; k < length; k++) {
    // Runs of digits, up to 25 long, now and then.
    if (rand() < 0.15) name += Array.from({ length: 1 + Math.floor(rand() * 25) }, () => String(Math.floor(rand() * 10))).join('');
    else name += ALPHABET[Math.floor(rand() * ALPHABET.length)];
  }
  return name;
}

describe('natural file-name order', () => {
  it('lists numbered files by number, without case, as a file manager does', () => {
    const names = ['img-10.png', 'img-2.png', 'img-1200.png', 'img-1.png', 'img-100.png', 'Scan_B.tif', 'scan_a.tif', 'img-1001.png', 'IMG-3.png'];
    expect(sortNaturally(names)).toEqual(['img-1.png', 'img-2.png', 'IMG-3.png', 'img-10.png', 'img-100.png', 'img-1001.png', 'img-1200.png', 'scan_a.tif', 'Scan_B.tif']);
    expect(compareNaturally('img-2.png', 'img-10.png')).toBeLessThan(0);
    expect(compareNaturally('img-10.png', 'img-2.png')).toBeGreaterThan(0);
    // Accents and case: é as e, ß as ss, ø as o.
    expect(sortNaturally(['Ole.png', 'Øl.png', 'émile.png', 'Emma.png', 'Strasse 2.png', 'straße 10.png'])).toEqual(['émile.png', 'Emma.png', 'Øl.png', 'Ole.png', 'Strasse 2.png', 'straße 10.png']);
  });

  it('gives img-007 and img-7 one key, told apart by their path', () => {
    expect(naturalNameKey('img-007.png')).toBe(naturalNameKey('img-7.png'));
    expect(naturalNameKey('img-0.png')).toBe(naturalNameKey('img-000.png'));
    expect(naturalNameKey('Scan_A.TIF')).toBe(naturalNameKey('scan_a.tif'));
    expect(sortNaturally(['img-7.png', 'img-8.png', 'img-007.png', 'img-6.png'])).toEqual(['img-6.png', 'img-007.png', 'img-7.png', 'img-8.png']);
    expect(compareNaturally('img-007.png', 'img-7.png')).toBeLessThan(0); // '0' < '7'
    expect(compareNaturally('a.png', 'a.png')).toBe(0);
  });

  it('orders digit runs of any length by value (past 2^53, past 39 digits)', () => {
    const rand = random(11);
    const numbers: bigint[] = [0n, 1n, 9n, 10n, 2n ** 53n, 2n ** 53n + 1n, 10n ** 15n - 1n, 10n ** 15n, 10n ** 38n, 10n ** 39n - 1n, 10n ** 39n, 10n ** 39n + 7n, 10n ** 40n, 10n ** 99n, 10n ** 100n];
    for (let k = 0; k < 300; k++) {
      const digits = 1 + Math.floor(rand() * 120);
      numbers.push(BigInt(Array.from({ length: digits }, (_, d) => String(d === 0 ? 1 + Math.floor(rand() * 9) : Math.floor(rand() * 10))).join('')));
    }
    const byValue = [...new Set(numbers)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const names = byValue.map((n, k) => `scan-${'0'.repeat(k % 3)}${n}.tif`);
    expect(sortNaturally([...names].reverse())).toEqual(names);
    // Leading zeros change nothing, whatever the length.
    expect(naturalNameKey(`x${'0'.repeat(50)}${10n ** 45n}`)).toBe(naturalNameKey(`x${10n ** 45n}`));
  });

  it('agrees with Intl.Collator (numeric, base) on random names', () => {
    const rand = random(2026);
    const names = Array.from({ length: 600 }, () => randomName(rand));
    names.push('a', 'a0', 'a 1', 'a-1', 'a_1', 'a1', 'a01', 'a.1', 'ae', 'æ', 'æb', 'aeb', 'af', 'ss', 'ß', 'sz');
    let unequal = 0;
    for (let i = 0; i < names.length; i++) {
      for (let j = 0; j < names.length; j++) {
        const a = names[i]!;
        const b = names[j]!;
        const expected = sign(collator.compare(a, b));
        if (expected !== 0) unequal++;
        if (keyOrder(a, b) !== expected) expect.fail(`${JSON.stringify(a)} vs ${JSON.stringify(b)}: key order ${keyOrder(a, b)}, collator ${expected}`);
      }
    }
    expect(unequal).toBeGreaterThan(names.length * (names.length - 10));
  });

  it('orders a path component by component: a folder before a longer name that starts like it', () => {
    expect(sortNaturally(['a.png', 'a-b/x.png', 'a/z.png', 'a/b/c.png', 'a10/x.png', 'a2/y.png'])).toEqual(['a/b/c.png', 'a/z.png', 'a-b/x.png', 'a.png', 'a2/y.png', 'a10/x.png']);
    // Binary order put 'a-b/x.png' and 'a.png' before 'a/z.png' ('-' and '.' below '/').
    const rand = random(7);
    const paths = Array.from({ length: 300 }, () => Array.from({ length: 1 + Math.floor(rand() * 3) }, () => randomName(rand)).join('/'));
    // Folders alike but for case or leading zeros, holding names alike in turn.
    for (const folder of ['Slide01', 'slide01', 'slide1', 'SLIDE001', 'a01', 'a1']) for (const name of ['a.png', 'B.png', 'b.png', 'c/d.png', 'C/e.png']) paths.push(`${folder}/${name}`);
    for (const a of paths) for (const b of paths) if (keyOrder(a, b) !== referenceOrder(a, b)) expect.fail(`${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  });

  it('keeps the files of two folders alike in natural order (Slide01 and slide01, a01 and a1) together, each folder by its own name', () => {
    expect(sortNaturally(['slide01/a.png', 'Slide01/b.png', 'slide01/b.png', 'Slide01/a.png', 'slide01/c.png'])).toEqual([
      'Slide01/a.png',
      'Slide01/b.png',
      'slide01/a.png',
      'slide01/b.png',
      'slide01/c.png',
    ]);
    expect(sortNaturally(['a1/x-2.png', 'a01/x-10.png', 'a1/x-10.png', 'a01/x-2.png', 'a2/x-1.png', 'a0/z.png'])).toEqual([
      'a0/z.png',
      'a01/x-2.png',
      'a01/x-10.png',
      'a1/x-2.png',
      'a1/x-10.png',
      'a2/x-1.png',
    ]);
    // Deeper too: the first folders alike decide, whatever is below them.
    expect(sortNaturally(['p/S1/b/x.png', 'p/s1/a/x.png', 'p/S1/a/x.png'])).toEqual(['p/S1/a/x.png', 'p/S1/b/x.png', 'p/s1/a/x.png']);
    // Files alike (not folders) are still told apart by the path only.
    expect(sortNaturally(['d/IMG-1.png', 'd/img-1.png', 'd/img-01.png'])).toEqual(['d/IMG-1.png', 'd/img-01.png', 'd/img-1.png']);
  });

  it('reads Unicode names: NFC and NFD alike, fullwidth digits as digits, ignorable characters ignored', () => {
    expect(naturalNameKey('caf\u00e9.png')).toBe(naturalNameKey('cafe\u0301.png'));
    expect(naturalNameKey('Café.png')).toBe(naturalNameKey('cafe.png'));
    expect(sortNaturally(['img-１０.png', 'img-９.png'])).toEqual(['img-９.png', 'img-１０.png']);
    expect(naturalNameKey('soft\u00adhyphen.png')).toBe(naturalNameKey('softhyphen.png'));
    // A fullwidth solidus in a name is punctuation, not a folder.
    expect(compareNaturally('a\uff0fb.png', 'a/b.png')).toBeGreaterThan(0);
    // Other scripts after Latin letters; Cyrillic by case too.
    expect(sortNaturally(['Жук.png', 'zebra.png', 'жаба.png', 'αλφα.png'])).toEqual(['zebra.png', 'αλφα.png', 'жаба.png', 'Жук.png']);
    // Characters above U+FFFF: by code point, as SQLite compares UTF-8 (not UTF-16's order).
    expect(compareCodePoints('\u{1f600}', '\uffe0')).toBeGreaterThan(0);
    expect('\u{1f600}' < '\uffe0').toBe(true);
  });

  it('keeps ASCII punctuation in the collator order (the table in natural-name.ts)', () => {
    // '/' is left out: in a path it parts components.
    const punctuation: string[] = [];
    for (let code = 0x20; code < 0x7f; code++) if (!/[A-Za-z0-9/]/.test(String.fromCharCode(code))) punctuation.push(String.fromCharCode(code));
    const byKey = [...punctuation].sort((a, b) => compareCodePoints(naturalNameKey(`x${a}`), naturalNameKey(`x${b}`)));
    const byCollator = [...punctuation].sort((a, b) => collator.compare(`x${a}`, `x${b}`));
    expect(byKey.join('')).toBe(byCollator.join(''));
    // All of them before digits, digits before letters.
    expect(sortNaturally(['x~', 'x0', 'xa', 'x ', 'x$'])).toEqual(['x ', 'x~', 'x$', 'x0', 'xa']);
  });

  it('is ordered by SQLite as compareCodePoints orders it (BINARY collation of UTF-8)', () => {
    const rand = random(5);
    const extra = ['\u{1f600}.png', '\uffe0.png', '\u{20000}.png', '漢字.png', 'ǅ.png', 'ΣΑΣ.png', 'a\u0000b'.replace('\u0000', '\u0007')];
    const paths = [...Array.from({ length: 500 }, () => `${randomName(rand)}/${randomName(rand)}`), ...extra];
    const db = new Database(':memory:');
    try {
      db.exec('CREATE TABLE t (rel_path TEXT NOT NULL, name_key TEXT NOT NULL)');
      const insert = db.prepare('INSERT INTO t VALUES (?, ?)');
      for (const p of paths) insert.run(p, naturalNameKey(p));
      const bySqlite = db.prepare('SELECT rel_path FROM t ORDER BY name_key, rel_path').pluck().all() as string[];
      expect(bySqlite).toEqual([...paths].sort(compareNaturally));
      expect(bySqlite).toEqual(sortNaturally(paths));
    } finally {
      db.close();
    }
  });
});
