/**
 * The dynamic trade-off lambda_t between distinctiveness and uncertainty
 * (method page, "The dynamic trade-off"): s_t(x) = (1 - lambda_t) D(x) + lambda_t U(x).
 *   linear       lambda_t = min(1, t * step)
 *   exponential  lambda_t = 1 - gamma^t
 * Both give lambda_0 = 0. While fewer than two target classes have labels, or no target
 * classifier exists yet, U is undefined and lambda is 0 (D alone).
 */
import type { ScheduleSetting } from '../../../src-shared/contract';
import { lambdaAt, nextQueryTradeoff } from '../../../src-shared/tradeoff';

export type TradeoffSchedule = ScheduleSetting;

/**
 * Chosen by the simulation study (bench/STUDY.md, "Chosen defaults"): λ = 0, 0.5, 1, 1, …
 * — D picks the cold-start batch, an even mix follows, then uncertainty. Slower schedules
 * (linear 0.05/0.1, exponential 0.9) were worst where the schedule mattered (MNIST from
 * the Fashion-MNIST starter model) and no better elsewhere.
 */
export const DEFAULT_TRADEOFF_SCHEDULE: TradeoffSchedule = { kind: 'linear', step: 0.5 };

export function assertValidSchedule(schedule: TradeoffSchedule): void {
  if (schedule.kind === 'linear') {
    if (!(schedule.step >= 0) || !Number.isFinite(schedule.step)) {
      throw new RangeError(`A linear schedule needs a finite step of at least 0; got ${schedule.step}.`);
    }
  } else if (!(schedule.gamma >= 0 && schedule.gamma <= 1)) {
    throw new RangeError(`An exponential schedule needs gamma in [0, 1]; got ${schedule.gamma}.`);
  }
}

function assertValidRound(round: number): void {
  if (!Number.isInteger(round) || round < 0) throw new RangeError(`Rounds are numbered 0, 1, 2, ...; got ${round}.`);
}

/** lambda_t of the schedule alone, for round t = 0, 1, 2, ... (the one formula, shared with the settings panel). */
export function scheduledLambda(schedule: TradeoffSchedule, round: number): number {
  assertValidRound(round);
  assertValidSchedule(schedule);
  return lambdaAt(schedule, round);
}

/** The lambda actually used: 0 while U is undefined, otherwise the schedule's (the rule the panel shows). */
export function effectiveLambda(
  schedule: TradeoffSchedule,
  round: number,
  labeledClassCount: number,
  hasTargetClassifier: boolean,
): number {
  assertValidRound(round);
  assertValidSchedule(schedule);
  return nextQueryTradeoff({ schedule, queryRounds: round, labeledClassCount, trained: hasTargetClassifier }).lambda;
}
