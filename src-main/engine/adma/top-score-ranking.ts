/**
 * Ranking pool rows by score for batch selection (method page, choice 4): higher score
 * first, equal scores broken by the smaller image id, NaN scores last.
 */

/** The given rows, best first. */
export function rankRowsByScore(rows: Int32Array, scores: ArrayLike<number>, imageIds: ArrayLike<number>): Int32Array {
  const ranked = Int32Array.from(rows);
  ranked.sort((a, b) => {
    const sa = scores[a] as number;
    const sb = scores[b] as number;
    const na = Number.isNaN(sa);
    const nb = Number.isNaN(sb);
    if (na !== nb) return na ? 1 : -1;
    if (!na && sa !== sb) return sb - sa;
    return (imageIds[a] as number) - (imageIds[b] as number);
  });
  return ranked;
}

/** The `count` best rows (all of them when fewer), best first. */
export function topRowsByScore(
  rows: Int32Array,
  scores: ArrayLike<number>,
  imageIds: ArrayLike<number>,
  count: number,
): Int32Array {
  return rankRowsByScore(rows, scores, imageIds).subarray(0, Math.min(count, rows.length));
}
