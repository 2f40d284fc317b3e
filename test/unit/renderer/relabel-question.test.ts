import { describe, expect, it } from 'vitest';
import { RELABEL_CONFIRM_AT, relabelQuestion } from '../../../src-renderer/logic/relabel-question';

const names = new Map([
  [1, 'ant'],
  [2, 'bee'],
  [3, 'wasp'],
  [4, 'fly'],
  [5, 'moth'],
]);
const nameOf = (id: number) => names.get(id);

describe('relabelQuestion', () => {
  it('asks nothing below the threshold, and asks from it on', () => {
    expect(relabelQuestion({ images: 500, replaced: [{ classId: 2, count: RELABEL_CONFIRM_AT - 1 }], evaluation: 0, evaluationLabeled: 0 }, 'ant', nameOf)).toBeNull();
    expect(relabelQuestion({ images: 500, replaced: [], evaluation: 0, evaluationLabeled: 0 }, 'ant', nameOf)).toBeNull();
    expect(relabelQuestion({ images: 500, replaced: [{ classId: 2, count: RELABEL_CONFIRM_AT }], evaluation: 0, evaluationLabeled: 0 }, 'ant', nameOf)).not.toBeNull();
  });

  it('says how many labels of which classes a label key replaces, and the evaluation images among them', () => {
    expect(
      relabelQuestion(
        {
          images: 1340,
          replaced: [
            { classId: 2, count: 1200 },
            { classId: 3, count: 20 },
          ],
          evaluation: 15,
          evaluationLabeled: 0,
        },
        'ant',
        nameOf,
      ),
    ).toEqual({
      title: 'Label 1,340 images as “ant”?',
      message: '1,220 labels of another class would be replaced (1,200 “bee”, 20 “wasp”). 15 of them are evaluation images: the accuracy is measured against their labels. Ctrl+Z undoes it.',
      confirmLabel: 'Label 1,340 images',
    });
  });

  it('clearing names what is cleared; past four classes the rest are summed', () => {
    const question = relabelQuestion(
      {
        images: 60,
        replaced: [1, 2, 3, 4, 5].map((classId) => ({ classId, count: 12 - classId })),
        evaluation: 1,
        evaluationLabeled: 0,
      },
      null,
      nameOf,
    );
    expect(question).toEqual({
      title: 'Clear 45 labels?',
      message:
        'The selection holds 60 images; 45 labels would be cleared (11 “ant”, 10 “bee”, 9 “wasp”, 8 “fly”, 7 of other classes). 1 of them is an evaluation image: the accuracy is measured against its label. Ctrl+Z undoes it.',
      confirmLabel: 'Clear 45 labels',
    });
  });

  it('asks before a key gives labels to evaluation images that had none, however few labels it replaces; clearing never does', () => {
    expect(relabelQuestion({ images: 84, replaced: [], evaluation: 0, evaluationLabeled: 4 }, 'ant', nameOf)).toEqual({
      title: 'Label 84 images as “ant”?',
      message: '4 evaluation images with no label yet would be labeled “ant”: the accuracy is measured against their labels, so give them one by one unless you are sure. Ctrl+Z undoes it.',
      confirmLabel: 'Label 84 images',
    });
    expect(relabelQuestion({ images: 84, replaced: [{ classId: 2, count: 3 }], evaluation: 0, evaluationLabeled: 1 }, 'ant', nameOf)?.message).toBe(
      '3 labels of another class would be replaced (3 “bee”). 1 evaluation image with no label yet would be labeled “ant”: the accuracy is measured against its label, so give it one by one unless you are sure. Ctrl+Z undoes it.',
    );
    expect(relabelQuestion({ images: 84, replaced: [{ classId: 2, count: 3 }], evaluation: 0, evaluationLabeled: 4 }, null, nameOf)).toBeNull();
  });
});
