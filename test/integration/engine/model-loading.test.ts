import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { AppError } from '../../../src-shared/app-error';
import { initBackend } from '../../../src-main/engine/backend';
import { loadModelFolder, loadStarterModel } from '../../../src-main/engine/model/load-model';
import { hasMobileNet025, hasStarterModel, MISSING_MODEL_REASON, MOBILENET_025_DIR, STARTER_DIR } from './shared-material';
import { saveModelFolder, tinyClassifier } from './save-model-folder';

let work: string;

beforeAll(async () => {
  await initBackend();
  work = mkdtempSync(join(tmpdir(), 'adma-model-loading-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function expectModelError(promise: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  expect((error as AppError).message).toMatch(pattern);
}

function copyModel(name: string): string {
  const dir = join(work, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  for (const file of readdirSync(MOBILENET_025_DIR)) copyFileSync(join(MOBILENET_025_DIR, file), join(dir, file));
  return dir;
}

describe.skipIf(!hasMobileNet025)(`MobileNet v1 0.25 from a folder (${hasMobileNet025 ? 'shared model present' : MISSING_MODEL_REASON})`, () => {
  it('detects the descriptor and recognises the exact files as the known model', async () => {
    const loaded = await loadModelFolder(MOBILENET_025_DIR);
    try {
      const d = loaded.descriptor;
      expect(d.id).toBe('mobilenet_v1_0.25_224');
      expect(loaded.knownModel?.id).toBe('mobilenet_v1_0.25_224');
      expect(d.input).toEqual({ height: 224, width: 224, channels: 3 });
      expect(d.normalization.scale).toBeCloseTo(1 / 127.5, 12);
      expect(d.normalization.offset).toBe(-1);
      expect([d.layerA, d.layerB, d.softmaxLayer, d.cutLayer]).toEqual(['conv_pw_7_relu', 'global_average_pooling2d_1', 'act_softmax', 'conv_dw_13_relu']);
      expect(d.sourceLabels).toHaveLength(1000);
      expect(d.sourceLabels[310]).toMatch(/^ant/);
      expect(d.sourceLabels[309]).toBe('bee');
      expect(loaded.features.shapes).toEqual({ a: [14, 14, 128], b: [256], cut: [7, 7, 256] });
      expect(loaded.features.classCount).toBe(1000);
      expect(loaded.features.model.outputs).toHaveLength(4);
    } finally {
      loaded.dispose();
    }
  });

  it('a missing shard is named in the error', async () => {
    const dir = copyModel('missing-shard');
    unlinkSync(join(dir, 'group7-shard1of1'));
    await expectModelError(loadModelFolder(dir), 'MODEL_INVALID', /"group7-shard1of1".*missing/);
  });

  it('a truncated shard is detected by its size', async () => {
    const dir = copyModel('truncated-shard');
    truncateSync(join(dir, 'group3-shard1of1'), 100);
    await expectModelError(loadModelFolder(dir), 'MODEL_INVALID', /group3-shard1of1.*truncated/);
  });

  it('a truncated model.json says it is not valid JSON, and where it stops', async () => {
    const dir = copyModel('truncated-json');
    const text = readFileSync(join(dir, 'model.json'), 'utf8');
    const cut = text.slice(0, Math.floor(text.length / 2));
    writeFileSync(join(dir, 'model.json'), cut);
    const lines = cut.split('\n');
    const end = `line ${lines.length}, column ${(lines.at(-1) as string).length + 1}`;
    await expectModelError(loadModelFolder(dir), 'MODEL_INVALID', new RegExp(`model\\.json is not valid JSON: at ${end}: expected .* but the text ends there\\. Copy or download the model again`));
    const error = await loadModelFolder(dir).catch((e: unknown) => e as AppError);
    expect((error as AppError).message).not.toMatch(/probably/);
  });

  it('a model.json with a fault inside says where it is', async () => {
    const dir = copyModel('bad-json');
    writeFileSync(join(dir, 'model.json'), '{\n  "format": "layers-model",\n  "modelTopology": {,\n}');
    await expectModelError(loadModelFolder(dir), 'MODEL_INVALID', /model\.json is not valid JSON: at line 3, column 21: expected a property name in double quotes or '\}' but found ','\./);
  });

  it('a folder that does not exist says so, not that it holds no model.json', async () => {
    const missing = join(work, 'nonexist');
    await expectModelError(loadModelFolder(missing), 'NOT_FOUND', new RegExp(`^The model folder ${missing} does not exist: it may have been moved or renamed`));
  });

  it('weights whose shapes do not fit the graph are rejected', async () => {
    const dir = copyModel('wrong-weight-shape');
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { weightsManifest: { weights: { name: string; shape: number[] }[] }[] };
    const kernel = json.weightsManifest.flatMap((g) => g.weights).find((w) => w.name === 'conv1/kernel');
    expect(kernel?.shape).toEqual([3, 3, 3, 8]);
    (kernel as { shape: number[] }).shape = [3, 3, 8, 3]; // same byte count, wrong layout
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    await expectModelError(loadModelFolder(dir), 'MODEL_INVALID', /could not build the model.*[Ss]hape/);
  });

  it('a wrong layer name is reported with the role it was meant for', async () => {
    await expectModelError(
      loadModelFolder(MOBILENET_025_DIR, { layers: { layerA: 'conv_pw_77_relu', layerB: 'global_average_pooling2d_1', softmaxLayer: 'act_softmax', cutLayer: 'conv_dw_13_relu' } }),
      'MODEL_INVALID',
      /no layer named "conv_pw_77_relu" \(layer A\)/,
    );
  });

  it('a softmax layer that is not a probability vector is rejected', async () => {
    await expectModelError(
      loadModelFolder(MOBILENET_025_DIR, { layers: { layerA: 'conv_pw_7_relu', layerB: 'global_average_pooling2d_1', softmaxLayer: 'conv_pw_13_relu', cutLayer: 'conv_dw_13_relu' } }),
      'MODEL_INVALID',
      /"conv_pw_13_relu" \(softmax\) outputs shape \[null,7,7,256\]/,
    );
  });
});

describe('models the product does not recognise', () => {
  it('without layer names: asks the user to name them', async () => {
    const dir = join(work, 'tiny-unnamed');
    await saveModelFolder(tinyClassifier({ softmax: true }), dir);
    await expectModelError(loadModelFolder(dir), 'MODEL_INVALID', /does not recognise.*name its layers/);
  });

  it('with layer names: builds a descriptor from the graph', async () => {
    const dir = join(work, 'tiny-named');
    await saveModelFolder(tinyClassifier({ softmax: true, channels: 1 }), dir);
    const loaded = await loadModelFolder(dir, { layers: { layerA: 'block_a', layerB: 'pooled', softmaxLayer: 'scores', cutLayer: 'block_cut' } });
    try {
      expect(loaded.descriptor.input).toEqual({ height: 32, width: 32, channels: 1 });
      expect(loaded.descriptor.id).toMatch(/^tiny-named-[0-9a-f]{12}$/);
      expect(loaded.features.shapes).toEqual({ a: [15, 15, 4], b: [6], cut: [7, 7, 6] });
      expect(loaded.features.classCount).toBe(5);
      expect(loaded.knownModel).toBeUndefined();
    } finally {
      loaded.dispose();
    }
  });

  it('a layer A with a non-spatial, non-vector shape is rejected', async () => {
    const dir = join(work, 'tiny-shape');
    await saveModelFolder(tinyClassifier({ softmax: true }), dir);
    await expectModelError(
      loadModelFolder(dir, { layers: { layerA: 'as_sequence', layerB: 'pooled', softmaxLayer: 'scores', cutLayer: 'block_cut' } }),
      'MODEL_INVALID',
      /"as_sequence" \(layer A\) outputs shape \[null,2,3\]/,
    );
  });

  it('a non-classifier (no softmax at the named layer) is rejected', async () => {
    const dir = join(work, 'tiny-regressor');
    await saveModelFolder(tinyClassifier({ softmax: false }), dir);
    await expectModelError(
      loadModelFolder(dir, { layers: { layerA: 'block_a', layerB: 'pooled', softmaxLayer: 'scores', cutLayer: 'block_cut' } }),
      'MODEL_INVALID',
      /does not output class probabilities/,
    );
  });

  it('a folder without model.json and a graph model are told apart', async () => {
    mkdirSync(join(work, 'nothing-here'), { recursive: true });
    await expectModelError(loadModelFolder(join(work, 'nothing-here')), 'MODEL_INVALID', /No model\.json/);
    const dir = join(work, 'graph-model');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] }));
    await expectModelError(loadModelFolder(dir), 'MODEL_INVALID', /graph model.*Layers model/);
  });

  it('leaks no tensors when a model is rejected', async () => {
    const dir = join(work, 'tiny-leak');
    await saveModelFolder(tinyClassifier({ softmax: false }), dir);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      await loadModelFolder(dir, { layers: { layerA: 'block_a', layerB: 'pooled', softmaxLayer: 'scores', cutLayer: 'block_cut' } }).catch(() => undefined);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('models that carry an adma-model.json descriptor', () => {
  const descriptor = {
    formatVersion: 1,
    id: 'tiny-starter-v1',
    name: 'Tiny starter',
    input: { height: 32, width: 32, channels: 1 },
    normalization: { scale: 1 / 255, offset: 0 },
    resize: 'squash',
    layerA: 'block_a',
    layerB: 'pooled',
    softmaxLayer: 'scores',
    sourceLabels: ['a', 'b', 'c', 'd', 'e'],
    cutLayer: 'block_cut',
    centresFile: 'centres.json',
  };

  it('loads a starter-style folder from a resources directory with its own descriptor', async () => {
    const resources = join(work, 'resources');
    await saveModelFolder(tinyClassifier({ softmax: true, channels: 1 }), join(resources, 'starter'));
    writeFileSync(join(resources, 'starter', 'adma-model.json'), JSON.stringify(descriptor));
    const loaded = await loadStarterModel(resources);
    try {
      expect(loaded.descriptor).toEqual(descriptor);
      expect(loaded.features.classCount).toBe(5);
    } finally {
      loaded.dispose();
    }
    await expectModelError(loadStarterModel(join(work, 'no-resources')), 'NOT_FOUND', /starter model/);
  });

  it('an invalid descriptor lists what is wrong', async () => {
    const dir = join(work, 'bad-descriptor');
    await saveModelFolder(tinyClassifier({ softmax: true, channels: 1 }), dir);
    writeFileSync(join(dir, 'adma-model.json'), JSON.stringify({ ...descriptor, formatVersion: 2, resize: 'stretch', layerB: '' }));
    await expectModelError(loadModelFolder(dir), 'MODEL_INVALID', /formatVersion must be 1.*"layerB" must be a non-empty string.*"resize"/);
    writeFileSync(join(dir, 'adma-model.json'), JSON.stringify({ ...descriptor, sourceLabels: ['only', 'three', 'labels'] }));
    await expectModelError(loadModelFolder(dir), 'MODEL_INVALID', /lists 3 source labels but layer "scores" has 5 outputs/);
    writeFileSync(join(dir, 'adma-model.json'), JSON.stringify({ ...descriptor, input: { height: 28, width: 28, channels: 1 } }));
    await expectModelError(loadModelFolder(dir), 'MODEL_INVALID', /descriptor says the input is 28x28x1 but the model takes 32x32x1/);
  });
});

describe.skipIf(!hasStarterModel)(`starter model (${hasStarterModel ? 'present' : `skipped: ${STARTER_DIR}/adma-model.json is not there yet`})`, () => {
  it('loads with its shipped descriptor', async () => {
    const loaded = await loadStarterModel();
    try {
      expect(loaded.descriptor.formatVersion).toBe(1);
      expect(loaded.features.classCount).toBe(loaded.descriptor.sourceLabels.length);
    } finally {
      loaded.dispose();
    }
  });
});
