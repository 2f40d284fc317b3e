/**
 * The schedule of lambda_t as written on the command line and in result files:
 * `linear:<step>` (lambda_t = min(1, t * step)) or `exp:<gamma>` (lambda_t = 1 - gamma^t).
 */
import { assertValidSchedule, type TradeoffSchedule } from '../adma/tradeoff-schedule';

export function parseScheduleSpec(spec: string): TradeoffSchedule {
  const match = /^(linear|exp|exponential):([0-9]*\.?[0-9]+(?:e-?[0-9]+)?)$/i.exec(spec.trim());
  if (!match) throw new RangeError(`Schedule "${spec}": write linear:<step> (e.g. linear:0.1) or exp:<gamma> (e.g. exp:0.8).`);
  const value = Number(match[2]);
  const schedule: TradeoffSchedule = (match[1] as string).toLowerCase() === 'linear' ? { kind: 'linear', step: value } : { kind: 'exponential', gamma: value };
  assertValidSchedule(schedule);
  return schedule;
}

export function formatScheduleSpec(schedule: TradeoffSchedule): string {
  return schedule.kind === 'linear' ? `linear:${schedule.step}` : `exp:${schedule.gamma}`;
}
