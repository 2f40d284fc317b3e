import { describe, expect, it } from 'vitest';
import { groupSimilarityWords } from '../../../src-renderer/logic/duplicate-similarity';

const items = (count: number) => Array.from({ length: count }, (_, id) => ({ id }) as never);

describe('groupSimilarityWords', () => {
  it('says nothing of an exact group (same file content)', () => {
    expect(groupSimilarityWords({ kind: 'exact', minSimilarity: 1, maxSimilarity: 1, items: items(3) }, 0.7)).toBeNull();
  });

  it('gives a pair its measured similarity, with the threshold it passed in the explanation', () => {
    const words = groupSimilarityWords({ kind: 'near', minSimilarity: 0.8512, maxSimilarity: 0.8512, items: items(2) }, 0.7);
    expect(words?.text).toBe('feature similarity 0.85');
    expect(words?.title).toBe('The two images passed the near-duplicate test (feature similarity at least 0.70, the threshold, and thumbnails alike): they measured 0.85.');
  });

  it('gives a larger group the range of its linked pairs, never a second "≥" beside the slider', () => {
    const words = groupSimilarityWords({ kind: 'near', minSimilarity: 0.851, maxSimilarity: 0.9712, items: items(4) }, 0.7);
    expect(words?.text).toBe('feature similarity 0.85–0.97 between linked pairs');
    expect(words?.text).not.toContain('≥');
    expect(words?.title).toContain('at least 0.70, the threshold');
    expect(words?.title).toContain('these pairs measured 0.85–0.97');
    expect(words?.title).toContain('joined only through others were not compared');
    // Equal once rounded: one number.
    expect(groupSimilarityWords({ kind: 'near', minSimilarity: 0.901, maxSimilarity: 0.904, items: items(3) }, 0.8)?.text).toBe('feature similarity 0.90 between linked pairs');
  });
});
