/**
 * A model with damaged weights runs without an error: a shard of NaN bytes gives NaN
 * features, a shard of 0xFF bytes (also NaN as float32, flattened by ReLU) gives every image
 * the same features, and training then fits noise or nothing while extraction reports
 * "complete". The first batch of an extraction is checked instead: every value finite, and
 * images whose pixels differ must not all get identical features. One check, run once per
 * extraction on the first batch it computes (extract-features.ts).
 */
import { AppError } from '../../../src-shared/app-error';

function firstNonFinite(values: Float32Array): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i] as number)) return i;
  return -1;
}

/** Whether all n rows of a row-major matrix equal the first (to a millionth of its largest value). */
function rowsIdentical(values: ArrayLike<number>, n: number): boolean {
  if (n < 2 || values.length === 0) return false;
  const width = values.length / n;
  let scale = 0;
  for (let j = 0; j < width; j++) scale = Math.max(scale, Math.abs(values[j] as number));
  const tolerance = 1e-6 * Math.max(scale, 1e-12);
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < width; j++) if (Math.abs((values[i * width + j] as number) - (values[j] as number)) > tolerance) return false;
  }
  return true;
}

/** The one message for weights found damaged, here and in the model's load-time probe. */
export function damagedWeightsError(modelName: string, what: string): AppError {
  return new AppError(
    'MODEL_INVALID',
    `The model ${modelName} ${what}: its weight files are damaged (e.g. overwritten or filled with garbage). Download or copy the model again; no features were kept.`,
  );
}

/**
 * Throw MODEL_INVALID when the first batch's outputs show damaged weights. `pixels` are the
 * batch's decoded inputs (n images), `outputs` its feature matrices (n rows each), by name.
 */
export function checkFirstBatchFeatures(modelName: string, pixels: Uint8Array, n: number, outputs: Record<string, Float32Array | null>): void {
  for (const [name, values] of Object.entries(outputs)) {
    if (!values) continue;
    const at = firstNonFinite(values);
    if (at >= 0) {
      throw damagedWeightsError(modelName, `gives ${String(values[at])} in its ${name} outputs for ordinary images`);
    }
  }
  if (rowsIdentical(pixels, n)) return; // the same picture n times: nothing to compare
  const features = Object.entries(outputs).filter(([name, v]) => v && name !== 'softmax') as [string, Float32Array][];
  if (features.length > 0 && features.every(([, v]) => rowsIdentical(v, n))) {
    throw damagedWeightsError(modelName, `gives exactly the same features to ${n} different images`);
  }
}
