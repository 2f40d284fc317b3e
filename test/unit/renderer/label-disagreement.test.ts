import { describe, expect, it } from 'vitest';
import { disagreementText, labelDisagreement } from '../../../src-renderer/logic/label-disagreement';

const names = new Map([
  [1, 'eosinophil'],
  [2, 'basophil'],
]);
const nameOf = (id: number) => names.get(id);

describe('labelDisagreement', () => {
  it('is null while the labeled images agree (unlabeled ones do not count)', () => {
    expect(labelDisagreement([{ classId: 1 }, { classId: null }, { classId: 1 }], nameOf)).toBeNull();
    expect(labelDisagreement([{ classId: null }, { classId: null }], nameOf)).toBeNull();
  });

  it('names every class with its count, most first', () => {
    const d = labelDisagreement([{ classId: 2 }, { classId: 1 }, { classId: null }, { classId: 1 }, { classId: 9 }], nameOf);
    expect(d).toEqual({ classes: [{ name: 'eosinophil', count: 2 }, { name: 'basophil', count: 1 }, { name: 'deleted class', count: 1 }] });
    expect(disagreementText(d!)).toBe('Labels disagree: 2 “eosinophil”, 1 “basophil”, 1 “deleted class”');
  });
});
