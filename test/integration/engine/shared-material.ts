/**
 * Where the tests find the read-only shared material (models, photos): `../shared` from
 * the repository root, or `$ADMA_SHARED_DIR`. Tests read it in place and skip, saying
 * why, when it is absent.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

export const SHARED_DIR = process.env.ADMA_SHARED_DIR ?? resolve(repoRoot, '../shared');
export const MOBILENET_025_DIR = join(SHARED_DIR, 'models', 'mobilenet_v1_0.25_224');
export const HYMENOPTERA_VAL_DIR = join(SHARED_DIR, 'data', 'hymenoptera', 'val');
export const STARTER_DIR = join(repoRoot, 'resources', 'starter');

export const hasMobileNet025 = existsSync(join(MOBILENET_025_DIR, 'model.json'));
export const hasHymenopteraVal = existsSync(join(HYMENOPTERA_VAL_DIR, 'ants')) && existsSync(join(HYMENOPTERA_VAL_DIR, 'bees'));
export const hasStarterModel = existsSync(join(STARTER_DIR, 'adma-model.json'));

export const MISSING_MODEL_REASON = `skipped: shared model ${MOBILENET_025_DIR} is absent`;
export const MISSING_DATA_REASON = `skipped: shared photos ${HYMENOPTERA_VAL_DIR} are absent`;

export interface LabeledPhoto {
  path: string;
  label: 'ants' | 'bees';
}

/** The hymenoptera validation photos (153), sorted for determinism. */
export function hymenopteraValPhotos(): LabeledPhoto[] {
  const photos: LabeledPhoto[] = [];
  for (const label of ['ants', 'bees'] as const) {
    for (const name of readdirSync(join(HYMENOPTERA_VAL_DIR, label)).sort()) photos.push({ path: join(HYMENOPTERA_VAL_DIR, label, name), label });
  }
  return photos;
}
