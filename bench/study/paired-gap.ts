/**
 * The study's reading of a paired comparison: per-seed differences (same split and recipe on
 * each seed) are "beyond noise" when their mean exceeds two standard errors (2 · std / √seeds);
 * otherwise the two are called level. Used by every table that says ahead, behind or level.
 */
import { meanStd } from '../../src-main/engine/simulate/learning-curve-summary';

export const signed = (v: number): string => `${v >= 0 ? '+' : ''}${v.toFixed(3)}`;

export interface PairedGap {
  mean: number;
  std: number;
  /** Seeds on which the difference is positive. */
  ahead: number;
  beyondNoise: boolean;
  /** 'ahead' or 'behind' beyond noise, else 'level'. */
  word: 'ahead' | 'behind' | 'level';
}

export function pairedGap(d: readonly number[]): PairedGap {
  const { mean, std } = meanStd(d);
  const beyondNoise = Math.abs(mean) > (2 * std) / Math.sqrt(d.length);
  return { mean, std, ahead: d.filter((x) => x > 0).length, beyondNoise, word: beyondNoise ? (mean > 0 ? 'ahead' : 'behind') : 'level' };
}
