import { describe, expect, it } from 'vitest';
import { NotSavedReporter, notSavedWords } from '../../../src-renderer/logic/not-saved';
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

describe('label changes failing one after another', () => {
  const lost = (): AppError => new AppError('NETWORK', 'The connection to ADMA Studio was lost before the answer arrived.');
  const busy = (): AppError => new AppError('BUSY', 'busy');

  function reporter(): { report: NotSavedReporter; shown: [unknown, string][]; withdrawn: string[]; clock: { t: number } } {
    const shown: [unknown, string][] = [];
    const withdrawn: string[] = [];
    const clock = { t: 0 };
    const report = new NotSavedReporter((error, words) => shown.push([error, words]), (words) => withdrawn.push(words), 9000, () => clock.t);
    return { report, shown, withdrawn, clock };
  }

  it('are said as one message, its count updated as each fails, with the first lost answer as the reason', () => {
    const { report, shown, withdrawn, clock } = reporter();
    const first = lost();
    report.failed('The label', busy());
    clock.t = 40;
    report.failed('The label', first);
    clock.t = 80;
    report.failed('The label', lost());
    clock.t = 120;
    report.failed('The label', busy());
    expect(shown.map(([, words]) => words)).toEqual([
      'The label was not saved, back on its image',
      '2 labels may not have been saved, back on the first of them',
      '3 labels may not have been saved, back on the first of them',
      '4 labels may not have been saved, back on the first of them',
    ]);
    expect(shown[3]?.[0]).toBe(first);
    // Each earlier message withdrawn as the next replaces it: one shows.
    expect(withdrawn).toEqual(shown.slice(0, 3).map(([, words]) => words));
  });

  it('starts again after the message has gone, or for another kind of change', () => {
    const { report, shown, clock } = reporter();
    report.failed('The label', busy());
    report.failed('The unsure mark', lost());
    clock.t = 20_000;
    report.failed('The unsure mark', busy());
    expect(shown.map(([, words]) => words)).toEqual([
      'The label was not saved, back on its image',
      'The unsure mark may not have been saved, back on its image',
      'The unsure mark was not saved, back on its image',
    ]);
    expect(notSavedWords(busy(), 'The unsure mark', 3)).toBe('3 unsure marks were not saved, back on the first of them');
  });
});
