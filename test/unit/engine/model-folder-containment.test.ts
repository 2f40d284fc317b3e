/**
 * A model folder is read only from its own files: a weight path of model.json (or a link)
 * that leads outside the folder is refused with MODEL_INVALID, and an ONNX model whose tensors
 * keep their data in external files (which ONNX Runtime, given the model's bytes, would look
 * up from the host's working folder) is refused with a message saying how to save it whole.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readModelFolder } from '../../../src-main/engine/model/model-folder-io';
import { readOnnxGraph } from '../../../src-main/engine/onnx/onnx-folder';
import { decodeModel, onnx } from '../../../src-main/engine/onnx/onnx-proto';
import { appErrorOf } from '../../support/error-of';
import { tempDir } from '../../support/image-folder';
import { tinyClassifier } from '../../support/tiny-onnx';

/** A minimal Layers model.json whose one weight (2 float32) is in the shard `shardPath`. */
function modelJson(shardPath: string): string {
  return JSON.stringify({
    format: 'layers-model',
    modelTopology: { class_name: 'Sequential', config: { name: 'tiny', layers: [] } },
    weightsManifest: [{ paths: [shardPath], weights: [{ name: 'w', shape: [2], dtype: 'float32' }] }],
  });
}

/** `<base>/model` with model.json naming `shardPath`, and an 8-byte shard at `<base>/outside/shard`. */
function layout(shardPath: string): { base: string; dir: string } {
  const base = tempDir('adma-model-');
  const dir = path.join(base, 'model');
  fs.mkdirSync(dir);
  fs.mkdirSync(path.join(base, 'outside'));
  fs.writeFileSync(path.join(base, 'outside', 'group1-shard1of1'), Buffer.alloc(8));
  fs.writeFileSync(path.join(dir, 'model.json'), modelJson(shardPath));
  return { base, dir };
}

describe('the weight files of a TF.js model folder', () => {
  it('reads a shard inside the folder', async () => {
    const { dir } = layout('group1-shard1of1');
    fs.writeFileSync(path.join(dir, 'group1-shard1of1'), Buffer.alloc(8));
    const contents = await readModelFolder(dir);
    expect(contents.shardPaths).toEqual(['group1-shard1of1']);
    expect(contents.weightBytes).toBe(8);
  });

  it('refuses a manifest path that climbs out of the folder', async () => {
    const { base, dir } = layout('../outside/group1-shard1of1');
    const error = await appErrorOf(readModelFolder(dir));
    expect(error.code).toBe('MODEL_INVALID');
    expect(error.message).toBe(
      `"../outside/group1-shard1of1" listed in model.json is outside the model folder ${dir} (it resolves to ${fs.realpathSync(path.join(base, 'outside', 'group1-shard1of1'))}). ` +
        'ADMA Studio reads a model only from the files in its folder: put the file in the folder and name it there.',
    );
  });

  it.skipIf(process.platform === 'win32')('refuses a shard that is a link to a file outside the folder', async () => {
    const { base, dir } = layout('group1-shard1of1');
    fs.symlinkSync(path.join(base, 'outside', 'group1-shard1of1'), path.join(dir, 'group1-shard1of1'));
    const error = await appErrorOf(readModelFolder(dir));
    expect(error.code).toBe('MODEL_INVALID');
    expect(error.message).toMatch(/^"group1-shard1of1" listed in model.json is outside the model folder/);
  });
});

describe('an ONNX model with external data', () => {
  it('reads a model that holds all its weights', async () => {
    const file = path.join(tempDir('adma-onnx-'), 'model.onnx');
    fs.writeFileSync(file, tinyClassifier('NCHW'));
    expect((await readOnnxGraph(file)).input.name).toBe('image');
  });

  it('refuses a model whose initializer data is in an external file, naming the tensor', async () => {
    const model = decodeModel(tinyClassifier('NCHW'));
    const weights = model.graph!.initializer![0]!;
    weights.rawData = new Uint8Array(0);
    weights.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    weights.externalData = [onnx.StringStringEntryProto.create({ key: 'location', value: '../../outside/weights.bin' })];
    const file = path.join(tempDir('adma-onnx-'), 'model.onnx');
    fs.writeFileSync(file, onnx.ModelProto.encode(model).finish());
    const error = await appErrorOf(readOnnxGraph(file));
    expect(error.code).toBe('MODEL_INVALID');
    expect(error.message).toMatch(/keeps the data of 1 tensor \(conv_w\) in separate external-data files; ADMA Studio reads a model from its one \.onnx file only\. Save the model with its weights inside the file/);
  });
});
