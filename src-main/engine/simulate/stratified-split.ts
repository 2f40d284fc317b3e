/**
 * The held-out test split of a simulation: per class, a seeded shuffle and the first
 * round(fraction * n_c) images (at least one when the class has two or more, never all of
 * them), so every class is represented on both sides. The same labels, fraction and seed
 * always give the same split; every strategy of a simulation sees the same one.
 */
import { deriveSeed, mulberry32, randomIndex } from '../../core/seeded-random';

const SPLIT_STREAM = 0x5b17;

/** Returns one flag per image: 1 = test (never queried), 0 = pool. */
export function stratifiedTestSplit(labels: ArrayLike<number>, classCount: number, fraction: number, seed: number): Uint8Array {
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`The test fraction must be between 0 and 1 (exclusive); got ${fraction}.`);
  const byClass: number[][] = Array.from({ length: classCount }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as number;
    const rows = byClass[label];
    if (!rows) throw new RangeError(`Label ${label} of image ${i} is not a class index in [0, ${classCount}).`);
    rows.push(i);
  }
  const test = new Uint8Array(labels.length);
  byClass.forEach((rows, c) => {
    const random = mulberry32(deriveSeed(seed, SPLIT_STREAM, c));
    for (let i = rows.length - 1; i > 0; i--) {
      const j = randomIndex(random, i + 1);
      const t = rows[i] as number;
      rows[i] = rows[j] as number;
      rows[j] = t;
    }
    const wanted = rows.length < 2 ? 0 : Math.min(rows.length - 1, Math.max(1, Math.round(fraction * rows.length)));
    for (let k = 0; k < wanted; k++) test[rows[k] as number] = 1;
  });
  return test;
}
