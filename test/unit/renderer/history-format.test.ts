import { describe, expect, it } from 'vitest';
import type { ClassHistoryEntry, HistoryEntry } from '../../../src-shared/contract';
import { classChangeText, historyActionLabel, historyActor, historyKey, namesBackfilled } from '../../../src-renderer/logic/history-format';

const change = (over: Partial<ClassHistoryEntry>): ClassHistoryEntry => ({
  subject: 'class',
  id: 1,
  actionId: 7,
  classId: 3,
  kind: 'class-deleted',
  oldName: 'bee',
  newName: null,
  images: 0,
  actor: 'ana',
  at: '2026-01-01T10:00:00.000Z',
  backfilled: false,
  ...over,
});

const label = (over: Partial<HistoryEntry>): HistoryEntry => ({
  subject: 'image',
  id: 1,
  actionId: 2,
  imageId: 5,
  relPath: 'a.png',
  oldClassId: null,
  newClassId: 3,
  oldClassName: null,
  newClassName: 'bee',
  classNamesBackfilled: false,
  oldUnsure: false,
  newUnsure: false,
  kind: 'set',
  classDeletion: false,
  importedFrom: null,
  actor: 'ana',
  at: '2026-01-01T10:00:00.000Z',
  ...over,
});

describe('the History’s class changes', () => {
  it('say what a delete did, labels or none, with the name the class had', () => {
    expect(classChangeText(change({ oldName: 'platelet' }))).toBe('Deleted class “platelet” (no labels)');
    expect(classChangeText(change({ images: 12 }))).toBe('Deleted class “bee” – 12 images unlabeled');
    expect(classChangeText(change({ images: 1 }))).toBe('Deleted class “bee” – 1 image unlabeled');
    expect(historyActionLabel(change({}))).toBe('Class deleted');
  });

  it('say what the undo and redo of a delete did, and the name the class came back with', () => {
    expect(classChangeText(change({ kind: 'undo', newName: 'bee', images: 12 }))).toBe('Class “bee” back – 12 images labeled again');
    expect(classChangeText(change({ kind: 'undo', newName: 'bee (restored)', images: 3 }))).toBe('Class “bee” back as “bee (restored)” – 3 images labeled again');
    expect(classChangeText(change({ kind: 'undo', oldName: 'platelet', newName: 'platelet' }))).toBe('Class “platelet” back (no labels)');
    expect(classChangeText(change({ kind: 'redo', images: 12 }))).toBe('Deleted class “bee” again – 12 images unlabeled');
    expect(classChangeText(change({ kind: 'redo' }))).toBe('Deleted class “bee” again (no labels)');
    expect(historyActionLabel(change({ kind: 'undo' }))).toBe('Undo: class back');
    expect(historyActionLabel(change({ kind: 'redo' }))).toBe('Redo: class deleted');
  });

  it('say a rename, old name and new, with the labels it renamed', () => {
    expect(classChangeText(change({ kind: 'renamed', actionId: null, oldName: 'bee', newName: 'honeybee', images: 4 }))).toBe('Renamed class “bee” to “honeybee” (4 labels)');
    expect(classChangeText(change({ kind: 'renamed', actionId: null, oldName: 'bee', newName: 'Bee' }))).toBe('Renamed class “bee” to “Bee” (no labels)');
    expect(historyActionLabel(change({ kind: 'renamed' }))).toBe('Class renamed');
  });

  it('an older version’s change read back has no “who”, and is marked', () => {
    const old = change({ actor: null, backfilled: true });
    expect(historyActor(old)).toBe('not recorded');
    expect(namesBackfilled(old)).toBe(true);
    expect(namesBackfilled(change({}))).toBe(false);
  });
});

describe('the History’s label rows', () => {
  it('name the action: label, clear, unsure, import, undo and redo (of a class delete: what it did to the class)', () => {
    expect(historyActionLabel(label({}))).toBe('Label');
    expect(historyActionLabel(label({ newClassId: null, newClassName: null }))).toBe('Clear');
    expect(historyActionLabel(label({ newClassId: null, newUnsure: true }))).toBe('Unsure');
    expect(historyActionLabel(label({ importedFrom: 'labels.csv' }))).toBe('Import (labels.csv)');
    expect(historyActionLabel(label({ kind: 'undo' }))).toBe('Undo');
    expect(historyActionLabel(label({ kind: 'redo' }))).toBe('Redo');
    expect(historyActionLabel(label({ kind: 'class-deleted', classDeletion: true }))).toBe('Class deleted');
    expect(historyActionLabel(label({ kind: 'undo', classDeletion: true }))).toBe('Undo: class back');
    expect(historyActionLabel(label({ kind: 'redo', classDeletion: true }))).toBe('Redo: class deleted');
  });

  it('have keys apart from the class changes of the same id, and say when their names were read back', () => {
    expect(historyKey(label({ id: 4 }))).not.toBe(historyKey(change({ id: 4 })));
    expect(namesBackfilled(label({ classNamesBackfilled: true }))).toBe(true);
    expect(historyActor(label({}))).toBe('ana');
  });
});
