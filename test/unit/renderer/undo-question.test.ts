import { describe, expect, it } from 'vitest';
import type { UndoPreview } from '../../../src-shared/contract';
import { UNDO_CONFIRM_AT, redoQuestion, undoQuestion } from '../../../src-renderer/logic/undo-question';

const here = { id: 'thisWindowAAAAAAAAAAAA', since: Date.parse('2026-12-01T10:00:00Z') };
const OTHER = 'otherWindowBBBBBBBBBBB';
const when = (iso: string): string => `at ${iso.slice(11, 16)}`;
const preview = (over: Partial<UndoPreview>): UndoPreview => ({
  actionId: 7,
  at: '2026-12-01T10:30:00Z',
  images: 2_000,
  importedFrom: null,
  deletedClass: null,
  window: here.id,
  gave: { classes: ['ant'], unsure: 0, unlabeled: 0 },
  paths: ['a.png', 'b.png', 'c.png'],
  ...over,
});

describe('the question before Ctrl+Z undoes a change the expert may not have in mind', () => {
  it('asks for an import of any age, and for a large change made before the window; not for one made here or a small one', () => {
    expect(undoQuestion(preview({ importedFrom: 'labels.csv' }), here, when)).toMatchObject({ title: 'Undo the import of “labels.csv”?', confirmLabel: 'Undo' });
    expect(undoQuestion(preview({ at: '2026-11-30T17:00:00Z' }), here, when)?.title).toBe('Undo the label “ant” given to 2,000 images (a.png, b.png, c.png and 1,997 more)?');
    expect(undoQuestion(preview({}), here, when)).toBeNull();
    expect(undoQuestion(preview({ at: '2026-11-30T17:00:00Z', images: UNDO_CONFIRM_AT - 1 }), here, when)).toBeNull();
    expect(undoQuestion(preview({ importedFrom: 'labels.csv', images: UNDO_CONFIRM_AT - 1 }), here, when)).toBeNull();
    expect(undoQuestion(preview({ at: '2026-11-30T17:00:00Z', images: UNDO_CONFIRM_AT }), here, when)).not.toBeNull();
    // No window made it (the command line, or before the project recorded it): as a change of this window.
    expect(undoQuestion(preview({ window: null, images: 1 }), here, when)).toBeNull();
  });

  it('says what, when, how many, and that a new label ends the redo', () => {
    const q = undoQuestion(preview({ importedFrom: 'labels.csv', at: '2026-11-30T17:05:00Z' }), here, when)!;
    expect(q.message).toBe(
      'The last change is the import of “labels.csv”, made at 17:05, before this window was opened. Undo gives 2,000 images back the label or mark they had before. Ctrl+Shift+Z redoes it, until you label something else.',
    );
    expect(q.done).toBe('Undid the import of “labels.csv”: 2,000 images. Ctrl+Shift+Z redoes it.');
    const deletion = undoQuestion(preview({ deletedClass: 'bee', images: 40, at: '2026-11-30T17:05:00Z' }), here, when)!;
    expect(deletion.title).toBe('Undo the deletion of class “bee”?');
    expect(deletion.message).toContain('Undo brings the class back with the labels of 40 images.');
  });
});

describe('a change made in another window while this one was open', () => {
  it('asks before undoing it, however small, naming what it gave which image and that another window made it', () => {
    const q = undoQuestion(preview({ window: OTHER, images: 1, paths: ['cells/0413.jpg'], gave: { classes: ['neutrophil'], unsure: 0, unlabeled: 0 } }), here, when)!;
    expect(q).toEqual({
      title: 'Undo the label “neutrophil” given to cells/0413.jpg, made in another window?',
      message:
        'The last change is the label “neutrophil” given to cells/0413.jpg, made in another window at 10:30. Undo gives 1 image back the label or mark it had before. Ctrl+Shift+Z redoes it, until you label something else.',
      confirmLabel: 'Undo',
      done: 'Undid the label “neutrophil” given to cells/0413.jpg. Ctrl+Shift+Z redoes it.',
    });
  });

  it('names marks, clears, mixed changes and class deletions in plain words', () => {
    const title = (over: Partial<UndoPreview>) => undoQuestion(preview({ window: OTHER, ...over }), here, when)?.title;
    expect(title({ images: 2, paths: ['a.png', 'b.png'], gave: { classes: [], unsure: 2, unlabeled: 0 } })).toBe('Undo the unsure marks given to a.png and b.png, made in another window?');
    expect(title({ images: 1, paths: ['a.png'], gave: { classes: [], unsure: 0, unlabeled: 1 } })).toBe('Undo clearing the label of a.png, made in another window?');
    expect(title({ images: 4, gave: { classes: ['ant', 'bee'], unsure: 1, unlabeled: 0 } })).toBe(
      'Undo the labels “ant”, “bee” and unsure given to 4 images (a.png, b.png, c.png and 1 more), made in another window?',
    );
    const deletion = undoQuestion(preview({ window: OTHER, deletedClass: 'wasp', images: 0, paths: [], gave: { classes: [], unsure: 0, unlabeled: 0 } }), here, when)!;
    expect(deletion.title).toBe('Undo the deletion of class “wasp”, made in another window?');
    expect(deletion.message).toContain('Undo brings the class back (it had no labels).');
  });

  it('an import made in another window is one question, naming both', () => {
    const q = undoQuestion(preview({ window: OTHER, importedFrom: 'labels.csv', images: 12 }), here, when)!;
    expect(q.title).toBe('Undo the import of “labels.csv”, made in another window?');
    expect(q.message).toBe(
      'The last change is the import of “labels.csv”, made in another window at 10:30. Undo gives 12 images back the label or mark they had before. Ctrl+Shift+Z redoes it, until you label something else.',
    );
  });

  it('a change of another window made before this one opened follows the rule for earlier changes (it may be this tab’s before a reload)', () => {
    expect(undoQuestion(preview({ window: OTHER, images: 1, at: '2026-12-01T09:59:00Z' }), here, when)).toBeNull();
    expect(undoQuestion(preview({ window: OTHER, at: '2026-12-01T09:59:00Z' }), here, when)?.message).toContain('before this window was opened');
  });

  it('asks before redoing it; a redo of this window’s change, or of none’s, is done at once', () => {
    const q = redoQuestion(preview({ window: OTHER, images: 1, paths: ['a.png'] }), here, when)!;
    expect(q).toEqual({
      title: 'Redo the label “ant” given to a.png, made in another window?',
      message: 'The last change undone is the label “ant” given to a.png, made in another window at 10:30. Redo gives 1 image again the label or mark this change gave it. Ctrl+Z undoes it again.',
      confirmLabel: 'Redo',
      done: 'Redid the label “ant” given to a.png. Ctrl+Z undoes it again.',
    });
    expect(redoQuestion(preview({ window: OTHER, deletedClass: 'bee', images: 3 }), here, when)?.message).toContain('Redo deletes the class again: 3 images become unlabeled.');
    expect(redoQuestion(preview({ importedFrom: 'labels.csv' }), here, when)).toBeNull();
    expect(redoQuestion(preview({ window: null }), here, when)).toBeNull();
    expect(redoQuestion(preview({ window: OTHER, at: '2026-12-01T09:59:00Z' }), here, when)).toBeNull();
  });
});
