/**
 * A project of demo digits for tests of the app's loop on the starter model: the images written
 * as an image folder under `work`, their starter-model features in `work`'s project feature store
 * (as the app's extraction leaves them) and each image's content hash (image id = index).
 */
import { join } from 'node:path';
import { hashImageFile } from '../../src-main/engine/features/image-content-hash';
import { loadStarterModel, type LoadedModel } from '../../src-main/engine/model/load-model';
import { readImageFolderDataset, type ImageFolderDataset } from '../../src-main/engine/simulate/image-folder-dataset';
import { prepareSimulationFeatures, type SimulationFeatures } from '../../src-main/engine/simulate/simulation-features';
import { findDemoDir, readDemoSet } from '../../src-main/engine/starter/demo-set';
import { writeLabelledImages } from '../../src-main/engine/starter/labelled-image-files';

export interface StarterDigits {
  loaded: LoadedModel;
  dataset: ImageFolderDataset;
  features: SimulationFeatures;
  hashes: string[];
}

/** `perLabel(label)` digits of each label (the demo set must be present: findDemoDir). */
export async function starterDigits(work: string, perLabel: (label: number) => number): Promise<StarterDigits> {
  const folder = join(work, 'digits');
  const { index, images } = await readDemoSet(findDemoDir() as string);
  const chosen = index.labels.flatMap((_, label) => images.filter((image) => image.label === label).slice(0, perLabel(label)));
  await writeLabelledImages(folder, chosen.map((image) => ({ file: image.file, label: index.labels[image.label] as string, image: image.image })), 'image-folder');
  const dataset = await readImageFolderDataset(folder);
  const loaded = await loadStarterModel();
  // The simulator's feature cache is a project feature store under `work`.
  const features = await prepareSimulationFeatures(loaded, dataset, { deep: false, cacheDir: work });
  const hashes = await Promise.all(dataset.images.map((image) => hashImageFile(image.absPath)));
  return { loaded, dataset, features, hashes };
}
