/**
 * What the next query's trade-off will be (method page, "The dynamic trade-off"): t is the
 * number of query rounds before it (labels made outside the queue do not advance it), and
 * λ_t is the schedule's value, except that it is 0 while uncertainty is undefined (fewer
 * than two labeled training classes, or no trained version). The back end passes this t to
 * the engine's selection and the loop settings panel shows this t and λ: both call
 * `nextQueryTradeoff`.
 */
import type { ScheduleSetting } from './contract';

/** λ_t of a schedule at step t: linear min(1, t·step), exponential 1 − γ^t. */
export function lambdaAt(schedule: ScheduleSetting, t: number): number {
  const step = Math.max(0, t);
  if (step === 0) return 0;
  return schedule.kind === 'linear' ? Math.min(1, step * schedule.step) : 1 - schedule.gamma ** step;
}

export interface NextQueryInputs {
  schedule: ScheduleSetting;
  /** Query rounds so far: the next query is round t = queryRounds. */
  queryRounds: number;
  /** Classes with training labels (evaluation labels left out). */
  labeledClassCount: number;
  /** Whether a trained version exists (the target classifier that defines uncertainty). */
  trained: boolean;
}

export interface NextQueryTradeoff {
  t: number;
  lambda: number;
  /** Why λ is 0 although the schedule's λ_t is not, or null. */
  held: string | null;
}

export function nextQueryTradeoff({ schedule, queryRounds, labeledClassCount, trained }: NextQueryInputs): NextQueryTradeoff {
  const t = Math.max(0, Math.floor(queryRounds));
  const scheduled = lambdaAt(schedule, t);
  const held =
    scheduled === 0 ? null : labeledClassCount < 2 ? 'fewer than two classes have training labels' : !trained ? 'no model has been trained yet' : null;
  return { t, lambda: held ? 0 : scheduled, held };
}
