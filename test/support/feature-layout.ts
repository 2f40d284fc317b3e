import type { FeatureLayout } from '../../src-main/engine/features/feature-store';

/** A feature cache's layout for tests that only open, write or refuse the cache file (no model is read). */
export const smallLayout: FeatureLayout = {
  modelId: 'some/model:v1',
  weights: 'aaaa',
  aShape: [2],
  bShape: [2],
  classCount: 2,
  cutShape: [2],
  reading: { layers: { layerA: 'a', layerB: 'b', softmaxLayer: 'softmax', cutLayer: 'cut' }, input: { height: 8, width: 8, channels: 3 }, normalization: { scale: 1 / 255, offset: 0 }, resize: 'squash' },
};
