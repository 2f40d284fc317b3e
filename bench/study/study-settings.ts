/**
 * The settings of the simulation study: which folder, model and fine-tuning mode. Results
 * go to bench/results/<id>/. Shared material is read in place from ../shared.
 */
import { join, resolve } from 'node:path';
import type { TrainingMode } from '../../src-main/engine/train/head-weights';

export const ROOT = resolve(import.meta.dirname, '../..');
export const SHARED = resolve(ROOT, '../shared');
export const WORK = join(ROOT, 'bench/.work');

export interface StudySetting {
  id: string;
  title: string;
  folder: string;
  /** 'starter' or a model folder. */
  model: string;
  mode: TrainingMode;
  /** Feature cache (kept out of the shared, read-only data). */
  cacheDir: string;
}

const hymenoptera = join(SHARED, 'data/hymenoptera');
const mnist = join(WORK, 'mnist-5000');
const pbc = join(SHARED, 'data/pbc-blood-cells');

export const STUDY_SETTINGS: readonly StudySetting[] = [
  { id: 'hymenoptera-mobilenet025-light', title: 'hymenoptera · MobileNet v1 0.25 · light', folder: hymenoptera, model: join(SHARED, 'models/mobilenet_v1_0.25_224'), mode: 'light', cacheDir: join(WORK, 'cache/hymenoptera') },
  { id: 'hymenoptera-mobilenet025-deep', title: 'hymenoptera · MobileNet v1 0.25 · deep', folder: hymenoptera, model: join(SHARED, 'models/mobilenet_v1_0.25_224'), mode: 'deep', cacheDir: join(WORK, 'cache/hymenoptera') },
  { id: 'hymenoptera-mobilenet075-light', title: 'hymenoptera · MobileNet v1 0.75 · light', folder: hymenoptera, model: join(SHARED, 'models/mobilenet_v1_0.75_224'), mode: 'light', cacheDir: join(WORK, 'cache/hymenoptera') },
  { id: 'hymenoptera-mobilenet075-deep', title: 'hymenoptera · MobileNet v1 0.75 · deep', folder: hymenoptera, model: join(SHARED, 'models/mobilenet_v1_0.75_224'), mode: 'deep', cacheDir: join(WORK, 'cache/hymenoptera') },
  { id: 'mnist5000-starter-light', title: 'MNIST 5,000 · starter (Fashion-MNIST) · light', folder: mnist, model: 'starter', mode: 'light', cacheDir: join(WORK, 'cache/mnist-5000') },
  { id: 'pbc-mobilenet025-light', title: 'PBC blood cells · MobileNet v1 0.25 · light', folder: pbc, model: join(SHARED, 'models/mobilenet_v1_0.25_224'), mode: 'light', cacheDir: join(WORK, 'cache/pbc') },
  { id: 'pbc-mobilenet075-light', title: 'PBC blood cells · MobileNet v1 0.75 · light', folder: pbc, model: join(SHARED, 'models/mobilenet_v1_0.75_224'), mode: 'light', cacheDir: join(WORK, 'cache/pbc') },
  { id: 'mnist5000-starter-deep', title: 'MNIST 5,000 · starter (Fashion-MNIST) · deep', folder: mnist, model: 'starter', mode: 'deep', cacheDir: join(WORK, 'cache/mnist-5000') },
];

/**
 * Data sets outside ../shared, built offline from Debian packages by bench/study/external/
 * (README.md there) into bench/.work/external/: the check that the default was not fitted to
 * the sets above. Their tables are STUDY.md's "Data sets outside ../shared" section.
 */
const optdigits = join(WORK, 'external/optdigits');
const fontLetters = join(WORK, 'external/font-letters');
export const EXTERNAL_SETTINGS: readonly StudySetting[] = [
  { id: 'optdigits-mobilenet025-light', title: 'optdigits (UCI, 8x8 scans) · MobileNet v1 0.25 · light', folder: optdigits, model: join(SHARED, 'models/mobilenet_v1_0.25_224'), mode: 'light', cacheDir: join(WORK, 'cache/optdigits') },
  { id: 'font-letters-mobilenet025-light', title: 'font letters A–J (Debian fonts) · MobileNet v1 0.25 · light', folder: fontLetters, model: join(SHARED, 'models/mobilenet_v1_0.25_224'), mode: 'light', cacheDir: join(WORK, 'cache/font-letters') },
  { id: 'optdigits-mobilenet075-light', title: 'optdigits (UCI, 8x8 scans) · MobileNet v1 0.75 · light', folder: optdigits, model: join(SHARED, 'models/mobilenet_v1_0.75_224'), mode: 'light', cacheDir: join(WORK, 'cache/optdigits') },
  { id: 'font-letters-mobilenet075-light', title: 'font letters A–J (Debian fonts) · MobileNet v1 0.75 · light', folder: fontLetters, model: join(SHARED, 'models/mobilenet_v1_0.75_224'), mode: 'light', cacheDir: join(WORK, 'cache/font-letters') },
];

export function studySetting(id: string): StudySetting {
  const all = [...STUDY_SETTINGS, ...EXTERNAL_SETTINGS];
  const setting = all.find((s) => s.id === id);
  if (!setting) throw new Error(`Unknown study setting "${id}"; known: ${all.map((s) => s.id).join(', ')}.`);
  return setting;
}
