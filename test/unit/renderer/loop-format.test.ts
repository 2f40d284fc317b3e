import { describe, expect, it } from 'vitest';
import { STRATEGY_NAMES, type SelectedImage, type StrategyName } from '../../../src-main/engine/adma/query-strategy';
import { createStrategy } from '../../../src-main/engine/adma/strategy-registry';
import { RECOMMENDED_STRATEGY } from '../../../src-shared/contract';
import { scoreKindOf, type ScoreKind } from '../../../src-shared/typical-pick';
import { createSyntheticPool, selectionContextFor } from '../adma/synthetic-pool';
import {
  batchDoneWords,
  describeSchedule,
  firstRoundInWords,
  formatDownload,
  modelSourceWords,
  formatProbability,
  formatScore,
  lambdaRule,
  queueScoreWords,
  roundScoreWords,
  reasonBesideSuggestion,
  reasonInWords,
  roundModelWords,
  scoreMeaning,
  STRATEGIES,
  strategyLabel,
  unlabeledClassesHint,
  usesLambda,
  usesUncertaintySetting,
} from '../../../src-renderer/logic/loop-format';

describe('loop formatting', () => {
  it('writes scores with three decimals and null as an em dash', () => {
    expect(formatScore(0.81234)).toBe('0.812');
    expect(formatScore(0)).toBe('0.000');
    expect(formatScore(null)).toBe('—');
  });

  it('writes the schedule rule', () => {
    expect(lambdaRule({ kind: 'linear', step: 0.1 })).toBe('λ = min(1, 0.1·t)');
    expect(lambdaRule({ kind: 'exponential', gamma: 0.8 })).toBe('λ = 1 − 0.8^t');
  });

  it('describes schedules and strategies', () => {
    expect(describeSchedule({ kind: 'linear', step: 0.1 })).toBe('linear, step 0.1');
    expect(describeSchedule({ kind: 'exponential', gamma: 0.8 })).toBe('exponential, γ 0.8');
    // The recommended strategy comes first and says so; every other one follows in contract order.
    expect(STRATEGIES[0]?.name).toBe(RECOMMENDED_STRATEGY);
    expect(STRATEGIES[0]?.label).toMatch(/^Recommended: /);
    expect(STRATEGIES.filter((s) => s.label.startsWith('Recommended'))).toHaveLength(1);
    expect(STRATEGIES.map((s) => s.name).sort()).toEqual([
      'adma',
      'adma-diverse',
      'random',
      'entropy',
      'margin',
      'least-confidence',
      'gini',
      'distinctiveness',
      'coreset',
      'typiclust',
      'typical-margin',
      'adma-typical',
      'probcover',
      'badge',
    ].sort());
    expect(strategyLabel('coreset')).toBe('Core-set');
    expect(strategyLabel('adma')).toBe('ADMA (paper)');
    expect(usesLambda('adma')).toBe(true);
    expect(usesLambda('entropy')).toBe(false);
    expect(usesLambda('typical-margin')).toBe(false);
    // The Uncertainty setting is offered only where it changes the picks.
    expect(STRATEGIES.filter((s) => usesUncertaintySetting(s.name)).map((s) => s.name).sort()).toEqual(['adma', 'adma-diverse', 'adma-typical', 'distinctiveness']);
  });

  it('shows reasons with the classes’ current names', () => {
    const names = new Map([
      [3, 'rose'],
      [12, 'tulip'],
    ]);
    expect(reasonInWords('the model is torn between class-3 41% and class-12 38%', (id) => names.get(id))).toBe('the model is torn between rose 41% and tulip 38%');
    expect(reasonInWords('torn between class-9 50% and class-3 40%', (id) => names.get(id))).toBe('torn between class-9 50% and rose 40%');
  });

  it('says a reason quoting an older model\'s percentages is from when the image was asked for', () => {
    const torn = 'the model is torn between rose 41% and tulip 38%';
    // The same model asked and suggests: the reason as it is.
    expect(reasonBesideSuggestion(torn, 3, { source: 'model', modelVersion: 3 })).toEqual({ text: torn, title: torn });
    // A newer model suggests: its chip can quote other numbers.
    const newer = reasonBesideSuggestion(torn, 3, { source: 'model', modelVersion: 4 });
    expect(newer.text).toBe(`When asked: ${torn}`);
    expect(newer.title).toContain('model version 3');
    expect(newer.title).toContain('from version 4');
    // No percentages to contradict, an imported suggestion, or no suggestion: as it is.
    const typical = 'typical of a large group with no label yet';
    expect(reasonBesideSuggestion(typical, 0, { source: 'model', modelVersion: 2 }).text).toBe(typical);
    expect(reasonBesideSuggestion(torn, 3, { source: 'imported', modelVersion: 4 }).text).toBe(torn);
    expect(reasonBesideSuggestion(torn, 3, null).text).toBe(torn);
  });

  it('says which model version chose the batch: the one the round was opened with, or the re-rank\'s since', () => {
    expect(roundModelWords({ modelVersion: 3, rerankedWith: null })).toEqual({ text: 'model v3', short: 'v3', title: 'The batch was chosen by model version 3.' });
    // No classifier yet: no "model v0" (a version the expert never saw).
    expect(roundModelWords({ modelVersion: 0, rerankedWith: null })).toEqual({ text: 'chosen without a classifier', short: '—', title: 'The batch was chosen before any classifier was trained.' });
    // Re-ranked (continuous mode's retrain, the retrain after a model switch): the newer version chose the unlabeled images.
    expect(roundModelWords({ modelVersion: 3, rerankedWith: 7 })).toEqual({
      text: 're-chosen by model v7 (opened with v3)',
      short: 'v3 → v7',
      title: 'The round was opened with model version 3; its unlabeled images were chosen again by model version 7 (the images labeled by then stayed where they were).',
    });
    expect(roundModelWords({ modelVersion: 0, rerankedWith: 1 }).title).toBe(
      'The round was opened before any classifier was trained; its unlabeled images were chosen again by model version 1 (the images labeled by then stayed where they were).',
    );
    expect(roundModelWords({ modelVersion: 4, rerankedWith: 4 }).text).toBe('model v4');
  });

  it('writes probabilities and download sizes', () => {
    expect(formatProbability(0.923)).toBe('92%');
    expect(formatProbability(0.001)).toBe('<1%');
    expect(formatProbability(0.995)).toBe('>99%');
    expect(formatProbability(1)).toBe('100%');
    expect(formatDownload(0)).toBe('on this computer');
    expect(formatDownload(2_000_000)).toBe('1.9 MB download');
    expect(formatDownload(480_000)).toBe('469 KB download');
  });
  it('says how a model’s files are checked, and calls none verified before it is downloaded', () => {
    const known = { kind: 'known' as const, id: 'mobilenet_v1_0.25_224' };
    expect(modelSourceWords({ choice: known, downloadBytes: 1_900_000, hashesPinned: true })).toBe('1.8 MB download · checked against file hashes built into ADMA Studio');
    expect(modelSourceWords({ choice: known, downloadBytes: 5_400_000, hashesPinned: false })).toBe('5.1 MB download · hashes not pinned: the download is checked by loading it');
    expect(modelSourceWords({ choice: known, downloadBytes: 0, hashesPinned: true })).toBe('on this computer · its files were checked against hashes built into ADMA Studio');
    expect(modelSourceWords({ choice: known, downloadBytes: 0, hashesPinned: false })).toBe('on this computer');
    expect(modelSourceWords({ choice: { kind: 'starter' }, downloadBytes: 0, hashesPinned: false })).toBe('on this computer');
    for (const words of [1_900_000, 0].map((downloadBytes) => modelSourceWords({ choice: known, downloadBytes, hashesPinned: true }))) expect(words).not.toMatch(/verified/);
  });
  it('names the classes that have no label yet, in class order, and nothing when all have one', () => {
    const classes = [
      { name: 'neutrophil', labelCount: 3, evaluationCount: 0 },
      { name: 'basophil', labelCount: 0, evaluationCount: 0 },
      { name: 'platelet', labelCount: 0, evaluationCount: 0 },
    ];
    expect(unlabeledClassesHint(classes)).toBe('No labels yet: basophil, platelet');
    expect(unlabeledClassesHint(classes.map((c) => ({ ...c, labelCount: 1 })))).toBeNull();
    expect(unlabeledClassesHint([])).toBeNull();
  });

  it('names a class whose only labels are evaluation labels among those without a training label', () => {
    const classes = [
      { name: 'neutrophil', labelCount: 3, evaluationCount: 1 },
      { name: 'basophil', labelCount: 2, evaluationCount: 2 },
      { name: 'platelet', labelCount: 0, evaluationCount: 0 },
    ];
    expect(unlabeledClassesHint(classes)).toBe('No training labels yet: basophil, platelet');
    expect(unlabeledClassesHint(classes.slice(0, 1))).toBeNull();
  });

  it('writes a typical pick\'s score as a typicality, never as a bare number past 1, and other scores as before', () => {
    const typical = queueScoreWords({ score: 1.41234, scoreKind: 'typicality' });
    expect(typical.unit).toBe('typicality');
    expect(typical.value).toBe('1.41');
    expect(typical.title).toMatch(/^Typicality 1\.41: how typical the image is of its group .* not a probability/);
    expect(queueScoreWords({ score: 0.0473219, scoreKind: 'typicality' }).value).toBe('0.0473');
    expect(queueScoreWords({ score: 253.4, scoreKind: 'typicality' }).value).toBe('253');
    expect(queueScoreWords({ score: 0, scoreKind: 'typicality' })).toMatchObject({ unit: 'typicality', value: '0.00' });
    // A margin pick of the same strategy, once a classifier exists: the column's header says which score.
    expect(queueScoreWords({ score: 0.81234, scoreKind: 'ranking' })).toEqual({ unit: 'score', value: '0.812', title: null });
    expect(queueScoreWords({ score: null, scoreKind: 'typicality' })).toEqual({ unit: 'score', value: '—', title: null });
  });

  it('reads the kind of score the queued image keeps, not its reason\'s words', () => {
    // A typical pick whose reason reads like no typical pick's (reworded, or another language): a typicality.
    const item = (scoreKind: ScoreKind, reason: string) => ({ score: 1.41234, scoreKind, reason });
    expect(queueScoreWords(item('typicality', 'représentatif d\'un groupe de 68 images'))).toMatchObject({ unit: 'typicality', value: '1.41' });
    // Words that begin as a typical pick's on a pick ranked otherwise: its score.
    expect(queueScoreWords(item('ranking', 'typical of a group of 68 similar images with no label yet'))).toMatchObject({ unit: 'score', value: '1.412' });
    expect(roundScoreWords({ asked: { score: 2.2681 }, items: [item('typicality', 'odd'), item('typicality', 'words')] })).toMatchObject({ text: 'typicality 2.27' });
    expect(roundScoreWords({ asked: { score: 0.5 }, items: [item('ranking', 'typical of a group of 6 similar images with no label yet')] })).toEqual({ text: '0.500', title: null });
  });

  it('writes a round\'s mean score as a typicality when its batch is all typical picks, and gives none for a mixed batch', () => {
    const typical = { scoreKind: 'typicality' } as const;
    const torn = { scoreKind: 'ranking' } as const;
    expect(roundScoreWords({ asked: { score: 2.2681 }, items: [typical, typical] })).toMatchObject({ text: 'typicality 2.27' });
    expect(roundScoreWords({ asked: { score: 2.2681 }, items: [typical, typical] }).title).toMatch(/not a probability/);
    expect(roundScoreWords({ asked: { score: 0.9 }, items: [typical, torn] })).toMatchObject({ text: '—' });
    expect(roundScoreWords({ asked: { score: 0.81234 }, items: [torn] })).toEqual({ text: '0.812', title: null });
    expect(roundScoreWords({ asked: { score: null }, items: [] })).toEqual({ text: '—', title: null });
  });

  it('records every typical-first pick the engine makes as a typicality, and no other pick', () => {
    const pool = createSyntheticPool({ images: 300, dimA: 10, dimB: 16, sourceClasses: 12, targetClasses: 4, seed: 5 });
    const cold = selectionContextFor(pool, { round: 0, labeledClassCount: 0, targetProbabilities: null });
    const shown = (name: StrategyName, item: SelectedImage) => queueScoreWords({ score: item.score, scoreKind: scoreKindOf(name, item) }).unit;
    for (const name of ['typiclust', 'typical-margin', 'adma-typical'] as const) {
      const items = createStrategy(name).select(cold, 8).items;
      expect(items.length).toBe(8);
      for (const item of items) expect(shown(name, item), `${name}: ${item.reason}`).toBe('typicality');
    }
    // With a classifier, typical-margin and adma-typical rank by their own scores: no typicality.
    const trained = selectionContextFor(pool, { round: 2 });
    for (const name of ['typical-margin', 'adma-typical'] as const) {
      for (const item of createStrategy(name).select(trained, 5).items) expect(shown(name, item), `${name}: ${item.reason}`).toBe('score');
    }
    for (const name of STRATEGY_NAMES.filter((n) => !['typiclust', 'typical-margin', 'adma-typical'].includes(n))) {
      for (const ctx of [cold, trained]) for (const item of createStrategy(name).select(ctx, 5).items) expect(shown(name, item), `${name}: ${item.reason}`).toBe('score');
    }
  });

  it('says what each strategy’s first round picks, as the engine picks it with no label and no classifier', () => {
    const pool = createSyntheticPool({ images: 300, dimA: 10, dimB: 16, sourceClasses: 12, targetClasses: 4, seed: 5 });
    const ctx = selectionContextFor(pool, { round: 0, labeledClassCount: 0, targetProbabilities: null });
    // The engine's reason for a cold-start pick, and the words the queue must then use.
    const families: { reason: RegExp; words: RegExp }[] = [
      { reason: /^distinctive:/, words: /distinctiv/ },
      { reason: /^random pick/, words: /random sample/ },
      { reason: /^typical of a group/, words: /most typical image/ },
      { reason: /^(first core-set point|covers the pool)/, words: /k-centre/ },
      { reason: /no labeled image is close to/, words: /coverage/ },
    ];
    for (const name of STRATEGY_NAMES) {
      const words = firstRoundInWords(name);
      expect(words).toMatch(/^No round yet\. Query the first batch/);
      const reasons = createStrategy(name).select(ctx, 5).items.map((item) => item.reason);
      for (const reason of reasons) {
        const family = families.find((f) => f.reason.test(reason));
        expect(family, `${name}: no family for "${reason}"`).toBeDefined();
        expect(words, `${name} picks "${reason}"`).toMatch(family!.words);
      }
    }
    expect(firstRoundInWords(RECOMMENDED_STRATEGY)).not.toMatch(/distinctiv/);
  });
});

