/**
 * What a near-duplicate group's header says about how alike its images are. A group is every
 * image joined by pairs that passed the near-duplicate test at the search's threshold (single
 * linkage: adaptation/duplicates.ts, engine duplicateGroups), so its numbers are measured
 * similarities of those pairs, all at least the threshold: the lowest and the highest. Shown
 * as "similarity ≥ 0.85" the lowest read as a second threshold beside the slider's 0.70; as a
 * measured value (a pair) or range (more), it reads as what it is.
 */
import type { DuplicateGroup } from '../../src-shared/contract';

/** The header's words ("feature similarity 0.85–0.97 between linked pairs") and their explanation (a tooltip); null for exact copies. */
export function groupSimilarityWords(group: Pick<DuplicateGroup, 'kind' | 'minSimilarity' | 'maxSimilarity' | 'items'>, threshold: number): { text: string; title: string } | null {
  if (group.kind === 'exact') return null;
  const low = group.minSimilarity.toFixed(2);
  const high = Math.max(group.minSimilarity, group.maxSimilarity).toFixed(2);
  const range = low === high ? low : `${low}–${high}`;
  const test = `feature similarity at least ${threshold.toFixed(2)}, the threshold, and thumbnails alike`;
  // Two images are one pair: its similarity. (Two copies joined by their content are an exact group.)
  if (group.items.length === 2) return { text: `feature similarity ${range}`, title: `The two images passed the near-duplicate test (${test}): they measured ${range}.` };
  return {
    text: `feature similarity ${range} between linked pairs`,
    title: `Each image passed the near-duplicate test (${test}) with at least one other image of the group: these pairs measured ${range}. Two images joined only through others were not compared, and may be less alike.`,
  };
}
