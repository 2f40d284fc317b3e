/**
 * The Export result offers "Show all N files" only when its summary leaves a file unnamed: a
 * labels-only export's summary reads "Labels: labels.csv, labels.json", and "Show all 2 files"
 * under it listed the same two names again.
 */
import { describe, expect, it } from 'vitest';
import { exportFileGroups } from '../../../src-renderer/logic/export-choices';
import { namesEveryFile } from '../../../src-renderer/logic/export-named';

const named = (files: string[]): boolean => namesEveryFile(files, exportFileGroups(files, files.map(() => 100)));

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

  it('does not when a file is in no group (a report and its groups that do not match)', () => {
    expect(namesEveryFile(['labels.csv', 'labels.json'], exportFileGroups(['labels.csv'], [1]))).toBe(false);
  });
});
