import { describe, expect, it } from 'vitest';
import { classDeleteMessage } from '../../../src-renderer/logic/class-delete-message';

describe('classDeleteMessage', () => {
  const back = 'Ctrl+Z brings the class back with its 3 labels (renamed, if a new class has taken its name by then).';
  it('says which images become unlabeled, and how many of them are evaluation images', () => {
    expect(classDeleteMessage({ name: 'bee', labelCount: 3, evaluationCount: 0 })).toBe(`3 images labeled “bee” will become unlabeled. ${back}`);
    expect(classDeleteMessage({ name: 'bee', labelCount: 3, evaluationCount: 1 })).toBe(
      `3 images labeled “bee” will become unlabeled. 1 of them is an evaluation image: accuracy is measured on fewer images until it is labeled again. ${back}`,
    );
    expect(classDeleteMessage({ name: 'bee', labelCount: 3, evaluationCount: 3 })).toBe(
      `3 images labeled “bee” will become unlabeled. All of them are evaluation images: accuracy is measured on fewer images until they are labeled again. ${back}`,
    );
    expect(classDeleteMessage({ name: 'bee', labelCount: 1, evaluationCount: 1 })).toMatch(/^1 image labeled “bee” will become unlabeled\. It is an evaluation image: .* until it is labeled again\./);
  });

  it('a class without labels loses none', () => {
    expect(classDeleteMessage({ name: 'fly', labelCount: 0, evaluationCount: 0 })).toBe('No image has this label, so no label is lost. Ctrl+Z brings the class back (renamed, if a new class has taken its name by then).');
  });
});
