/**
 * Seeded draws and shuffles for the starter-model build, the demo set and the simulations'
 * data splits, on top of the engine's generator (adma/seeded-random.ts, mulberry32), so the
 * same seed gives the same split on every machine. Not for security.
 */
import { mulberry32, randomIndex, type RandomSource } from '../adma/seeded-random';

export class SeededRandom {
  private readonly source: RandomSource;

  constructor(seed: number) {
    this.source = mulberry32(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.source();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return randomIndex(this.source, n);
  }

  /** Fisher-Yates shuffle of a copy of `items`. */
  shuffled<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const a = out[i] as T;
      out[i] = out[j] as T;
      out[j] = a;
    }
    return out;
  }
}
