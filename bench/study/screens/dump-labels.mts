/**
 * Writes a study setting's labels and classes for screen6.py without extracting any features
 * (dump-features.mts writes the same two files but also runs the model over the whole set;
 * screen 6 reads the pooled features of dump-views.mts, whose view 0 is the baseline):
 *   npx tsx bench/study/screens/dump-labels.mts pbc-mobilenet025-light
 *   → bench/.work/screens/<setting>.{labels.i32,json}, rows in the dataset's order (the order
 *     dump-views.mts checks every view against)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { readImageFolderDataset } from '../../../src-main/engine/simulate/image-folder-dataset';
import { studySetting } from '../study-settings';

mkdirSync('bench/.work/screens', { recursive: true });
for (const id of process.argv.slice(2)) {
  const dataset = await readImageFolderDataset(studySetting(id).folder);
  const labels = Int32Array.from(dataset.images, (image) => image.label);
  writeFileSync(`bench/.work/screens/${id}.labels.i32`, Buffer.from(labels.buffer, labels.byteOffset, labels.byteLength));
  writeFileSync(`bench/.work/screens/${id}.json`, JSON.stringify({ classes: dataset.classes, n: labels.length }));
  console.log(`${id}: ${labels.length} images, ${dataset.classes.length} classes`);
}
