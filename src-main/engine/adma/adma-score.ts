/**
 * The ADMA score s_t(x) = (1 - lambda_t) D(x) + lambda_t U(x) (method page, "The dynamic
 * trade-off"). With lambda = 0 the score is D itself.
 */
import { hasTargetClassifier, type SelectionContext } from './selection-context';
import { effectiveLambda, type TradeoffSchedule } from './tradeoff-schedule';
import { computeUncertainty, type UncertaintyMeasure } from './uncertainty';

export function combineAdmaScores(
  distinctiveness: Float64Array,
  uncertainty: Float64Array | null,
  lambda: number,
): Float64Array {
  if (!(lambda >= 0 && lambda <= 1)) throw new RangeError(`lambda must be in [0, 1]; got ${lambda}.`);
  if (lambda === 0) return Float64Array.from(distinctiveness);
  if (uncertainty === null) throw new RangeError(`lambda ${lambda} weighs uncertainty, but there is none yet.`);
  if (uncertainty.length !== distinctiveness.length) {
    throw new RangeError(`D has ${distinctiveness.length} values but U has ${uncertainty.length}.`);
  }
  const scores = new Float64Array(distinctiveness.length);
  for (let i = 0; i < scores.length; i++) {
    scores[i] = (1 - lambda) * (distinctiveness[i] as number) + lambda * (uncertainty[i] as number);
  }
  return scores;
}

export interface AdmaPoolScores {
  /** The lambda used this round (0 while U is undefined). */
  lambda: number;
  distinctiveness: Float64Array;
  /** U of every row; null while no classifier exists. */
  uncertainty: Float64Array | null;
  scores: Float64Array;
}

/** Score every pool row for round ctx.round. */
export function scoreAdmaPool(
  ctx: SelectionContext,
  distinctiveness: Float64Array,
  schedule: TradeoffSchedule,
  measure: UncertaintyMeasure,
): AdmaPoolScores {
  const classifier = hasTargetClassifier(ctx) ? ctx.targetProbabilities : null;
  const lambda = effectiveLambda(schedule, ctx.round, ctx.labeledClassCount, classifier !== null);
  const uncertainty = classifier ? computeUncertainty(measure, classifier) : null;
  return { lambda, distinctiveness, uncertainty, scores: combineAdmaScores(distinctiveness, uncertainty, lambda) };
}
