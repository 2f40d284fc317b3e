/**
 * Suspect labels and calibration on real photos: for each data set, flip 5% and 10% of the
 * labels (seeded), run the app's cross-validation (5 folds of the light head on pooled
 * layer-B features, src-main/engine/quality/label-quality.ts) and report precision at k
 * (k = flipped), recall at 2k, the queue's length and recall, and the expected calibration
 * error of the held-out predictions before and after temperature scaling.
 *
 * Run: npx tsx bench/label-quality.bench.ts [--model 0.25|0.75] [--seeds 1,2,3] [--sets hymenoptera,pbc-blood-cells]
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { initBackend } from '../src-main/engine/backend';
import { loadModelFolder } from '../src-main/engine/model/load-model';
import { runNoiseExperiment } from '../src-main/engine/quality/label-noise-experiment';
import { readImageFolderDataset } from '../src-main/engine/simulate/image-folder-dataset';
import { prepareSimulationFeatures } from '../src-main/engine/simulate/simulation-features';

function argument(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const shared = process.env.ADMA_SHARED_DIR ?? resolve(import.meta.dirname, '../../shared');
const alpha = argument('--model', '0.25');
const modelDir = join(shared, 'models', `mobilenet_v1_${alpha}_224`);
const seeds = argument('--seeds', '1,2,3').split(',').map(Number);
const sets = argument('--sets', 'hymenoptera,pbc-blood-cells').split(',');
const cacheDir = join(tmpdir(), `adma-label-quality-bench-${alpha}`);

await initBackend('wasm');
mkdirSync(cacheDir, { recursive: true });
const loaded = await loadModelFolder(modelDir);
console.log(`| data set | images | classes | flipped | seed | P@k | R@2k | queue (recall) | T | ECE before → after | ms |`);
console.log(`|---|---|---|---|---|---|---|---|---|---|---|`);
for (const set of sets) {
  const folder = join(shared, 'data', set);
  if (!existsSync(folder)) {
    console.log(`| ${set} | skipped: ${folder} is absent |`);
    continue;
  }
  const features = await prepareSimulationFeatures(loaded, await readImageFolderDataset(folder), { deep: false, cacheDir });
  const inputs = { data: features.featuresB.data as Float32Array, rowShape: [features.featuresB.cols] };
  for (const share of [0.05, 0.1]) {
    for (const seed of seeds) {
      const r = await runNoiseExperiment(inputs, features.labels, features.classes.length, { share, seed });
      const c = r.calibration;
      console.log(
        `| ${set} | ${r.images} | ${features.classes.length} | ${(share * 100).toFixed(0)}% (${r.flipped}) | ${seed} | ${r.precisionAtK.toFixed(3)} | ${r.recallAt2K.toFixed(3)} | ${r.queueLength} (${r.queueRecall.toFixed(3)}) | ${c.temperature.toFixed(2)} | ${c.eceBefore?.toFixed(3)} → ${c.eceAfter?.toFixed(3)} | ${r.millis} |`,
      );
    }
  }
}
loaded.dispose();
