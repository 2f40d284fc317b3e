/** Duplicates across views: more like this (from the label view and the gallery), the threshold, labeling a group. */
import { duplicates } from '../stores/duplicates.svelte';
import { loop } from '../stores/loop.svelte';
import { setLabels } from './label-commands';
import { showImage } from './navigation';

/** Open "more like this" for one image. */
export async function moreLikeThis(imageId: number, relPath: string): Promise<void> {
  await duplicates.findSimilar(imageId, relPath);
}

/** Move the project's similarity threshold (the batch filter and leakage use it too), then group again. */
export async function setDuplicateThreshold(minSimilarity: number): Promise<void> {
  await loop.update({ duplicateSimilarity: minSimilarity });
  await duplicates.load(minSimilarity);
}

/** Label images (a group, a selection of similar ones) in one undoable action. */
export async function labelImages(imageIds: number[], classId: number | null): Promise<void> {
  if (imageIds.length > 0) await setLabels(imageIds, classId);
}

/** Show one image in the label view (closing "more like this"). */
export async function openImage(imageId: number): Promise<void> {
  duplicates.closeSimilar();
  await showImage(imageId);
}
