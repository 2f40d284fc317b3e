import { formatDuration } from '../../src-shared/duration';

/** Words and numbers for a background job's progress: percent, rate, time left. */
export interface ProgressLike {
  done: number;
  total: number;
  rate: number | null;
  etaSeconds: number | null;
}

export function percentDone(done: number, total: number): number {
  if (!(total > 0)) return 0;
  return Math.min(100, Math.max(0, Math.floor((done / total) * 100)));
}

/** `8.4/s` (one decimal under 10 per second), `120/s`; `` when unknown. */
export function formatRate(rate: number | null, unit = ''): string {
  if (rate === null || !Number.isFinite(rate) || rate <= 0) return '';
  const value = rate < 10 ? rate.toFixed(1) : String(Math.round(rate));
  return `${value}${unit ? ` ${unit}` : ''}/s`;
}

/** One line: `120 / 300 · 8.4/s · 21 s left`. */
export function describeProgress(p: ProgressLike, unit = ''): string {
  const parts = [p.total > 0 ? `${p.done} / ${p.total}` : String(p.done)];
  const rate = formatRate(p.rate, unit);
  if (rate) parts.push(rate);
  if (p.etaSeconds !== null && p.done < p.total) {
    const eta = formatDuration(p.etaSeconds, 'up');
    if (eta) parts.push(`${eta} left`);
  }
  return parts.join(' · ');
}
