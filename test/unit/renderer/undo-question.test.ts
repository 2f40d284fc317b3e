import { describe, expect, it } from 'vitest';
import type { UndoPreview } from '../../../src-shared/contract';
import { UNDO_CONFIRM_AT, undoQuestion } from '../../../src-renderer/logic/undo-question';

const since = Date.parse('2026-12-01T10:00:00Z');
const when = (iso: string): string => `at ${iso.slice(11, 16)}`;
const preview = (over: Partial<UndoPreview>): UndoPreview => ({ actionId: 7, at: '2026-12-01T10:30:00Z', images: 2_000, importedFrom: null, deletedClass: null, ...over });

describe('the question before Ctrl+Z undoes a change the expert may not have in mind', () => {
  it('asks for an import of any age, and for a large change made before the window; not for one made here or a small one', () => {
    expect(undoQuestion(preview({ importedFrom: 'labels.csv' }), since, when)).toMatchObject({ title: 'Undo the import of “labels.csv”?', confirmLabel: 'Undo' });
    expect(undoQuestion(preview({ at: '2026-11-30T17:00:00Z' }), since, when)?.title).toBe('Undo a change of labels?');
    expect(undoQuestion(preview({}), since, when)).toBeNull();
    expect(undoQuestion(preview({ at: '2026-11-30T17:00:00Z', images: UNDO_CONFIRM_AT - 1 }), since, when)).toBeNull();
    expect(undoQuestion(preview({ importedFrom: 'labels.csv', images: UNDO_CONFIRM_AT - 1 }), since, when)).toBeNull();
    expect(undoQuestion(preview({ at: '2026-11-30T17:00:00Z', images: UNDO_CONFIRM_AT }), since, when)).not.toBeNull();
  });

  it('says what, when, how many, and that a new label ends the redo', () => {
    const q = undoQuestion(preview({ importedFrom: 'labels.csv', at: '2026-11-30T17:05:00Z' }), since, when)!;
    expect(q.message).toBe(
      'The last change is the import of “labels.csv”, made at 17:05, before this window was opened. Undo gives 2,000 images back the label or mark they had before. Ctrl+Shift+Z redoes it, until you label something else.',
    );
    expect(q.done).toBe('Undid the import of “labels.csv”: 2,000 images. Ctrl+Shift+Z redoes it.');
    const deletion = undoQuestion(preview({ deletedClass: 'bee', images: 40, at: '2026-11-30T17:05:00Z' }), since, when)!;
    expect(deletion.title).toBe('Undo the deletion of class “bee”?');
    expect(deletion.message).toContain('Undo brings the class back with the labels of 40 images.');
  });
});
