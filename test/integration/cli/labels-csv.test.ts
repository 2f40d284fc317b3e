import { describe, expect, it } from 'vitest';
import { csvField } from '../../../src-main/project/csv-field';
import { parseLabelsCsv } from '../../../src-main/project/labels-csv';

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

  it('quotes fields so that they read back the same', () => {
    for (const fields of [['plain', 'with, comma'], ['with "quotes"', 'x'], ['new\u00e9', 'x'], [' spaced .png', 'x'], ['line\nbreak.png', '-1']]) {
      expect(parseLabelsCsv(fields.map(csvField).join(','), 'l.csv').map((l) => [l.path, l.className])).toEqual([fields]);
    }
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField(0.5)).toBe('0.5');
  });
});
