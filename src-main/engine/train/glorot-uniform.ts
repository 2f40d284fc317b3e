/**
 * Seeded Glorot (Xavier) uniform initialisation, drawn in JavaScript from a seeded
 * generator rather than by TF.js, so a head starts from the same weights on every backend.
 */
import type { RandomSource } from '../../core/seeded-random';

/** `fanIn * fanOut` values uniform in [-limit, limit), limit = sqrt(6 / (fanIn + fanOut)). */
export function glorotUniform(fanIn: number, fanOut: number, random: RandomSource): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const values = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < values.length; i++) values[i] = (random() * 2 - 1) * limit;
  return values;
}
