/**
 * The order in which the training benches label a data set's images: a fixed seeded
 * permutation of the image ids, so that "the first n labels" are the same images in every
 * bench and run.
 */
import { deriveSeed, mulberry32, randomIndex } from '../../src-main/core/seeded-random';

export function benchLabelOrder(imageCount: number): number[] {
  const random = mulberry32(deriveSeed(1, 0xbe4c));
  const order = Array.from({ length: imageCount }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = randomIndex(random, i + 1);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}
