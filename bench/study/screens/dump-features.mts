/**
 * Writes a study setting's pooled layer-B features and labels as raw little-endian arrays for
 * head-screen.py (an offline screen of head variants, not the app's loop):
 *   npx tsx bench/study/screens/dump-features.mts pbc-mobilenet025-light mnist5000-starter-light
 *   → bench/.work/screens/<setting>.{b.f32,a.f32,labels.i32,json} (a: pooled layer A, for the
 *     intermediate-layer screen)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { initBackend } from '../../../src-main/engine/backend';
import { loadModelFolder, loadStarterModel } from '../../../src-main/engine/model/load-model';
import { readImageFolderDataset } from '../../../src-main/engine/simulate/image-folder-dataset';
import { prepareSimulationFeatures } from '../../../src-main/engine/simulate/simulation-features';
import { studySetting } from '../study-settings';
await initBackend();
mkdirSync('bench/.work/screens', { recursive: true });
for (const id of process.argv.slice(2)) {
  const setting = studySetting(id);
  const dataset = await readImageFolderDataset(setting.folder);
  const loaded = setting.model === 'starter' ? await loadStarterModel() : await loadModelFolder(setting.model);
  const f = await prepareSimulationFeatures(loaded, dataset, { deep: false, pooling: 'global', cacheDir: setting.cacheDir });
  loaded.dispose();
  const fb = f.featuresB;
  console.log(`${id}: ${f.labels.length} images, ${fb.cols} layer-B and ${f.featuresA.cols} layer-A features`);
  writeFileSync(`bench/.work/screens/${id}.b.f32`, Buffer.from(fb.data.buffer, fb.data.byteOffset, fb.data.byteLength));
  const fa = f.featuresA;
  writeFileSync(`bench/.work/screens/${id}.a.f32`, Buffer.from(fa.data.buffer, fa.data.byteOffset, fa.data.byteLength));
  writeFileSync(`bench/.work/screens/${id}.labels.i32`, Buffer.from(f.labels.buffer, f.labels.byteOffset, f.labels.byteLength));
  writeFileSync(`bench/.work/screens/${id}.json`, JSON.stringify({ classes: f.classes, n: f.labels.length }));
}
