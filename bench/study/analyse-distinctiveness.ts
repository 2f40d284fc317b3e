/**
 * What D picks, per study setting (features from the cache): per seed, the class make-up
 * of the top-b images by D (round 0's batch of ADMA), mean D per class, how D ranks against
 * "outlierness" (mean layer-B distance to the 10 nearest pool neighbours) and against the
 * source model's confidence (max source softmax), and against the reference model's errors.
 * Writes bench/results/<setting>/distinctiveness.md.
 *
 *   npx tsx bench/study/analyse-distinctiveness.ts <setting> [--seeds 5] [--batch 10]
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { rowDistance } from '../../src-main/engine/adma/row-distance';
import { initBackend } from '../../src-main/engine/backend';
import { loadModelFolder, loadStarterModel } from '../../src-main/engine/model/load-model';
import { readImageFolderDataset } from '../../src-main/engine/simulate/image-folder-dataset';
import { setUpSeed } from '../../src-main/engine/simulate/seed-setup';
import { prepareSimulationFeatures } from '../../src-main/engine/simulate/simulation-features';
import { spearmanCorrelation } from '../../src-main/engine/simulate/spearman-correlation';
import { ROOT, studySetting } from './study-settings';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { seeds: { type: 'string' }, batch: { type: 'string' } } });
const setting = studySetting(positionals[0] ?? '');
const seeds = Array.from({ length: Number(values.seeds ?? 5) }, (_, i) => i);
const batch = Number(values.batch ?? 10);
await initBackend();
const dataset = await readImageFolderDataset(setting.folder);
const loaded = setting.model === 'starter' ? await loadStarterModel() : await loadModelFolder(setting.model);
const features = await prepareSimulationFeatures(loaded, dataset, { deep: false, cacheDir: setting.cacheDir });
loaded.dispose();
const n = features.labels.length;
const c = features.classes.length;

/** Mean distance to the k nearest other pool images at layer B, for a sample of rows. */
function knnDistance(rows: readonly number[], pool: readonly number[], k: number): Float64Array {
  const out = new Float64Array(rows.length);
  rows.forEach((row, i) => {
    const nearest: number[] = [];
    for (const other of pool) {
      if (other === row) continue;
      const d = rowDistance(features.featuresB, row, features.featuresB, other);
      if (nearest.length < k) {
        nearest.push(d);
        nearest.sort((a, b) => a - b);
      } else if (d < (nearest[k - 1] as number)) {
        nearest[k - 1] = d;
        nearest.sort((a, b) => a - b);
      }
    }
    out[i] = nearest.reduce((a, b) => a + b, 0) / nearest.length;
  });
  return out;
}

const lines: string[] = [];
lines.push(`### What distinctiveness picks: ${setting.title}`, '');
lines.push(`${n} images, ${c} classes. Per seed: the ${batch} pool images of highest D (ADMA's round-0 batch, before ties by id) and rank correlations of D over the pool.`, '');
lines.push(`| seed | centres | top-${batch} class mix | mean D per class | Spearman(D, kNN distance) | Spearman(D, source max-prob) | top-${batch} kNN distance / pool mean |`);
lines.push('|---|---|---|---|---|---|---|');
for (const seed of seeds) {
  const setup = setUpSeed(features, seed, 0.3, true);
  const pool = setup.poolIds;
  const d = setup.distinctiveness;
  const ranked = [...pool].sort((a, b) => (d[b] as number) - (d[a] as number) || a - b);
  const top = ranked.slice(0, batch);
  const mix = new Array<number>(c).fill(0);
  for (const id of top) mix[features.labels[id] as number]! += 1;
  const perClass = features.classes.map((_, k) => {
    const ids = pool.filter((id) => features.labels[id] === k);
    return ids.reduce((s, id) => s + (d[id] as number), 0) / Math.max(1, ids.length);
  });
  const sample = pool.length > 1500 ? pool.filter((_, i) => i % Math.ceil(pool.length / 1500) === 0) : pool;
  const knn = knnDistance(sample, pool, 10);
  const maxProb = Float64Array.from(sample, (id) => {
    let best = 0;
    const k = features.sourceProbabilities.cols;
    for (let j = 0; j < k; j++) best = Math.max(best, features.sourceProbabilities.data[id * k + j] as number);
    return best;
  });
  const dSample = Float64Array.from(sample, (id) => d[id] as number);
  const knnTop = knnDistance(top, pool, 10);
  const knnMean = knn.reduce((a, b) => a + b, 0) / knn.length;
  lines.push(
    `| ${seed} | ${setup.centres.record.origin} (${setup.centres.sourceClasses.length}) | ${mix.flatMap((m, k) => (m > 0 ? [`${features.classes[k]}:${m}`] : [])).join(' ')} | ${perClass.map((v, k) => `${features.classes[k]} ${v.toFixed(3)}`).join(', ')} | ${spearmanCorrelation(dSample, knn).toFixed(3)} | ${spearmanCorrelation(dSample, maxProb).toFixed(3)} | ${(knnTop.reduce((a, b) => a + b, 0) / knnTop.length / knnMean).toFixed(2)} |`,
  );
  process.stderr.write(`seed ${seed} done\n`);
}
lines.push('');
await writeFile(join(ROOT, 'bench/results', setting.id, 'distinctiveness.md'), `${lines.join('\n')}\n`);
process.stdout.write(`${lines.join('\n')}\n`);
