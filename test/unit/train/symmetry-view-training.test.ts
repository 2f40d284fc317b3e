/**
 * The light head learning each label in its symmetry views (loop/train-on-pool.ts, HeadInputs.views):
 * every view weighs 1/(views + 1), so views identical to their image give exactly the head
 * trained without views; views that differ move the head toward them; a labeled row without
 * its views is refused rather than trained on silently; deep heads never read views.
 */
import { describe, expect, it } from 'vitest';
import { deriveSeed, mulberry32 } from '../../../src-main/core/seeded-random';
import { trainOnPool, type HeadInputs, type ViewRows } from '../../../src-main/engine/loop/train-on-pool';
import { AppError } from '../../../src-shared/app-error';

const D = 6;
const N = 40;

/** N pool rows of D features in two classes (class = row % 2), with a class signal on feature 0. */
function pool(seed: number): Float32Array {
  const random = mulberry32(deriveSeed(seed, 0x7e57));
  return Float32Array.from({ length: N * D }, (_, i) => {
    const row = Math.floor(i / D);
    const noise = random() * 2 - 1;
    return i % D === 0 ? (row % 2 === 0 ? 1 : -1) + noise : noise;
  });
}

function viewRows(perRow: number, of: (row: number) => Float32Array | undefined): ViewRows {
  return { perRow, of };
}

const request = { mode: 'light' as const, classes: ['even', 'odd'], rows: [0, 1, 2, 3, 4, 5, 6, 7], labels: [0, 1, 0, 1, 0, 1, 0, 1], seed: 3 };

describe('training on symmetry views', () => {
  it('views identical to their image give the head trained without views', async () => {
    const data = pool(1);
    const inputs: HeadInputs = { data, rowShape: [D] };
    const copy = (row: number): Float32Array => {
      const own = data.subarray(row * D, (row + 1) * D);
      const out = new Float32Array(7 * D);
      for (let v = 0; v < 7; v++) out.set(own, v * D);
      return out;
    };
    const plain = await trainOnPool(inputs, request);
    const withViews = await trainOnPool({ ...inputs, views: viewRows(7, copy) }, request);
    withViews.head.dense.kernel.forEach((w, i) => expect(w).toBeCloseTo(plain.head.dense.kernel[i] as number, 4));
    withViews.head.dense.bias.forEach((b, i) => expect(b).toBeCloseTo(plain.head.dense.bias[i] as number, 4));
  });

  it('views that differ from their image move the head toward them', async () => {
    const data = pool(2);
    const inputs: HeadInputs = { data, rowShape: [D] };
    // Every view carries the class signal on feature 1 as well: the head learns to read it.
    const signalOnOne = (row: number): Float32Array => {
      const out = new Float32Array(3 * D);
      for (let v = 0; v < 3; v++) {
        out.set(data.subarray(row * D, (row + 1) * D), v * D);
        out[v * D + 1] = row % 2 === 0 ? 3 : -3;
      }
      return out;
    };
    const plain = await trainOnPool(inputs, request);
    const withViews = await trainOnPool({ ...inputs, views: viewRows(3, signalOnOne) }, request);
    // kernel is [features, classes]: feature 1's weight for "even" minus its weight for "odd"
    const pull = (kernel: Float32Array): number => (kernel[1 * 2] as number) - (kernel[1 * 2 + 1] as number);
    expect(pull(withViews.head.dense.kernel)).toBeGreaterThan(pull(plain.head.dense.kernel) + 0.1);
  });

  it('refuses a labeled row whose views are missing, and deep heads never read views', async () => {
    const data = pool(3);
    const missing = viewRows(7, (row) => (row === 5 ? undefined : new Float32Array(7 * D)));
    const failure = await trainOnPool({ data, rowShape: [D], views: missing }, request).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AppError);
    expect((failure as AppError).code).toBe('BUSY');
    expect((failure as AppError).message).toContain('row 5');
    let asked = 0;
    const counting = viewRows(7, () => {
      asked++;
      return undefined;
    });
    // A deep head's rows here are [1, 1, D] activations; it trains without looking at views.
    const topBlock = { inChannels: D, outChannels: 4, activation: 'relu' as const, kernel: new Float32Array(D * 4).fill(0.1), bias: new Float32Array(4) };
    await trainOnPool({ data, rowShape: [1, 1, D], views: counting }, { ...request, mode: 'deep', topBlock, fineTune: { maxEpochs: 1, minSteps: 1 } });
    expect(asked).toBe(0);
  });
});
