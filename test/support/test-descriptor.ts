import type { ModelDescriptor } from '../../src-main/engine/model/descriptor';

/** A model descriptor for rendering a model card without a model (an 8x8 RGB input, MobileNet's normalisation). */
export const CARD_DESCRIPTOR: ModelDescriptor = {
  formatVersion: 1,
  id: 'test-model',
  name: 'Test model',
  input: { height: 8, width: 8, channels: 3 },
  normalization: { scale: 1 / 127.5, offset: -1 },
  resize: 'center-crop',
  layerA: 'a',
  layerB: 'b',
  softmaxLayer: 's',
  sourceLabels: ['x', 'y'],
  cutLayer: 'c',
};
