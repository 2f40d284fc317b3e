import { describe, expect, it } from 'vitest';
import { deriveSeed, mulberry32, randomIndex } from '../../../src-main/core/seeded-random';

describe('seeded random numbers', () => {
  it('repeat exactly for a seed and differ between seeds', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const first = Array.from({ length: 20 }, () => a());
    expect(Array.from({ length: 20 }, () => b())).toEqual(first);
    expect(Array.from({ length: 20 }, () => c())).not.toEqual(first);
  });

  it('lie in [0, 1) and cover it evenly', () => {
    const random = mulberry32(1);
    const buckets = new Array<number>(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 20_000; i++) {
      const v = random();
      if (!(v >= 0 && v < 1)) outside++;
      else buckets[Math.floor(v * 10)]! += 1;
    }
    expect(outside).toBe(0);
    for (const count of buckets) expect(Math.abs(count - 2000)).toBeLessThan(200);
  });

  it('derive distinct seeds per stream, deterministically', () => {
    expect(deriveSeed(7, 1, 2)).toBe(deriveSeed(7, 1, 2));
    const seeds = new Set([deriveSeed(7), deriveSeed(7, 0), deriveSeed(7, 1), deriveSeed(7, 0, 1), deriveSeed(7, 1, 0), deriveSeed(8, 0)]);
    expect(seeds.size).toBe(6);
  });

  it('draw indices within range', () => {
    const random = mulberry32(9);
    for (let i = 0; i < 1000; i++) {
      const index = randomIndex(random, 7);
      expect(Number.isInteger(index) && index >= 0 && index < 7).toBe(true);
    }
  });
});
