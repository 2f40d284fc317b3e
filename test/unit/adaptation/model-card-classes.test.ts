/**
 * The model card's per-class evaluation and intended use (engine/export/class-evaluation-card.ts):
 * the card said "evaluation accuracy 68.3% (95% CI 55.8–78.7%)" while the dashboard showed
 * Monocyte recall 13% (1 of 8) and IG 44% (walkthrough: a haematologist).
 */
import { describe, expect, it } from 'vitest';
import { classEvaluation } from '../../../src-main/adaptation/transfer';
import { classEvaluationSection, LOW_PRECISION, LOW_RECALL } from '../../../src-main/engine/export/class-evaluation-card';
import { renderModelCard } from '../../../src-main/engine/export/model-card';
import { CARD_DESCRIPTOR as DESCRIPTOR } from '../../support/test-descriptor';
import { parseClassEvaluation, type ClassEvaluation } from '../../../src-shared/class-evaluation';
import { FEW_EVALUATION_IMAGES } from '../../../src-shared/confusion-matrix';

/** 60 blood cells scored, 41 right (68.3%): rows the true class, columns the predicted one. */
const CELLS = ['Neutrophil', 'Lymphocyte', 'Monocyte', 'IG', 'Eosinophil'];
const COUNTS = [
  [17, 1, 1, 1, 0],
  [1, 11, 1, 0, 0],
  [2, 4, 1, 1, 0],
  [4, 0, 1, 4, 0],
  [2, 0, 0, 0, 8],
];
const BLOOD: ClassEvaluation = { classes: CELLS, modelClasses: 5, counts: COUNTS, leftOut: 0 };

const section = (evaluation: ClassEvaluation): string => classEvaluationSection(evaluation).join('\n');

