/**
 * Words about versions: the classifier in use out of date (walkthrough: after a switch to 0.75
 * the header read "classifier version 6" with nothing saying v6 was trained on 0.25; with 55
 * labels more than v10 was trained on, Export wrote v10 without a word), the curve's breaks,
 * and why a version is kept.
 */
import { describe, expect, it } from 'vitest';
import type { CurvePoint, EngineStatus, ModelVersionInfo } from '../../../src-shared/contract';
import { exportLeftOut } from '../../../src-renderer/logic/export-choices';
import { classifierStaleness, classifierStalenessShort, curveBreakWords, curvePointTitle, keepRuleWords, keptReasonWords, partialScoreWords, versionLine } from '../../../src-renderer/logic/model-versions';

const SMALL = { id: 'mobilenet_v1_0.25_224', name: 'MobileNet v1 0.25 (ImageNet, 224 px)' };
const LARGE = { id: 'mobilenet_v1_0.75_224', name: 'MobileNet v1 0.75 (ImageNet, 224 px)' };

type Status = Pick<EngineStatus, 'modelId' | 'modelName' | 'classifier' | 'trainingLabels'>;
const status = (inUse: typeof SMALL, trainedOn: typeof SMALL, trained: number, now: number): Status => ({
  modelId: inUse.id,
  modelName: inUse.name,
  classifier: { version: 10, modelId: trainedOn.id, backbone: trainedOn.name, trainingLabels: trained },
  trainingLabels: now,
});