describe('scoreMeaning', () => {
  it('says for the group strategies that typical picks are in group order, not score order', () => {
    for (const name of ['typiclust', 'typical-margin', 'adma-typical'] as const) expect(scoreMeaning(name)).toContain('group order, not score order');
    expect(scoreMeaning('typical-margin')).toContain('Unsure picks: margin');
    expect(scoreMeaning('adma-typical')).toContain('(1 − λ) D + λ U');
    expect(scoreMeaning('adma')).toBe('Score s = (1 − λ) D + λ U');
    expect(scoreMeaning('margin')).not.toContain('group');
  });

  it('after a batch: before the features are ready it says the loop carries on by itself then, never "query" or "when training finishes"', () => {
    const base = { training: false, continuous: false, trainedOnBatch: false, featuresReady: true };
    expect(batchDoneWords(base)).toBe('The next round opens when training finishes.');
    expect(batchDoneWords({ ...base, trainedOnBatch: true })).toBe('The model is trained on this batch: query the next round.');
    const waiting = batchDoneWords({ ...base, featuresReady: false });
    expect(waiting).toBe('The model trains on this batch once feature extraction is complete; the next round then opens by itself.');
    expect(batchDoneWords({ ...base, featuresReady: false, trainedOnBatch: true })).toBe('The next round opens by itself once feature extraction is complete.');
    expect(batchDoneWords({ ...base, featuresReady: false, training: true })).toContain('training on every label');
    expect(batchDoneWords({ ...base, featuresReady: false, continuous: true })).toContain('Continuous mode');
  });
});