describe("the model card's evaluation by class", () => {
  it('gives each class its evaluation images, recall and precision with their counts and 95% intervals, as the dashboard computes them', () => {
    const text = section(BLOOD);
    expect(text).toContain('On the 60 labeled evaluation images the version was scored on');
    expect(text).toContain('| class | evaluation images | recall | recall 95% CI | precision | precision 95% CI |');
    expect(text).toContain('| Neutrophil | 20 | 85% (17 of 20) | 64–95% | 65% (17 of 26) | 46–81% |');
    expect(text).toContain('| Lymphocyte | 13 | 85% (11 of 13) | 58–96% | 69% (11 of 16) | 44–86% |');
    expect(text).toContain('| Monocyte | 8 | 13% (1 of 8) | 2–47% | 25% (1 of 4) | 5–70% |');
    expect(text).toContain('| IG | 9 | 44% (4 of 9) | 19–73% | 67% (4 of 6) | 30–90% |');
    expect(text).toContain('| Eosinophil | 10 | 80% (8 of 10) | 49–94% | 100% (8 of 8) | 68–100% |');
    expect(text).not.toContain('left out');
  });

  it('shows the confusion matrix, rows true and columns predicted, in the card’s class order', () => {
    const text = section(BLOOD);
    expect(text).toContain(
      [
        '| true \\ predicted | Neutrophil | Lymphocyte | Monocyte | IG | Eosinophil |',
        '| --- | ---: | ---: | ---: | ---: | ---: |',
        '| Neutrophil | 17 | 1 | 1 | 1 | 0 |',
        '| Lymphocyte | 1 | 11 | 1 | 0 | 0 |',
        '| Monocyte | 2 | 4 | 1 | 1 | 0 |',
        '| IG | 4 | 0 | 1 | 4 | 0 |',
        '| Eosinophil | 2 | 0 | 0 | 0 | 8 |',
      ].join('\n'),
    );
  });

  it(`warns of the classes with a recall below ${LOW_RECALL * 100}% or fewer than ${FEW_EVALUATION_IMAGES} evaluation images, saying the thresholds`, () => {
    const warning = section(BLOOD)
      .split('\n')
      .filter((line) => line.startsWith('> **Warning:**'));
    expect(warning).toEqual([
      "> **Warning:** Recall below 50% (the model misses half or more of the class's evaluation images): Monocyte (13%, 1 of 8), IG (44%, 4 of 9). " +
        'Fewer than 10 evaluation images, too few for reliable figures (see the wide 95% intervals): Monocyte (8), IG (9).',
    ]);
    // 10 images (Eosinophil) are not few; 50% is not low: no warning once each class has both.
    const fine: ClassEvaluation = { classes: ['a', 'b'], modelClasses: 2, counts: [[5, 5], [0, 10]], leftOut: 0 };
    expect(section(fine)).not.toContain('Warning');
    // Few images alone are warned of, whatever the recall.
    expect(section({ ...fine, counts: [[9, 0], [0, 10]] })).toContain('> **Warning:** Fewer than 10 evaluation images, too few for reliable figures (see the wide 95% intervals): a (9).');
  });

  it(`warns of a class predicted wrongly more often than rightly: precision below ${LOW_PRECISION * 100}% on ${FEW_EVALUATION_IMAGES} predictions or more, with what the wrong ones were`, () => {
    // Blast is predicted 12 times, 4 right: 6 of the others were Lymphocytes, 2 Monocytes. No
    // recall is low (Blast 4 of 5, warned for its few images only): the recall warning missed it.
    const cells: ClassEvaluation = {
      classes: ['Lymphocyte', 'Monocyte', 'Blast'],
      modelClasses: 3,
      counts: [
        [14, 0, 6],
        [0, 10, 2],
        [1, 0, 4],
      ],
      leftOut: 0,
    };
    const warning = section(cells)
      .split('\n')
      .filter((line) => line.startsWith('> **Warning:**'));
    expect(warning).toEqual([
      '> **Warning:** Precision below 50% on 10 or more predictions (most images the model predicts as the class are of another class: check each one it names so): ' +
        'Blast (33%, 4 of 12 right; the wrong ones most often Lymphocyte, 6). ' +
        'Fewer than 10 evaluation images, too few for reliable figures (see the wide 95% intervals): Blast (5).',
    ]);
    expect(section(cells)).toContain('| Blast | 5 | 80% (4 of 5) | 38–96% | 33% (4 of 12) | 14–61% |');
    // 50% is not low; fewer than 10 predictions say too little (Monocyte in BLOOD: 1 right of 4, not warned for it).
    const half: ClassEvaluation = { ...cells, counts: [[14, 0, 5], [0, 10, 1], [1, 0, 6]] };
    expect(section(half)).not.toContain('Precision below');
    const fewPredictions: ClassEvaluation = { ...cells, counts: [[14, 0, 5], [0, 10, 0], [1, 0, 4]] };
    expect(section(fewPredictions)).toContain('| 44% (4 of 9) |');
    expect(section(fewPredictions)).not.toContain('Precision below');
    expect(section(BLOOD)).not.toContain('Precision below');
  });

  it('says which classes have no evaluation images or cannot be predicted, and what was never predicted', () => {
    const text = section({ classes: ['ant', 'bee', 'wasp'], modelClasses: 2, counts: [[12, 0, 0], [0, 0, 0], [3, 0, 0]], leftOut: 0 });
    expect(text).toContain('| bee | 0 | — (no evaluation images) | — | — (never predicted) | — |');
    expect(text).toContain('| wasp (not a class of this model) | 3 | 0% (0 of 3) | 0–56% | — (never predicted: no such output) | — |');
    expect(text).toContain('No evaluation images, so how well the model recognises them is unknown: bee.');
    expect(text).toContain('Not classes of this model (no training labels when it was trained), so never predicted; evaluation images: wasp (3).');
    // The matrix's columns are the model's outputs only.
    expect(text).toContain('| true \\ predicted | ant | bee |\n');
    expect(text).toContain('| wasp | 3 | 0 |\n');
  });

  it('a partial score: the table is on the scored images only, in the accuracy row’s words', () => {
    const text = section({ ...BLOOD, leftOut: 3 });
    expect(text).toContain('Evaluation images left out: 3 of 63: they had no image features yet when the version was scored (not extracted, or unreadable), so the table is on the other 60 only.');
    expect(section({ ...BLOOD, leftOut: 1 })).toContain('Evaluation images left out: 1 of 61: it had no image features yet');
  });

  it('is in the card after the metrics, with an intended-use section; neither section without a per-class score but the intended use', () => {
    const facts = {
      descriptor: DESCRIPTOR,
      mode: 'light' as const,
      classes: CELLS,
      labelCounts: [40, 30, 20, 20, 20],
      backend: 'wasm',
      date: new Date('2026-12-03T11:00:00Z'),
      metrics: { 'evaluation accuracy': '68.3% (95% CI 55.8–78.7%, 60 images)' },
      training: { mode: 'light' },
      onnx: { file: null, reason: 'not asked' },
    };
    const card = renderModelCard({ ...facts, evaluation: BLOOD });
    const at = (heading: string): number => card.indexOf(`\n${heading}\n`);
    expect(at('## Intended use')).toBeGreaterThan(0);
    expect(at('## Intended use')).toBeLessThan(at('## Model'));
    expect(at('## Metrics')).toBeLessThan(at('## Evaluation by class'));
    expect(at('## Evaluation by class')).toBeLessThan(at('## Training details'));
    expect(card).toContain('| Monocyte | 8 | 13% (1 of 8) | 2–47% | 25% (1 of 4) | 5–70% |');
    expect(card).toMatch(/not a diagnostic device/);
    expect(card).toMatch(/Check its accuracy on your own images/);
    const without = renderModelCard(facts);
    expect(without).not.toContain('## Evaluation by class');
    expect(without).toContain('## Intended use');
  });
});

