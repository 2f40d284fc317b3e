import { describe, expect, it } from 'vitest';
import { trainingFacts } from '../../../src-main/adaptation/transfer';

describe("the model card's training details", () => {
  const metrics = { epochs: 73, loss: 0.0876, trainAccuracy: 1, millis: 58 };

  it('names a light head’s count the L-BFGS iterations it is, not epochs; deep fine-tuning keeps epochs', () => {
    const light = trainingFacts({ version: 4, trainingLabels: 40, mode: 'light', metrics });
    expect(light).toEqual({ version: 4, labels: 40, mode: 'light', 'L-BFGS iterations (the light head, solved to convergence)': 73, loss: 0.0876, trainAccuracy: 1, millis: 58 });
    expect(Object.keys(light)).not.toContain('epochs');
    // In the card's order: version, labels, mode, the count, then the rest as recorded.
    expect(Object.keys(light).slice(0, 4)).toEqual(['version', 'labels', 'mode', 'L-BFGS iterations (the light head, solved to convergence)']);
    expect(trainingFacts({ version: 2, trainingLabels: 20, mode: 'deep', metrics })).toEqual({ version: 2, labels: 20, mode: 'deep', epochs: 73, loss: 0.0876, trainAccuracy: 1, millis: 58 });
    // A version recorded without a count (none is, but an old row might be) says nothing of one.
    expect(trainingFacts({ version: 1, trainingLabels: 10, mode: 'light', metrics: { loss: 0.5 } })).toEqual({ version: 1, labels: 10, mode: 'light', loss: 0.5 });
  });
});