describe('classifierStaleness', () => {
  it('says when the classifier was trained on fewer labels than there are now', () => {
    expect(classifierStaleness(status(SMALL, SMALL, 50, 105))).toBe('Classifier version 10 was trained on 50 of 105 labels: Train now (Adapt) to use them all.');
    expect(classifierStalenessShort(status(SMALL, SMALL, 50, 105))).toBe('trained on 50 of 105 labels — Train now');
  });

  it('says when it was trained on another backbone than the one in use, first', () => {
    const s = status(LARGE, SMALL, 50, 105);
    expect(classifierStaleness(s)).toMatch(/^Classifier version 10 was trained on MobileNet v1 0\.25 \(ImageNet, 224 px\), not on MobileNet v1 0\.75 \(ImageNet, 224 px\): .*Train now/);
    expect(classifierStalenessShort(s)).toBe('trained on MobileNet v1 0.25 (ImageNet, 224 px) — Train now');
  });

  it('after a switch the app retrains by itself: says so instead of Train now, while the features are extracted and while it trains', () => {
    const features = (state: EngineStatus['features']['state']): EngineStatus['features'] => ({ state, done: 0, total: 12, failed: 0, message: null });
    const waiting = { ...status(LARGE, SMALL, 50, 105), backboneRetrain: true, training: false, features: features('running') };
    expect(classifierStaleness(waiting)).toBe(
      "Classifier version 10 was trained on MobileNet v1 0.25 (ImageNet, 224 px), not on MobileNet v1 0.75 (ImageNet, 224 px): its suggestions are the old model's until a classifier on MobileNet v1 0.75 (ImageNet, 224 px) is trained on the labels so far, which starts by itself once its features are extracted.",
    );
    expect(classifierStalenessShort(waiting)).toBe('trained on MobileNet v1 0.25 (ImageNet, 224 px) — retrains by itself once features are ready');
    expect(classifierStaleness({ ...waiting, features: features('cancelled') })).toMatch(/once its features are extracted \(resume the extraction in Adapt\)\.$/);
    const training = { ...waiting, training: true, features: features('complete') };
    expect(classifierStaleness(training)).toMatch(/: a classifier on MobileNet v1 0\.75 \(ImageNet, 224 px\) is being trained on the labels so far; until it is ready, the suggestions are the old model's\.$/);
    expect(classifierStalenessShort(training)).toBe('trained on MobileNet v1 0.25 (ImageNet, 224 px) — training on MobileNet v1 0.75 (ImageNet, 224 px)…');
    // The features are ready, the training not begun (the pool is prepared for it first).
    const about = { ...waiting, features: features('complete') };
    expect(classifierStaleness(about)).toMatch(/: its features are ready and a classifier on MobileNet v1 0\.75 \(ImageNet, 224 px\) is about to be trained on the labels so far; until it is ready, the suggestions are the old model's\.$/);
    expect(classifierStalenessShort(about)).toBe('trained on MobileNet v1 0.25 (ImageNet, 224 px) — about to train on MobileNet v1 0.75 (ImageNet, 224 px)');
    // A training begun before the switch still runs, on the model chosen then: named as such, the new model's after it.
    const before = { ...training, trainingOn: { modelId: SMALL.id, backbone: SMALL.name } };
    expect(classifierStaleness(before)).toBe(
      "Classifier version 10 was trained on MobileNet v1 0.25 (ImageNet, 224 px), not on MobileNet v1 0.75 (ImageNet, 224 px): a training on MobileNet v1 0.25 (ImageNet, 224 px), begun before the switch, is finishing; a classifier on MobileNet v1 0.75 (ImageNet, 224 px) is trained on the labels so far right after it; until it is ready, the suggestions are the old model's.",
    );
    expect(classifierStalenessShort(before)).toBe('trained on MobileNet v1 0.25 (ImageNet, 224 px) — training on MobileNet v1 0.25 (ImageNet, 224 px), then on MobileNet v1 0.75 (ImageNet, 224 px)');
    expect(classifierStaleness({ ...before, features: features('cancelled') })).toMatch(
      /is finishing; a classifier on MobileNet v1 0\.75 \(ImageNet, 224 px\) is trained on the labels so far once its features are extracted \(resume the extraction in Adapt\); until/,
    );
    // The running training is the chosen model's: said as before.
    expect(classifierStalenessShort({ ...training, trainingOn: { modelId: LARGE.id, backbone: LARGE.name } })).toBe(classifierStalenessShort(training));
    // Not promised (its training failed, or one class is labeled): Train now, as before.
    expect(classifierStalenessShort({ ...waiting, backboneRetrain: false })).toBe('trained on MobileNet v1 0.25 (ImageNet, 224 px) — Train now');
  });

  it('says why the app retrains on the chosen model\'s id (features computed again, or other weights), in the states of a switch\'s retrain', () => {
    const features = (state: EngineStatus['features']['state']): EngineStatus['features'] => ({ state, done: 0, total: 12, failed: 0, message: null });
    const base = status(SMALL, SMALL, 105, 105);
    const recomputed = { ...base, classifier: { ...base.classifier!, outdated: 'features' as const }, featuresRetrain: true, training: false, features: features('running') };
    const was = 'Classifier version 10 learned from features that were computed again (images deeper than 8 bits are now read as the exported model reads them)';
    expect(classifierStaleness(recomputed)).toBe(`${was}: its suggestions are the old version's until a new version is trained on the labels so far, which starts by itself once the features are extracted.`);
    expect(classifierStalenessShort(recomputed)).toBe('trained on features computed again — retrains by itself once features are ready');
    expect(classifierStaleness({ ...recomputed, features: features('failed') })).toMatch(/once the features are extracted \(resume the extraction in Adapt\)\.$/);
    const about = { ...recomputed, features: features('complete') };
    expect(classifierStaleness(about)).toBe(`${was}: the features are ready and a new version is about to be trained on the labels so far; until it is ready, the suggestions are the old version's.`);
    expect(classifierStalenessShort(about)).toBe('trained on features computed again — about to train again');
    const training = { ...about, training: true };
    expect(classifierStaleness(training)).toBe(`${was}: a new version is being trained on the labels so far; until it is ready, the suggestions are the old version's.`);
    expect(classifierStalenessShort(training)).toBe('trained on features computed again — training again…');
    // Its retrain failed (no longer promised): Train now.
    const failed = { ...about, featuresRetrain: false };
    expect(classifierStaleness(failed)).toBe(`${was}: its suggestions are the old version's until you train (Train now, in Adapt).`);
    expect(classifierStalenessShort(failed)).toBe('trained on features computed again — Train now');
    // Before the label counts: the labels are not what is out of date.
    expect(classifierStaleness({ ...training, trainingLabels: 200 })).toBe(classifierStaleness(training));

    // Other weights of the chosen model (its folder's files changed, chosen again as a new model): named, and the export said.
    const weights = { ...recomputed, classifier: { ...base.classifier!, outdated: 'weights' as const } };
    const other = `Classifier version 10 was trained on other weights of ${SMALL.name} than its folder holds now (chosen again as a new model)`;
    expect(classifierStaleness({ ...weights, training: true })).toBe(`${other}: a new version is being trained on the labels so far; until it is ready, the suggestions are the old version's.`);
    expect(classifierStaleness({ ...weights, featuresRetrain: false })).toBe(`${other}: its suggestions are the old version's, and it cannot be exported with the files the folder holds now, until you train (Train now, in Adapt).`);
    expect(classifierStalenessShort({ ...weights, training: true })).toBe('trained on other weights — training again…');
    expect(classifierStalenessShort({ ...weights, featuresRetrain: false })).toBe('trained on other weights — Train now');
  });

  it('says when labels were removed since, and nothing when up to date or untrained', () => {
    expect(classifierStaleness(status(SMALL, SMALL, 105, 50))).toMatch(/trained on 105 labels; 50 remain/);
    expect(classifierStaleness(status(SMALL, SMALL, 50, 50))).toBeNull();
    expect(classifierStalenessShort(status(SMALL, SMALL, 50, 50))).toBeNull();
    expect(classifierStaleness({ modelId: SMALL.id, modelName: SMALL.name, classifier: null, trainingLabels: 4 })).toBeNull();
    expect(classifierStaleness(null)).toBeNull();
  });
});

const point = (modelVersion: number, labels: number, run: number, backbone = SMALL): CurvePoint => ({
  modelVersion,
  labels,
  accuracy: 0.8,
  low: 0.7,
  high: 0.9,
  evaluated: 34,
  modelId: backbone.id,
  backbone: backbone.name,
  run,
});

describe('the curve in words', () => {
  it('names each break: labels down, backbone changed', () => {
    expect(curveBreakWords([point(6, 105, 0), point(7, 105, 1, LARGE), point(8, 105, 2), point(10, 50, 3)])).toEqual([
      'Version 7 was trained on MobileNet v1 0.75 (ImageNet, 224 px), version 6 on MobileNet v1 0.25 (ImageNet, 224 px).',
      'Version 8 was trained on MobileNet v1 0.25 (ImageNet, 224 px), version 7 on MobileNet v1 0.75 (ImageNet, 224 px).',
      'The training labels went down from 105 (version 8) to 50 (version 10).',
    ]);
    expect(curveBreakWords([point(1, 10, 0), point(2, 20, 0)])).toEqual([]);
  });

  it("a point's title names its version, backbone and the latest", () => {
    expect(curvePointTitle(point(10, 50, 1), 10)).toBe('50 labels: 80.0% (95% 70.0%–90.0%, 34 images) — version 10 (latest), on MobileNet v1 0.25 (ImageNet, 224 px)');
  });
});

describe('kept versions in words', () => {
  const v7: ModelVersionInfo = {
    version: 7,
    modelId: LARGE.id,
    backbone: LARGE.name,
    trainingLabels: 105,
    accuracy: { value: 29 / 34, low: 0.7, high: 0.94, evaluated: 34, withoutFeatures: 0 },
    trainedAt: '2026-11-27T14:02:11.000Z',
    kept: ['best', 'backbone'],
    notExportable: null,
  };

  it('lists a version with its backbone, labels, accuracy and date, and why it is kept', () => {
    const v = v7;
    expect(versionLine(v)).toBe('v7 · MobileNet v1 0.75 (ImageNet, 224 px) · 105 labels · 85.3% · 2026-11-27 14:02');
    expect(keptReasonWords(v.kept)).toBe('best on the evaluation set; latest on its pre-trained model');
    expect(keepRuleWords(3)).toMatch(/^The project keeps the latest 3 versions, the best on the evaluation set, the latest on each pre-trained model/);
  });

  it('says of a version scored on part of the evaluation set on how many images, and that it is not compared for the best', () => {
    const v: ModelVersionInfo = {
      ...v7,
      version: 9,
      trainingLabels: 120,
      accuracy: { value: 28 / 30, low: 0.8, high: 0.98, evaluated: 30, withoutFeatures: 4 },
      trainedAt: '2026-11-28T09:30:00.000Z',
      kept: ['latest'],
    };
    expect(versionLine(v)).toBe('v9 · MobileNet v1 0.75 (ImageNet, 224 px) · 120 labels · 93.3% on 30 of 34 · 2026-11-28 09:30');
    expect(partialScoreWords(v)).toBe('scored on 30 of 34 labeled evaluation images (4 have no features yet): not compared for the best until scored on all');
    expect(partialScoreWords({ ...v, accuracy: { ...v.accuracy!, withoutFeatures: 0 } })).toBeNull();
    expect(keepRuleWords(3)).toContain('A version scored on part of the evaluation set (some of its images have no features yet) is not compared for the best until it is scored on all of them');
  });

  it("the export's left-out line gives the refusal of the chosen version", () => {
    const asked = { model: true, labelsCsv: true, labelsJson: false, imageFolder: false, splitImageFolder: false, huggingFace: false };
    expect(exportLeftOut(asked, { trainedModel: false, labeledEvaluation: true, modelRefused: 'it was trained on X.' })).toEqual(['The adapted model was left out: it was trained on X.']);
  });
});
