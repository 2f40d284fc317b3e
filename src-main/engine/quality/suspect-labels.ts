/**
 * The suspect-label queue of confident learning (Northcutt et al., JAIR 2021): every judged
 * labeled image is ranked by the out-of-fold probability of its given label ("self-
 * confidence", lowest first: the most likely label errors on top), ties by image id. The
 * queue is the prefix the model disagrees with (out-of-fold argmax != given label); the full
 * ranking is what precision at k is measured on.
 */
export interface SuspectRow {
  imageId: number;
  given: number;
  /** Out-of-fold argmax class index and its probability. */
  suggested: number;
  suggestedProbability: number;
  /** Out-of-fold probability of the given label. */
  givenProbability: number;
}

/** The class of largest probability in row `row` of rows x `c` `probabilities` (the first of equals). */
export function argmaxAt(probabilities: ArrayLike<number>, row: number, c: number): number {
  let best = 0;
  for (let k = 1; k < c; k++) if ((probabilities[row * c + k] as number) > (probabilities[row * c + best] as number)) best = k;
  return best;
}

/**
 * Ranks `imageIds` (with given class indices `labels`) by the out-of-fold probability of the
 * given label; rows with `judged[i] = 0` are left out.
 */
export function rankBySelfConfidence(imageIds: readonly number[], labels: readonly number[], probabilities: ArrayLike<number>, c: number, judged: ArrayLike<number>): SuspectRow[] {
  const out: SuspectRow[] = [];
  for (let i = 0; i < imageIds.length; i++) {
    if (!judged[i]) continue;
    const best = argmaxAt(probabilities, i, c);
    const given = labels[i] as number;
    out.push({
      imageId: imageIds[i] as number,
      given,
      suggested: best,
      suggestedProbability: probabilities[i * c + best] as number,
      givenProbability: probabilities[i * c + given] as number,
    });
  }
  return out.sort((a, b) => a.givenProbability - b.givenProbability || a.imageId - b.imageId);
}

/** The queue: ranked rows whose out-of-fold argmax differs from the given label. */
export function suspectQueue(ranked: readonly SuspectRow[]): SuspectRow[] {
  return ranked.filter((r) => r.suggested !== r.given);
}

/** Share of the first k ranked images that are in `flipped` (precision at k), and of `flipped` found in the first k (recall at k). */
export function precisionRecallAt(ranked: readonly { imageId: number }[], flipped: ReadonlySet<number>, k: number): { precision: number; recall: number } {
  const top = ranked.slice(0, k);
  const hits = top.filter((r) => flipped.has(r.imageId)).length;
  return { precision: k > 0 ? hits / k : 0, recall: flipped.size > 0 ? hits / flipped.size : 0 };
}
