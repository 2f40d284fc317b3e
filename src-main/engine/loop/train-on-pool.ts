/**
 * The loop's fine-tuning step on a pool's head inputs: the labeled rows, trained warm; a
 * light head on features standardised with the whole pool's statistics. The loop core,
 * cross-validation (quality/out-of-fold.ts) and `adma train` call it.
 */
import { AppError } from '../../../src-shared/app-error';
import { fineTune, type FineTuneOptions, type FineTuneResult } from '../train/fine-tune';
import type { HeadWeights, TopBlockWeights, TrainingMode } from '../train/head-weights';
import { featureStandardization, type FeatureStandardization } from '../train/logistic-regression';

/** Rows of the head's input (pooled layer B, or cut activations in deep mode). */
export interface HeadInputs {
  data: Float32Array;
  rowShape: number[];
  /**
   * Light heads of images with no up or down: the pooled B of the other symmetry views of the
   * rows trained on (features/symmetry-views.ts). The head learns each label in every view, at
   * 1/(perRow + 1) weight per view; it predicts on the rows themselves.
   */
  views?: ViewRows;
}

/** Pooled B of the other symmetry views of pool rows. */
export interface ViewRows {
  /** Views per row besides the row itself (7 for a square model input, 3 otherwise). */
  perRow: number;
  /** perRow x d values of a pool row, or undefined when its views are not extracted. */
  of(row: number): Float32Array | undefined;
}

export interface LoopTrainRequest {
  mode: TrainingMode;
  classes: string[];
  /** Pool rows of the labeled images and their class indices (into `classes`). */
  rows: readonly number[];
  labels: readonly number[];
  seed: number;
  previous?: HeadWeights;
  topBlock?: TopBlockWeights;
  signal?: AbortSignal;
  onEpoch?: FineTuneOptions['onEpoch'];
  /** Light mode: the L2 penalty (quality/l2-choice.ts); default FineTuneOptions.l2's. */
  l2?: number;
  /** Recipe overrides (e.g. `adma train --epochs` for deep mode, a looser solver for cross-validation). */
  fineTune?: Pick<FineTuneOptions, 'maxEpochs' | 'minSteps' | 'solverTolerance'>;
  /**
   * Mix the head's pool probabilities with label spreading over a k-NN graph of the pool's
   * layer-B features (train/label-spreading.ts). Off by default: the study did not show a
   * gain on every data set (bench/STUDY.md).
   */
  labelSpreading?: boolean;
}

const standardizations = new WeakMap<Float32Array, FeatureStandardization>();

/** Per-feature mean and std of a pool's light-head inputs (computed once per array). */
export function poolStandardization(inputs: HeadInputs): FeatureStandardization {
  const known = standardizations.get(inputs.data);
  if (known) return known;
  const stats = featureStandardization(inputs.data, inputs.rowShape.reduce((a, b) => a * b, 1));
  standardizations.set(inputs.data, stats);
  return stats;
}

/**
 * The rows a round trains on: the labeled pool rows, then (light mode, with views) their other
 * symmetry views, `copies` rows per labeled image in all.
 */
export function poolTrainingRows(inputs: HeadInputs, request: LoopTrainRequest): { features: Float32Array; labels: number[]; copies: number } {
  const rowLength = inputs.rowShape.reduce((a, b) => a * b, 1);
  const views = inputs.views && request.mode === 'light' ? inputs.views : null;
  const copies = 1 + (views?.perRow ?? 0);
  const n = request.rows.length;
  const features = new Float32Array(n * copies * rowLength);
  const labels = new Array<number>(n * copies);
  request.rows.forEach((row, k) => {
    features.set(inputs.data.subarray(row * rowLength, (row + 1) * rowLength), k * rowLength);
    labels[k] = request.labels[k] as number;
    if (!views) return;
    const rowViews = views.of(row);
    if (rowViews?.length !== views.perRow * rowLength) throw new AppError('BUSY', `Pool row ${row} has no symmetry views yet: they are extracted before training.`);
    features.set(rowViews, n * rowLength + k * views.perRow * rowLength);
    labels.fill(request.labels[k] as number, n + k * views.perRow, n + (k + 1) * views.perRow);
  });
  return { features, labels, copies };
}

/** The labeled rows of the pool's head inputs, fine-tuned (see the file's comment). */
export async function trainOnPool(inputs: HeadInputs, request: LoopTrainRequest): Promise<FineTuneResult> {
  const { features, labels, copies } = poolTrainingRows(inputs, request);
  return fineTune(
    { features, rowShape: inputs.rowShape, labels },
    {
      ...(copies > 1 ? { copiesPerImage: copies } : {}),
      mode: request.mode,
      classes: request.classes,
      seed: request.seed,
      ...(request.mode === 'light' ? { standardization: poolStandardization(inputs), ...(request.l2 !== undefined ? { l2: request.l2 } : {}) } : {}),
      ...(request.previous ? { previous: request.previous } : {}),
      ...(request.topBlock ? { topBlock: request.topBlock } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
      ...(request.onEpoch ? { onEpoch: request.onEpoch } : {}),
      ...(request.fineTune ?? {}),
    },
  );
}

