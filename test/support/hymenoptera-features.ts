/**
 * Pooled features of all 398 hymenoptera photos at MobileNet v1 0.25 (the engine's feature
 * cache in `cacheDir`), for tests on real photos; `available` says whether the shared model
 * and photos are there (tests skip, saying why, when not).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '../../src-main/engine/backend';
import { loadModelFolder } from '../../src-main/engine/model/load-model';
import { readImageFolderDataset } from '../../src-main/engine/simulate/image-folder-dataset';
import { prepareSimulationFeatures, type SimulationFeatures } from '../../src-main/engine/simulate/simulation-features';
import { hasMobileNet025, MOBILENET_025_DIR, SHARED_DIR } from '../integration/engine/shared-material';

export const HYMENOPTERA_DIR = join(SHARED_DIR, 'data', 'hymenoptera');
export const hymenopteraAvailable = hasMobileNet025 && existsSync(HYMENOPTERA_DIR);
export const HYMENOPTERA_MISSING = `skipped: ${MOBILENET_025_DIR} or ${HYMENOPTERA_DIR} is absent`;

export async function hymenopteraFeatures(cacheDir: string): Promise<SimulationFeatures> {
  await initBackend('wasm');
  const loaded = await loadModelFolder(MOBILENET_025_DIR);
  try {
    return await prepareSimulationFeatures(loaded, await readImageFolderDataset(HYMENOPTERA_DIR), { deep: false, cacheDir });
  } finally {
    loaded.dispose();
  }
}
