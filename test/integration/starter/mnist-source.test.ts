import { describe, expect, it } from 'vitest';
import { loadMnistDigits, MNIST_LABELS } from '../../../src-main/engine/starter/mnist-source';

describe('loadMnistDigits', () => {
  it('yields every labelled digit the mnist package ships, as exact bytes', async () => {
    const digits = await loadMnistDigits();
    expect(digits.length).toBe(10_000);
    expect(new Set(digits.map((d) => d.id)).size).toBe(digits.length);
    const counts = MNIST_LABELS.map((_, label) => digits.filter((d) => d.label === label).length);
    expect(counts.every((n) => n > 800)).toBe(true);
    for (const digit of digits.slice(0, 200)) {
      expect(digit.pixels.length).toBe(784);
      expect(Math.max(...digit.pixels)).toBeGreaterThan(200);
      expect(digit.id.startsWith(`mnist-${digit.label}-`)).toBe(true);
    }
    // The package stores value/255 rounded to 3 decimals; all 256 grey levels come back.
    const levels = new Set<number>();
    for (const digit of digits.slice(0, 500)) for (const v of digit.pixels) levels.add(v);
    expect(levels.size).toBe(256);
  }, 60_000);
});
