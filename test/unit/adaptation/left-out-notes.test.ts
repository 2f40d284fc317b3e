/**
 * The export's notes on labeled images it left out: one sentence for each kind of reason, the
 * paths sorted, the first ten named and the rest counted, each unreadable file with its reason.
 */
import { describe, expect, it } from 'vitest';
import { leftOutNotes, type LeftOut } from '../../../src-main/adaptation/labels-export';

describe('leftOutNotes', () => {
  it('says nothing when nothing was left out', () => {
    expect(leftOutNotes(new Map())).toEqual([]);
  });

  it('says each kind apart, in one sentence each, with what to do', () => {
    const leftOut: LeftOut = new Map([
      ['b.png', { kind: 'gone', why: 'the file is gone (moved or deleted since the scan)' }],
      ['c.png', { kind: 'unreadable', why: 'permission denied' }],
      ['a.png', { kind: 'gone', why: 'the file is gone (moved or deleted since the scan)' }],
      ['d.png', { kind: 'changed', why: 'its content changed since the last scan' }],
      ['sub/e.png', { kind: 'unreadable', why: 'a folder, not a file' }],
    ]);
    expect(leftOutNotes(leftOut)).toEqual([
      `1 labeled image's file changed since the last scan, so it is not in this export (its label and hash would be wrong): d.png. Rescan with "Check every file", check its label, then export again.`,
      `2 labeled images' files are gone from the project folder since the last scan (moved or deleted), so they are not in this export: a.png, b.png. Put them back, or rescan (a file moved inside the folder keeps its label), then export again.`,
      `2 labeled images' files could not be read, so they are not in this export: c.png (permission denied), sub/e.png (a folder, not a file). Make them readable image files again, then export again.`,
    ]);
  });

  it('names the first ten and counts the rest', () => {
    const leftOut: LeftOut = new Map(Array.from({ length: 13 }, (_, i) => [`img-${String(i).padStart(2, '0')}.png`, { kind: 'gone', why: 'gone' }] as const));
    const [note] = leftOutNotes(leftOut);
    expect(note).toMatch(/^13 labeled images' files are gone/);
    expect(note).toContain('img-00.png, img-01.png');
    expect(note).toContain('img-09.png and 3 more.');
    expect(note).not.toContain('img-10.png');
  });
});
