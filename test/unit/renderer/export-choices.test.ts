/**
 * The Export dialog with parts that cannot be made: before any training the "Adapted model" box
 * is unticked (it showed ticked and disabled), with no labeled evaluation image the "Split" box
 * too, and the result line says what was left out and why ("Wrote 45 files" said nothing).
 */
import { describe, expect, it } from 'vitest';
import { exportedParts, exportFileGroups, exportLeftOut, modelFilesWords, type ExportParts } from '../../../src-renderer/logic/export-choices';

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

describe("an export's result by kind", () => {
  // As Transfer.export reports them: the model folder first, then the copies, then the labels files.
  const written = [
    'model/model.json',
    'model/group1-shard1of2.bin',
    'model/group1-shard2of2.bin',
    'model/model.onnx',
    'model/labels.json',
    'model/preprocessing.json',
    'model/MODEL_CARD.md',
    'model/learning-curve.svg',
    'model/learning-curve.png',
    ...['train/Neutrophil/a.png', 'train/Blast/b.png', 'train/Blast/c.png', 'evaluation/Neutrophil/d.png'].map((f) => `images/${f}`),
    'huggingface/train/a.png',
    'huggingface/train/b.png',
    'huggingface/train/c.png',
    'huggingface/train/metadata.csv',
    'huggingface/test/d.png',
    'huggingface/test/metadata.csv',
    'labels.csv',
    'labels.json',
    'unsure.csv',
  ];
  const sizes = written.map((f) => (f.endsWith('.bin') ? 4_000_000 : f.endsWith('.png') ? 100_000 : 1_000));

  it('says each kind once, in a fixed order, with its files named or its images counted, its folder and its bytes', () => {
    expect(exportFileGroups(written, sizes)).toEqual([
      { kind: 'model', title: 'Model', what: 'model.json, model.onnx, labels.json, 2 weight files', named: false, folder: 'model/', files: 5, bytes: 8_003_000 },
      // The card's figure goes with the card.
      { kind: 'card', title: 'Model card', what: 'MODEL_CARD.md, learning-curve.svg, learning-curve.png', named: true, folder: 'model/', files: 3, bytes: 102_000 },
      { kind: 'preprocessing', title: 'Preprocessing', what: 'preprocessing.json', named: true, folder: 'model/', files: 1, bytes: 1_000 },
      { kind: 'labels', title: 'Labels', what: 'labels.csv, labels.json, unsure.csv', named: true, folder: '', files: 3, bytes: 3_000 },
      { kind: 'imageFolder', title: 'ImageFolder copy', what: '4 images in 2 class folders, split into train/ and evaluation/', named: false, folder: 'images/', files: 4, bytes: 400_000 },
      { kind: 'huggingFace', title: 'Hugging Face imagefolder', what: '4 images and 2 metadata.csv files (train/ and test/)', named: false, folder: 'huggingface/', files: 6, bytes: 402_000 },
    ]);
  });

  it('reads Windows paths too, and an unsplit copy, a single metadata.csv, snippets and anything else', () => {
    const files = ['model\\model.onnx', 'model\\predict.py', 'model\\snippets\\node-onnx.txt', 'images\\ant\\1.png', 'images\\bee\\2.png', 'huggingface\\train\\1.png', 'huggingface\\train\\metadata.csv', 'notes.txt'];
    const groups = exportFileGroups(files, files.map(() => 10));
    expect(groups.map((g) => [g.kind, g.what, g.folder, g.files])).toEqual([
      ['model', 'model.onnx', 'model/', 1],
      ['snippets', 'predict.py, snippets/node-onnx.txt', 'model/', 2],
      ['imageFolder', '2 images in 2 class folders', 'images/', 2],
      ['huggingFace', '1 image and metadata.csv', 'huggingface/', 2],
      ['other', 'notes.txt', '', 1],
    ]);
    // A class folder named like a split is a class when the copy is not split.
    expect(exportFileGroups(['images/train/1.png', 'images/evaluation/2.png'], [1, 1])[0]?.what).toBe('2 images in 2 class folders');
  });

  it('names at most five files, then how many more', () => {
    const files = Array.from({ length: 8 }, (_, i) => `extra-${i}.txt`);
    expect(exportFileGroups(files, [])[0]).toEqual({ kind: 'other', title: 'Other files', what: 'extra-0.txt, extra-1.txt, extra-2.txt, extra-3.txt, extra-4.txt and 3 more', named: false, folder: '', files: 8, bytes: 0 });
  });
});

// The Export result offers "Show all N files" only when its summary leaves a file unnamed: a
// labels-only export's summary reads "Labels: labels.csv, labels.json", and "Show all 2 files"
// under it listed the same two names again.
const named = (files: string[]): boolean => exportFileGroups(files, files.map(() => 100)).every((group) => group.named);

describe('whether the export result names every file written', () => {
  it('does when the groups list every file by name: the labels files, a model folder without weight shards', () => {
    expect(named(['labels.csv', 'labels.json'])).toBe(true);
    expect(named(['labels.csv', 'labels.json', 'unsure.csv'])).toBe(true);
    expect(named(['model/model.onnx', 'model/labels.json', 'model/preprocessing.json', 'model/MODEL_CARD.md', 'labels.csv'])).toBe(true);
    // Paths with the Windows separator, as a report written there gives them.
    expect(named(['model\\model.onnx', 'model\\MODEL_CARD.md', 'labels.csv'])).toBe(true);
  });

  it('does not when a group counts its files: an image copy, the Hugging Face layout, weight shards', () => {
    expect(named(['labels.csv', 'images/ant/a.png', 'images/bee/b.png'])).toBe(false);
    expect(named(['huggingface/train/a.png', 'huggingface/train/metadata.csv'])).toBe(false);
    expect(named(['model/model.json', 'model/group1-shard1of1.bin'])).toBe(false);
  });

  it('does not when a group names a few files and "N more"', () => {
    const extras = Array.from({ length: 7 }, (_, i) => `extra-${i}.txt`);
    expect(exportFileGroups(extras, [])[0]?.what).toMatch(/and 2 more$/);
    expect(named(extras)).toBe(false);
    expect(named(extras.slice(0, 5))).toBe(true);
  });
});
