import { describe, expect, it } from 'vitest';
import { csvField } from '../../../src-main/project/csv-field';
import { parseLabelsCsv, readLabelsCsv } from '../../../src-main/project/labels-csv';

describe('labels CSV', () => {
  it('reads path,class lines with an optional header, quotes, CRLF, BOM and blank lines', () => {
    const text = '\uFEFFpath,class\r\nants/a.jpg,ants\r\n\r\n"bees/b, c.jpg","honey ""bee"""\r\n  d.png , ants \n';
    expect(parseLabelsCsv(text, 'labels.csv')).toEqual([
      { line: 2, path: 'ants/a.jpg', className: 'ants' },
      { line: 4, path: 'bees/b, c.jpg', className: 'honey "bee"' },
      { line: 5, path: 'd.png', className: 'ants' },
    ]);
  });

  it('reports bad lines by number and an empty file', () => {
    expect(() => parseLabelsCsv('a.jpg,ants\nb.jpg\nc.jpg,bees,extra\n"d.jpg,ants', 'l.csv')).toThrow(/l\.csv has 3 bad lines:\n {2}lines 2, 3: expected a path and a class \("path,class"\)\n {2}line 4: unterminated quote/s);
    expect(() => parseLabelsCsv('\n\n', 'l.csv')).toThrow(/has no labels/);
    expect(() => parseLabelsCsv('path,class\n', 'l.csv')).toThrow(/has no labels/);
  });

  it('says which field a line of the right shape lacks, and keeps the one it has for the import report', () => {
    // (A line of commas only is a blank line: skipped.)
    const { lines, problems } = readLabelsCsv('a.jpg,ants\nb.jpg,\n,bees\n,\nc.jpg\n', 'l.csv');
    expect(lines.map((l) => l.path)).toEqual(['a.jpg']);
    expect(problems).toEqual([
      { line: 2, reason: 'malformed: no class', path: 'b.jpg' },
      { line: 3, reason: 'malformed: no path', className: 'bees' },
      { line: 5, reason: 'malformed: expected a path and a class ("path,class")' },
    ]);
    // With a header, its width: a line of another width names nothing (its fields may be shifted).
    expect(readLabelsCsv('path,class,split\na.jpg,ants,train\nb.jpg,bees\nc.jpg,,train\n,,train\n', 'l.csv').problems).toEqual([
      { line: 3, reason: 'malformed: expected 3 fields with a path and a class, as in the header' },
      { line: 4, reason: 'malformed: no class', path: 'c.jpg' },
      { line: 5, reason: 'malformed: no path and no class' },
    ]);
    // `adma train` refuses such a file, one row per reason.
    expect(() => parseLabelsCsv('a.jpg,ants\nb.jpg,\nc.jpg,\nd.jpg\n', 'l.csv')).toThrow(/l\.csv has 3 bad lines:\n {2}lines 2, 3: no class\n {2}line 4: expected a path and a class/);
  });

  it('quotes fields so that they read back the same', () => {
    for (const fields of [['plain', 'with, comma'], ['with "quotes"', 'x'], ['new\u00e9', 'x'], [' spaced .png', 'x'], ['line\nbreak.png', '-1']]) {
      expect(parseLabelsCsv(fields.map(csvField).join(','), 'l.csv').map((l) => [l.path, l.className])).toEqual([fields]);
    }
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField(0.5)).toBe('0.5');
  });
});
