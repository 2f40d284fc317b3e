/**
 * A duration in words, for a person: the renderer's time left and time taken (progress-format.ts,
 * the scan and duplicates reports) and a model card's training time (training-details.ts). One
 * formatter for both: the card had its own (`58 ms`, `1.2 s`, `75 min 0 s` for a long deep run),
 * which said no hours and wrote a bare `0 s`.
 */

/**
 * `seconds` as `12 s`, `3 min 20 s`, `2 min`, `1 h 05 min`; `less than 1 s` for a shorter time;
 * `` for no time (negative, NaN, infinite). A time taken is rounded to the nearest whole second
 * (1.2 s of training reads `1 s`); a time left (`round` 'up') is rounded up, so that it is never
 * promised shorter than it is.
 */
export function formatDuration(seconds: number, round: 'nearest' | 'up' = 'nearest'): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '';
  if (seconds < 1) return 'less than 1 s';
  const s = round === 'up' ? Math.ceil(seconds) : Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) {
    const rest = s % 60;
    return rest === 0 ? `${Math.floor(s / 60)} min` : `${Math.floor(s / 60)} min ${rest} s`;
  }
  const minutes = Math.floor((s % 3600) / 60);
  return `${Math.floor(s / 3600)} h ${String(minutes).padStart(2, '0')} min`;
}
