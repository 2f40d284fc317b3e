import { describe, expect, it } from 'vitest';
import { notSavedWords } from '../../../src-renderer/logic/not-saved';
import { AppError } from '../../../src-shared/app-error';

describe('the words before a failed label change', () => {
  it('says "not saved" when the host refused it, "may not have been saved" when the connection lost its answer', () => {
    expect(notSavedWords(new AppError('BUSY', 'The project database is busy'), 'The label')).toBe('The label was not saved, back on its image');
    expect(notSavedWords(new Error('x'), 'The unsure mark')).toBe('The unsure mark was not saved, back on its image');
    // ws-raw-api: "The connection to ADMA Studio was lost before the answer arrived": the host may have saved it.
    expect(notSavedWords(new AppError('NETWORK', 'The connection to ADMA Studio was lost before the answer arrived.'), 'The label')).toBe(
      'The label may not have been saved, back on its image',
    );
  });
});
