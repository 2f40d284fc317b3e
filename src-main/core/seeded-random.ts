/**
 * Deterministic pseudo-random numbers for everything drawn at random: the query strategies
 * (random baseline, core-set cold start, k-means++ seeding), training, the starter-model
 * build, the demo set, data splits and the evaluation sample. Same seed, same sequence, on
 * every machine: benchmarks and simulations replay exactly. Not for security.
 */

/** Returns numbers uniformly distributed in [0, 1). */
export type RandomSource = () => number;

/** mulberry32: a small, fast 32-bit generator with good statistical quality for sampling. */
export function mulberry32(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Mix a base seed with stream numbers (e.g. the round index and a purpose tag) into a new
 * 32-bit seed, so that rounds and uses draw independent sequences from one user seed.
 */
export function deriveSeed(seed: number, ...streams: number[]): number {
  let h = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
  for (const stream of [...streams, streams.length]) {
    h = Math.imul(h ^ (Math.trunc(stream) >>> 0), 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** A whole number uniformly distributed in [0, n). */
export function randomIndex(random: RandomSource, n: number): number {
  return Math.min(n - 1, Math.floor(random() * n));
}

/** Seeded draws and shuffles over one mulberry32 stream. */
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
