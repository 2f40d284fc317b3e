/**
 * The rows fine-tuning and prediction read for a simulation's training mode: pooled layer-B
 * vectors (light) or cut-layer activations (deep), gathered for a list of image ids.
 */
import type { ViewRows } from '../loop/train-on-pool';
import type { TrainingMode } from '../train/head-weights';
import type { SimulationFeatures } from './simulation-features';

export interface ModeRows {
  /** n x rowLength, row i = image id i. */
  data: Float32Array;
  rowShape: number[];
  rowLength: number;
}

export function modeRows(features: SimulationFeatures, mode: TrainingMode): ModeRows {
  if (mode === 'deep') {
    if (!features.cut) throw new Error('Deep mode needs the cut-layer activations: prepare the features with deep on.');
    const rowLength = features.cut.shape.reduce((a, b) => a * b, 1);
    return { data: features.cut.data, rowShape: [...features.cut.shape], rowLength };
  }
  const { data, cols } = features.featuresB;
  return { data: data instanceof Float32Array ? data : Float32Array.from(data), rowShape: [cols], rowLength: cols };
}

/** Copy the rows of `ids` into one contiguous array, in that order. */
export function gatherRows(rows: ModeRows, ids: readonly number[]): Float32Array {
  const out = new Float32Array(ids.length * rows.rowLength);
  ids.forEach((id, k) => out.set(rows.data.subarray(id * rows.rowLength, (id + 1) * rows.rowLength), k * rows.rowLength));
  return out;
}

/** The symmetry views of a simulation's images as the loop core reads them (row = image id). */
export function viewRowsOf(features: SimulationFeatures): ViewRows {
  const views = features.views;
  if (!views) throw new Error('Symmetry views were not extracted: prepare the features with symmetryViews on.');
  const length = views.perRow * features.featuresB.cols;
  return { perRow: views.perRow, of: (row) => views.data.subarray(row * length, (row + 1) * length) };
}
