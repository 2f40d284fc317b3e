/**
 * The Export dialog with parts that cannot be made: before any training the "Adapted model" box
 * is unticked (it showed ticked and disabled), with no labeled evaluation image the "Split" box
 * too, and the result line says what was left out and why ("Wrote 45 files" said nothing).
 */
import { describe, expect, it } from 'vitest';
import { exportedParts, exportLeftOut, type ExportParts } from '../../../src-renderer/logic/export-choices';

const asked: ExportParts = { model: true, labelsCsv: true, labelsJson: true, imageFolder: true, splitImageFolder: true, huggingFace: true };

describe('export parts that cannot be made now', () => {
  it('are unticked: the model before any training, the split without a labeled evaluation image', () => {
    expect(exportedParts(asked, { trainedModel: false, labeledEvaluation: false })).toEqual({ ...asked, model: false, splitImageFolder: false });
    expect(exportedParts(asked, { trainedModel: true, labeledEvaluation: true })).toEqual(asked);
    // The split is part of the ImageFolder copy: unticked with it.
    expect(exportedParts({ ...asked, imageFolder: false }, { trainedModel: true, labeledEvaluation: true }).splitImageFolder).toBe(false);
  });

  it('are named with the reason in the result', () => {
    expect(exportLeftOut(asked, { trainedModel: false, labeledEvaluation: false })).toEqual([
      'The adapted model was left out: no model has been trained yet (it trains when a batch is labeled).',
      'The ImageFolder copy is not split into train/ and evaluation/: the evaluation set has no labeled image.',
      'The Hugging Face layout has no test/ split: the evaluation set has no labeled image.',
    ]);
    expect(exportLeftOut(asked, { trainedModel: true, labeledEvaluation: true })).toEqual([]);
    // What was not asked for is not "left out".
    const labelsOnly = { ...asked, model: false, imageFolder: false, huggingFace: false };
    expect(exportLeftOut(labelsOnly, { trainedModel: false, labeledEvaluation: false })).toEqual([]);
  });
});
