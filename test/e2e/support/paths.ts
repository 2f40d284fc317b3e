import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root, where the specs find the built app and write their screenshots. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** Where the specs put the screenshots a person looks at. */
export const SHOTS = path.join(ROOT, 'test-results/e2e');
/** The shared models and data beside the repository (`../shared`). */
export const SHARED = path.resolve(ROOT, '../shared');
export const MOBILENET_025 = path.join(SHARED, 'models/mobilenet_v1_0.25_224');
export const HYMENOPTERA_VAL = path.join(SHARED, 'data/hymenoptera/val');
/** The real photos and the MobileNet the specs on real data need are there. */
export const photosAndModelAvailable = existsSync(path.join(MOBILENET_025, 'model.json')) && existsSync(HYMENOPTERA_VAL);
