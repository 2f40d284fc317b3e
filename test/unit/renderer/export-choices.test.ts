/**
 * The Export dialog with parts that cannot be made: before any training the "Adapted model" box
 * is unticked (it showed ticked and disabled), with no labeled evaluation image the "Split" box
 * too, and the result line says what was left out and why ("Wrote 45 files" said nothing).
 */
import { describe, expect, it } from 'vitest';
import { exportedParts, exportLeftOut, modelFilesWords, type ExportParts } from '../../../src-renderer/logic/export-choices';

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

  it('name the model files the export writes: model.onnx beside a TF.js model, model.onnx alone for an ONNX model', () => {
    const onnx = { height: 224, width: 224, scaling: 'imagenet', channelOrder: 'RGB', layout: 'NCHW' } as const;
    expect(modelFilesWords({ kind: 'known', id: 'mobilenet_v1_0.25_224' }, 5)).toBe('TF.js model and model.onnx (version 5), labels.json, preprocessing.json, model card');
    expect(modelFilesWords({ kind: 'starter' }, 1)).toMatch(/^TF\.js model and model\.onnx \(version 1\)/);
    expect(modelFilesWords({ kind: 'folder', path: '/models/tfjs' }, 2)).toMatch(/^TF\.js model and model\.onnx/);
    expect(modelFilesWords({ kind: 'folder', path: '/models/resnet', onnx }, 3)).toBe('ONNX model (version 3): model.onnx, labels.json, preprocessing.json, model card');
  });
});
