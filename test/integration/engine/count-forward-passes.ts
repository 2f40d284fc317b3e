/** Counts forward passes of a loaded model's feature model (calls and images), for tests. */
import type * as tf from '@tensorflow/tfjs';
import type { TfLoadedModel } from '../../../src-main/engine/model/load-model';

export interface ForwardPassCount {
  calls: number;
  images: number;
}

export function countForwardPasses(loaded: TfLoadedModel): ForwardPassCount {
  const count: ForwardPassCount = { calls: 0, images: 0 };
  const model = loaded.features.model;
  const original = model.predict.bind(model);
  model.predict = (x: tf.Tensor | tf.Tensor[], args?: Parameters<tf.LayersModel['predict']>[1]) => {
    count.calls += 1;
    count.images += (Array.isArray(x) ? (x[0] as tf.Tensor) : x).shape[0] ?? 0;
    return original(x, args);
  };
  return count;
}