describe('the per-class facts the app hands the engine', () => {
  it("reorders the version's stored matrix (the project's classes when it was scored) into the card's order, a class labeled since after them", () => {
    // Project order when scored: IG (5), Neutrophil (1), Basophil (9, created since the training), Monocyte (3).
    const confusion = {
      classIds: [5, 1, 9, 3],
      counts: [
        [4, 2, 0, 3],
        [1, 17, 0, 2],
        [1, 2, 0, 0],
        [0, 7, 0, 1],
      ],
    };
    const version = { classes: [{ id: 1, name: 'Neutrophil' }, { id: 3, name: 'Monocyte' }, { id: 5, name: 'IG' }], confusion, evalLabeled: 40 };
    const facts = classEvaluation(version, ['Neutrophil', 'Monocyte', 'IG'], [{ id: 9, name: 'Basophil' }], 2);
    expect(facts).toEqual({
      classes: ['Neutrophil', 'Monocyte', 'IG', 'Basophil'],
      modelClasses: 3,
      counts: [
        [17, 2, 1, 0],
        [7, 1, 0, 0],
        [2, 3, 4, 0],
        [2, 0, 1, 0],
      ],
      leftOut: 2,
    });
    expect(parseClassEvaluation(facts)).toEqual(facts);
    // A class with no evaluation image that the model lacks is left out; an unscored version has none.
    expect(classEvaluation({ ...version, confusion: { ...confusion, counts: confusion.counts.map((row, r) => (r === 2 ? [0, 0, 0, 0] : row)) } }, ['Neutrophil', 'Monocyte', 'IG'], [], 0)?.classes).toEqual(['Neutrophil', 'Monocyte', 'IG']);
    expect(classEvaluation({ ...version, confusion: null, evalLabeled: 0 }, ['Neutrophil', 'Monocyte', 'IG'], [], 0)).toBeNull();
  });

  it('refuses malformed facts with what is wrong, before anything is written', () => {
    expect(() => parseClassEvaluation({ ...BLOOD, counts: COUNTS.slice(1) })).toThrow(/BAD_ARGUMENT|not 5 by 5/);
    expect(() => parseClassEvaluation({ ...BLOOD, counts: COUNTS.slice(1) })).toThrow('the confusion matrix is not 5 by 5 (one row and column per class).');
    expect(() => parseClassEvaluation({ ...BLOOD, leftOut: -1 })).toThrow('evaluation.leftOut: expected an integer');
    expect(() => parseClassEvaluation({ ...BLOOD, modelClasses: 6 })).toThrow('6 model classes, but 5 classes listed.');
    expect(() => parseClassEvaluation({ ...BLOOD, modelClasses: 4 })).toThrow('8 image(s) of Eosinophil predicted as Eosinophil, which is not a class of the model.');
    expect(() => parseClassEvaluation({ ...BLOOD, extra: 1 })).toThrow('evaluation.extra: expected no such field');
  });
});
