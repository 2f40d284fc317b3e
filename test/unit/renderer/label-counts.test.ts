import { describe, expect, it } from 'vitest';
import { labelCountWords, splitOf, totalSplit } from '../../../src-renderer/logic/label-counts';

describe('label counts split into training and evaluation labels', () => {
  it('takes a class\'s evaluation labels out of its count, as the dashboard does', () => {
    expect(splitOf({ labelCount: 14, evaluationCount: 2 })).toEqual({ training: 12, evaluation: 2 });
    expect(totalSplit([{ labelCount: 14, evaluationCount: 2 }, { labelCount: 5, evaluationCount: 0 }, { labelCount: 3, evaluationCount: 3 }])).toEqual({ training: 17, evaluation: 5 });
    expect(totalSplit([])).toEqual({ training: 0, evaluation: 0 });
  });

  it('shows the training labels, then the held-out ones, and says both in full', () => {
    expect(labelCountWords({ training: 12, evaluation: 2 })).toEqual({
      count: '12',
      heldOut: '+2 eval',
      title: '12 training labels + 2 evaluation labels (held out to measure accuracy, never trained on)',
      row: '12 training + 2 evaluation labels',
    });
    expect(labelCountWords({ training: 1, evaluation: 1 })).toMatchObject({ title: '1 training label + 1 evaluation label (held out to measure accuracy, never trained on)', row: '1 training + 1 evaluation label' });
  });

  it('says nothing of evaluation labels where there are none', () => {
    expect(labelCountWords({ training: 12, evaluation: 0 })).toEqual({ count: '12', heldOut: null, title: '12 labels', row: '12 labels' });
    expect(labelCountWords({ training: 1, evaluation: 0 }).row).toBe('1 label');
    expect(labelCountWords({ training: 0, evaluation: 0 }).row).toBe('0 labels');
  });
});
