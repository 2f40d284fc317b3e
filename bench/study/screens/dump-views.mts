/**
 * Writes a study setting's pooled layer-A/B features under the 8 symmetries of the square
 * (rotations by 0/90/180/270 degrees, each with and without a left-right mirror) for the
 * augmentation screen in lever-screen.py (an offline screen, not the app's loop). Meant for
 * image sets whose orientation carries no meaning (a blood smear has no "up"); on digits or
 * letters these views change the class.
 *   npx tsx bench/study/screens/dump-views.mts pbc-mobilenet025-light pbc-mobilenet075-light
 *   → bench/.work/views/<folder>/v<k>/<class>/<file> (JPEG quality 100, view 0 included, so
 *     every view went through the same re-encoding) and
 *     bench/.work/screens/<setting>.v<k>.{b,a}.f32, rows in the dataset's order
 */
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import sharp from 'sharp';
import { initBackend } from '../../../src-main/engine/backend';
import { loadModelFolder, loadStarterModel } from '../../../src-main/engine/model/load-model';
import { readImageFolderDataset } from '../../../src-main/engine/simulate/image-folder-dataset';
import { prepareSimulationFeatures } from '../../../src-main/engine/simulate/simulation-features';
import { studySetting, WORK } from '../study-settings';

const VIEWS = 8;

async function writeViews(folder: string): Promise<string> {
  const dataset = await readImageFolderDataset(folder);
  const root = join(WORK, 'views', basename(folder));
  for (let k = 0; k < VIEWS; k++) {
    for (const image of dataset.images) {
      const out = join(root, `v${k}`, image.path);
      if (existsSync(out)) continue;
      mkdirSync(dirname(out), { recursive: true });
      let pipeline = sharp(image.absPath).rotate(90 * (k % 4));
      if (k >= 4) pipeline = pipeline.flop();
      await pipeline.jpeg({ quality: 100 }).toFile(out);
    }
  }
  return root;
}

await initBackend();
mkdirSync('bench/.work/screens', { recursive: true });
for (const id of process.argv.slice(2)) {
  const setting = studySetting(id);
  const root = await writeViews(setting.folder);
  const reference = await readImageFolderDataset(setting.folder);
  for (let k = 0; k < VIEWS; k++) {
    const dataset = await readImageFolderDataset(join(root, `v${k}`));
    if (dataset.images.map((image) => image.path).join('\n') !== reference.images.map((image) => image.path).join('\n')) {
      throw new Error(`view ${k} of ${id} does not list the images in the dataset's order`);
    }
    const loaded = setting.model === 'starter' ? await loadStarterModel() : await loadModelFolder(setting.model);
    const f = await prepareSimulationFeatures(loaded, dataset, { deep: false, pooling: 'global', cacheDir: join(root, `cache-v${k}`) });
    loaded.dispose();
    if (f.failures.length > 0) throw new Error(`view ${k} of ${id}: ${f.failures.length} images failed`);
    for (const [layer, m] of [['b', f.featuresB], ['a', f.featuresA]] as const) {
      writeFileSync(`bench/.work/screens/${id}.v${k}.${layer}.f32`, Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength));
    }
    console.log(`${id}: view ${k}, ${f.labels.length} images, ${f.extraction.computed} extracted in ${f.extraction.seconds.toFixed(0)} s`);
  }
}
