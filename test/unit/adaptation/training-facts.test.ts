import { describe, expect, it } from 'vitest';
import { trainingFacts } from '../../../src-main/adaptation/transfer';
import { calibrationVersionMetrics } from '../../../src-main/adaptation/calibration-record';
import { cardNumber, trainingDetails } from '../../../src-main/engine/export/training-details';
import { normalisationFormula, renderModelCard } from '../../../src-main/engine/export/model-card';
import { CARD_DESCRIPTOR as DESCRIPTOR } from '../../support/test-descriptor';

describe("the model card's training details", () => {
  // A light version's metrics as active-loop.ts records them (session 24's card printed these raw).
  const metrics = {
    epochs: 73,
    loss: 0.08755357932978423,
    trainAccuracy: 1,
    millis: 58,
    backend: 'ONNX Runtime 1.30.0 (2 threads) for features and predictions; WebAssembly (tfjs-backend-wasm) for training',
    ...calibrationVersionMetrics({ temperature: 1, fittedTemperature: 1.1617154176126716, applied: false, eceBefore: 0.14349521342741067, eceAfter: 0.15563505525359186, logLossBefore: 1.3590829882068474, logLossAfter: 1.3540976374847677, heldOut: 40, folds: 5, source: 'training labels' }),
  };
  const version = { version: 4, trainingLabels: 40, mode: 'light' as const, metrics, trainedAt: '2026-12-03T10:40:12.345Z' };

  it('says each fact in words, to four significant digits, in the card’s order', () => {
    expect(trainingFacts(version)).toEqual({
      'model version': 4,
      'trained at': '2026-12-03 10:40 UTC',
      'labelled images': 40,
      mode: 'light',
      'L-BFGS iterations (the light head, solved to convergence)': 73,
      'final training loss': '0.08755',
      'training accuracy': '100.0% (on its own training labels: not a measure of accuracy on new images)',
      'training time': 'less than 1 s',
      backend: metrics.backend,
    });
  });

  it('names a light head’s count the L-BFGS iterations it is, not epochs; deep fine-tuning keeps epochs', () => {
    expect(Object.keys(trainingFacts(version))).not.toContain('epochs');
    const deep = trainingFacts({ ...version, mode: 'deep', metrics: { epochs: 12, loss: 0.5 } });
    expect(deep).toMatchObject({ mode: 'deep', epochs: 12 });
    expect(Object.keys(deep).some((key) => key.startsWith('L-BFGS'))).toBe(false);
    // A version recorded without a count (an old row might be) says nothing of one.
    expect(Object.keys(trainingFacts({ ...version, metrics: { loss: 0.5 } }))).toEqual(['model version', 'trained at', 'labelled images', 'mode', 'final training loss']);
  });

  it('leaves the calibration figures to the Metrics section and keeps any other recorded fact', () => {
    const facts = trainingFacts({ ...version, metrics: { ...metrics, 'each label also learned': 'turned and mirrored (images with no up or down)' } });
    for (const key of Object.keys(calibrationVersionMetrics({ temperature: 1, fittedTemperature: 1, applied: true, eceBefore: 0, eceAfter: 0, logLossBefore: 0, logLossAfter: 0, heldOut: 1, folds: 1, source: 'evaluation set' }))) {
      expect(facts).not.toHaveProperty([key]);
    }
    expect(facts['each label also learned']).toBe('turned and mirrored (images with no up or down)');
  });

  it('writes durations and numbers as a reader expects', () => {
    const time = (millis: number): unknown => trainingDetails({ mode: 'light', labels: 1, millis })['training time'];
    // The app's one formatter of a duration (src-shared/duration.ts): whole seconds, minutes, hours. The card's own wrote
    // '58 ms', '1.2 s', '2 min 0 s' and a deep run of 75 minutes as '75 min 0 s'.
    expect([time(58), time(1234), time(120_000), time(125_000), time(4_500_000)]).toEqual(['less than 1 s', '1 s', '2 min', '2 min 5 s', '1 h 15 min']);
    expect([cardNumber(0.08755357932978423), cardNumber(1.3590829882068474), cardNumber(73), cardNumber(1234.5678), cardNumber(0.00012346)]).toEqual(['0.08755', '1.359', '73', '1235', '0.0001235']);
  });

  it('renders in the card with no raw float left', () => {
    const card = renderModelCard({
      descriptor: DESCRIPTOR,
      mode: 'light',
      classes: ['a', 'b'],
      labelCounts: [20, 20],
      backend: 'wasm',
      date: new Date('2026-12-03T11:00:00Z'),
      metrics: { 'temperature fitted by log-loss on the out-of-fold predictions': 1.1617154176126716 },
      training: trainingFacts(version),
      onnx: { file: null, reason: 'not asked' },
    });
    const details = card.slice(card.indexOf('## Training details'), card.indexOf('## Loading it'));
    expect(details).toContain('- final training loss: 0.08755\n');
    expect(details).toContain('- L-BFGS iterations (the light head, solved to convergence): 73\n');
    expect(details).not.toMatch(/trainAccuracy|millis|ece out-of-fold|\d\.0*[1-9]\d{4}/);
    expect(card).toContain('| temperature fitted by log-loss on the out-of-fold predictions | 1.162 |');
    expect(card).toContain('normalised as `pixel / 127.5 - 1` (not in the graph; exact values in `preprocessing.json`)');
    expect(card).toContain('- Computed with: wasm.');
  });
});

describe("the model card's input normalisation", () => {
  it('is written as a reader writes it, exact values left to preprocessing.json', () => {
    expect(normalisationFormula({ scale: 1 / 127.5, offset: -1 })).toBe('pixel / 127.5 - 1');
    expect(normalisationFormula({ scale: 1 / 255, offset: 0 })).toBe('pixel / 255');
    expect(normalisationFormula({ scale: 1, offset: 0 })).toBe('pixel');
    expect(normalisationFormula({ scale: 0.017, offset: 0.25 })).toBe('pixel * 0.017 + 0.25');
    expect(normalisationFormula({ scale: 0.0173, offset: -2.1 })).toBe('pixel * 0.0173 - 2.1');
  });
});
