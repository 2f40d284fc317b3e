/**
 * A model is chosen by its folder; a path to the folder's model.json or .onnx file (what a
 * person copies from a file manager) names that folder, and any other file is refused with
 * what to choose instead (it gave a raw "ENOTDIR … model.json/model.json").
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectModelFolder } from '../../../src-main/engine/model/inspect-model';
import { loadAnyModelFolder, modelFolderOf } from '../../../src-main/engine/model/load-model';
import { appErrorOf as refusal } from '../../support/error-of';
import { tinyClassifier } from '../../support/tiny-onnx';

const STARTER = resolve(__dirname, '../../../resources/starter');
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'adma-model-file-'));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('a model file typed where its folder is asked for', () => {
  it("inspects and loads a TF.js model from the path of its model.json", async () => {
    const folder = join(root, 'tfjs');
    mkdirSync(folder);
    for (const name of readdirSync(STARTER)) copyFileSync(join(STARTER, name), join(folder, name));
    const inspection = await inspectModelFolder(join(folder, 'model.json'));
    expect(inspection.path).toBe(folder);
    expect(inspection.layers.length).toBeGreaterThan(0);
    const loaded = await loadAnyModelFolder(join(folder, 'model.json'));
    try {
      expect(loaded.dir).toBe(folder);
    } finally {
      loaded.dispose();
    }
  });

  it('inspects an ONNX model from the path of its .onnx file', async () => {
    const folder = join(root, 'onnx');
    mkdirSync(folder);
    writeFileSync(join(folder, 'tiny.onnx'), tinyClassifier('NCHW'));
    const inspection = await inspectModelFolder(join(folder, 'tiny.onnx'));
    expect(inspection.path).toBe(folder);
    expect(inspection.onnx?.file).toBe('tiny.onnx');
  });

  it('refuses any other file, and an .onnx file beside a model.json, saying what to choose', async () => {
    const other = join(root, 'notes.txt');
    writeFileSync(other, 'not a model');
    const error = await refusal(inspectModelFolder(other));
    expect(error.code).toBe('MODEL_INVALID');
    expect(error.message).toBe(`${other} is a file: choose the folder that holds model.json and its weight files (TF.js), or one .onnx model.`);
    expect(error.message).not.toMatch(/ENOTDIR/);

    const mixed = join(root, 'mixed');
    mkdirSync(mixed);
    writeFileSync(join(mixed, 'model.json'), '{}');
    writeFileSync(join(mixed, 'tiny.onnx'), tinyClassifier('NCHW'));
    expect((await refusal(modelFolderOf(join(mixed, 'tiny.onnx')))).message).toMatch(/^tiny\.onnx sits beside a TF\.js model\.json in .*mixed.*: keep the ONNX model in a folder of its own/);
    // A folder is taken as it is; a path that does not exist is refused as such (it read "No model.json … in <path>").
    expect(await modelFolderOf(mixed)).toBe(mixed);
    const missing = await refusal(inspectModelFolder(join(root, 'missing')));
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toBe(`The model folder ${join(root, 'missing')} does not exist: it may have been moved or renamed, or be on a disk that is not connected.`);
  });
});
