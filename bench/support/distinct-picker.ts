import type { RandomSource } from '../../src-main/core/seeded-random';

/** Draws `n` distinct ids of `ids` at random (n at most ids.length), from `rand`: the same sequence for the same seed. */
export function distinctPicker(ids: readonly number[], rand: RandomSource): (n: number) => number[] {
  return (n) => {
    if (n > ids.length) throw new Error(`cannot pick ${n} distinct ids of ${ids.length}`);
    const chosen = new Set<number>();
    while (chosen.size < n) chosen.add(ids[Math.floor(rand() * ids.length)]!);
    return [...chosen];
  };
}
