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

/** `12 s`, `3 min 20 s`, `1 h 05 min`; `less than 1 s` for tiny values. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '';
  if (seconds < 1) return 'less than 1 s';
  const s = Math.ceil(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) {
    const rest = s % 60;
    return rest === 0 ? `${Math.floor(s / 60)} min` : `${Math.floor(s / 60)} min ${rest} s`;
  }
  const minutes = Math.floor((s % 3600) / 60);
  return `${Math.floor(s / 3600)} h ${String(minutes).padStart(2, '0')} min`;
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
    const eta = formatDuration(p.etaSeconds);
    if (eta) parts.push(`${eta} left`);
  }
  return parts.join(' · ');
}
