import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend';
import type { ModelDescriptor } from '../../../src-main/engine/model/descriptor';
import { readCentresFile, type CentresFile } from '../../../src-main/engine/starter/centres-file';
import { FASHION_MNIST_LABELS, loadFashionMnist, splitFashionMnist, type FashionSplit } from '../../../src-main/engine/starter/fashion-mnist-source';
import { sourceCentresByClassMean } from '../../../src-main/engine/starter/source-centres-by-class-mean';
import { accuracyOf, runStarterModel } from '../../../scripts/starter-model/starter-features';
import { STARTER_RECIPE } from '../../../scripts/starter-model/starter-recipe';
import type { TrainingReport } from '../../../scripts/starter-model/training-report';
import { readModelFolder } from '../../../scripts/starter-model/read-layers-model';

const STARTER_DIR = resolve(import.meta.dirname, '../../../resources/starter');
const DEMO_DIR = resolve(import.meta.dirname, '../../../resources/demo');

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir)) total += (await stat(join(dir, name))).size;
  return total;
}

function distance(a: readonly number[], b: readonly number[]): number {
  let sq = 0;
  a.forEach((v, i) => {
    const d = v - (b[i] as number);
    sq += d * d;
  });
  return Math.sqrt(sq);
}

describe('the shipped starter model', () => {
  let descriptor: ModelDescriptor;
  let model: tf.LayersModel;
  let centres: CentresFile;
  let report: TrainingReport;
  let split: FashionSplit;

  beforeAll(async () => {
    await initBackend();
    descriptor = JSON.parse(await readFile(join(STARTER_DIR, 'adma-model.json'), 'utf8')) as ModelDescriptor;
    report = JSON.parse(await readFile(join(STARTER_DIR, 'training-report.json'), 'utf8')) as TrainingReport;
    model = await readModelFolder(STARTER_DIR);
    centres = await readCentresFile(join(STARTER_DIR, descriptor.centresFile ?? 'centres.json'));
    split = splitFashionMnist(await loadFashionMnist(), {
      seed: STARTER_RECIPE.seed,
      testPerClass: STARTER_RECIPE.testPerClass,
      trainPerClass: STARTER_RECIPE.trainPerClass,
    });
  }, 120_000);

  it('has the descriptor the engine expects', () => {
    expect(descriptor).toMatchObject({
      formatVersion: 1,
      id: 'starter-fashion-mnist-v1',
      input: { height: 28, width: 28, channels: 1 },
      normalization: { scale: 1 / 255, offset: 0 },
      resize: 'squash',
      layerA: 'block2_relu',
      layerB: 'pooled',
      softmaxLayer: 'source_softmax',
      cutLayer: 'cut',
      centresFile: 'centres.json',
    });
    expect(descriptor.sourceLabels).toEqual([...FASHION_MNIST_LABELS]);
  });

  it('has the named layers with the promised shapes, and a pointwise TOP block above the cut', () => {
    const shape = (name: string): unknown => model.getLayer(name).outputShape;
    expect(model.inputs[0]?.shape).toEqual([null, 28, 28, 1]);
    expect(shape(descriptor.layerA)).toEqual([null, 14, 14, 32]);
    expect(shape(descriptor.cutLayer)).toEqual([null, 7, 7, 48]);
    expect(shape('top_pw_relu')).toEqual([null, 7, 7, 64]);
    expect(shape(descriptor.layerB)).toEqual([null, 64]);
    expect(shape(descriptor.softmaxLayer)).toEqual([null, descriptor.sourceLabels.length]);
    const names = model.layers.map((l) => l.name);
    const after = names.slice(names.indexOf(descriptor.cutLayer) + 1);
    expect(after).toEqual(['top_pw_conv', 'top_pw_relu', 'pooled', 'source_softmax']);
    const pw = model.getLayer('top_pw_conv');
    expect(pw.getClassName()).toBe('Conv2D');
    expect(pw.getConfig().kernelSize).toEqual([1, 1]);
    expect(model.getLayer('top_pw_relu').getConfig().activation).toBe('relu');
    expect(model.getLayer('pooled').getClassName()).toBe('GlobalAveragePooling2D');
    expect(model.getLayer('source_softmax').getConfig().activation).toBe('softmax');
    expect(model.countParams()).toBeLessThan(50_000);
  });

  it('is small on disk', async () => {
    expect(await folderBytes(STARTER_DIR)).toBeLessThan(300_000);
    expect(await folderBytes(DEMO_DIR)).toBeLessThan(150_000);
  });

  it('classifies the held-out Fashion-MNIST split with the recorded accuracy', async () => {
    const out = await runStarterModel(model, descriptor, split.test.map((image) => image.pixels));
    const accuracy = accuracyOf(out.probabilities, 10, split.test.map((image) => image.label)).overall;
    expect(split.test.length).toBe(report.heldOut.images);
    expect(Math.abs(accuracy - report.heldOut.accuracy)).toBeLessThan(0.003);
    expect(accuracy).toBeGreaterThan(0.85);
  }, 180_000);

  it('ships centres that are, per class, the training image nearest to the class mean at layer B', async () => {
    const out = await runStarterModel(model, descriptor, split.train.map((image) => image.pixels));
    const recomputed = sourceCentresByClassMean(out.layerB, out.dims.b, split.train.map((image) => image.label), 10);
    expect(centres.centres.map((c) => c.sourceClass)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const centre of centres.centres) {
      const mine = recomputed[centre.sourceClass];
      expect(mine).toBeDefined();
      if (!mine) continue;
      expect(centre.label).toBe(descriptor.sourceLabels[centre.sourceClass]);
      expect(centre.classSize).toBe(mine.classSize);
      for (let d = 0; d < out.dims.b; d++) expect(Math.abs((centre.classMeanB[d] as number) - (mine.mean[d] as number))).toBeLessThan(1e-4);
      const chosen = split.train[mine.row];
      // The same image, or (floating-point near-tie across backends) one exactly as close.
      if (chosen?.id !== centre.imageId) {
        expect(Math.abs(mine.distanceToMean - centre.distanceToMean)).toBeLessThan(1e-5);
      } else {
        const rowA = Array.from(out.layerA.subarray(mine.row * out.dims.a, (mine.row + 1) * out.dims.a));
        const rowB = Array.from(out.layerB.subarray(mine.row * out.dims.b, (mine.row + 1) * out.dims.b));
        expect(distance(rowA, centre.layerA)).toBeLessThan(1e-4);
        expect(distance(rowB, centre.layerB)).toBeLessThan(1e-4);
      }
      const image = split.train.find((i) => i.id === centre.imageId);
      expect(image?.label).toBe(centre.sourceClass);
      expect(split.test.some((i) => i.id === centre.imageId)).toBe(false);
    }
  }, 180_000);

  it('stores layer-A/B vectors that the centre images reproduce, with P_j[j] = 0 and distinct centres', async () => {
    const pixels = centres.centres.map((c) => Uint8Array.from(Buffer.from(c.imageBase64 ?? '', 'base64')));
    expect(pixels.every((p) => p.length === 784)).toBe(true);
    const out = await runStarterModel(model, descriptor, pixels);
    expect(out.dims).toEqual({ classes: 10, a: 32, b: 64 });
    centres.centres.forEach((c, j) => {
      expect(c.layerA.length).toBe(32);
      expect(c.layerB.length).toBe(64);
      expect(distance(Array.from(out.layerA.subarray(j * 32, (j + 1) * 32)), c.layerA)).toBeLessThan(1e-4);
      expect(distance(Array.from(out.layerB.subarray(j * 64, (j + 1) * 64)), c.layerB)).toBeLessThan(1e-4);
    });
    const K = centres.centres.length;
    for (let j = 0; j < K; j++) {
      const cj = centres.centres[j] as CentresFile['centres'][number];
      const pattern = centres.centres.map((ck) => distance(cj.layerA, ck.layerA) - distance(cj.layerB, ck.layerB));
      expect(pattern[j]).toBe(0);
      for (let k = 0; k < K; k++) {
        if (k === j) continue;
        const ck = centres.centres[k] as CentresFile['centres'][number];
        expect(distance(cj.layerB, ck.layerB)).toBeGreaterThan(0);
        expect(distance(cj.layerA, ck.layerA)).toBeGreaterThan(0);
      }
    }
    // Each centre is classified as its own class by the source model.
    const predicted = centres.centres.map((_, j) => {
      const row = Array.from(out.probabilities.subarray(j * 10, (j + 1) * 10));
      return row.indexOf(Math.max(...row));
    });
    expect(predicted).toEqual(centres.centres.map((c) => c.sourceClass));
  });
});
