/**
 * What the gallery's tiles learn about their thumbnails: one question at a time about the tiles
 * shown, what the host left unchecked (its bounded reads) asked about right after, nothing asked
 * twice, a failed question never repeated, a closed project's answers dropped.
 */
import { describe, expect, it } from 'vitest';
import type { ThumbnailAnswer } from '../../../src-renderer/logic/paintable-thumbnails';
import { TileThumbnails } from '../../../src-renderer/logic/tile-thumbnails';

/** A host with these cached and embedded thumbnails that reads at most `perQuestion` unknown files per question. */
function setup(cached: Set<number>, embedded: Set<number>, perQuestion = Infinity) {
  const questions: { ids: number[]; answer: () => Promise<void>; fail: () => Promise<void> }[] = [];
  let changes = 0;
  const tiles = new TileThumbnails(
    (ids) =>
      new Promise<ThumbnailAnswer>((resolve, reject) => {
        const settle = async (ok: boolean): Promise<void> => {
          const uncached = ids.filter((id) => !cached.has(id));
          const read = uncached.slice(0, perQuestion);
          if (ok) resolve({ cached: ids.filter((id) => cached.has(id)), embedded: read.filter((id) => embedded.has(id)), unchecked: uncached.slice(perQuestion) });
          else reject(new Error('connection lost'));
          await new Promise((r) => setTimeout(r, 0));
        };
        questions.push({ ids, answer: () => settle(true), fail: () => settle(false) });
      }),
    () => changes++,
  );
  return { tiles, questions, changes: () => changes };
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

describe('gallery tile thumbnails', () => {
  it('asks about the tiles shown, in their order, and knows cached, embedded and none', async () => {
    const t = setup(new Set([1, 2]), new Set([3, 4]));
    t.tiles.show([1, 2, 3, 4, 5]);
    expect(t.questions.map((q) => q.ids)).toEqual([[1, 2, 3, 4, 5]]);
    expect(t.tiles.get(3)).toBeUndefined();
    // Scrolled meanwhile: no second question while one is out.
    t.tiles.show([3, 4, 5, 6]);
    expect(t.questions).toHaveLength(1);
    await t.questions[0]!.answer();
    expect([1, 2, 3, 4, 5].map((id) => t.tiles.get(id))).toEqual(['cached', 'cached', 'embedded', 'embedded', 'none']);
    expect(t.changes()).toBe(1);
    // Then the one new tile, alone.
    expect(t.questions[1]!.ids).toEqual([6]);
    await t.questions[1]!.answer();
    t.tiles.show([1, 2, 3, 4, 5, 6]);
    expect(t.questions).toHaveLength(2);
  });

  it('asks again right away about what the host left unchecked, until every tile is known', async () => {
    const t = setup(new Set(), new Set(range(1, 101)), 30);
    t.tiles.show(range(1, 101));
    for (let k = 0; k < 4; k++) await t.questions[k]!.answer();
    expect(t.questions.map((q) => q.ids.length)).toEqual([100, 70, 40, 10]);
    expect(range(1, 101).every((id) => t.tiles.get(id) === 'embedded')).toBe(true);
    expect(t.questions).toHaveLength(4);
  });

  it('a failed question makes its tiles load their thumbnail as before, and is not asked again', async () => {
    const t = setup(new Set(), new Set([1]));
    t.tiles.show([1, 2]);
    await t.questions[0]!.fail();
    expect([t.tiles.get(1), t.tiles.get(2)]).toEqual(['none', 'none']);
    t.tiles.show([1, 2]);
    expect(t.questions).toHaveLength(1);
  });

  it('a question the host read nothing for ends (it would be asked forever)', async () => {
    const t = setup(new Set(), new Set([1, 2]), 0);
    t.tiles.show([1, 2]);
    await t.questions[0]!.answer();
    expect([t.tiles.get(1), t.tiles.get(2)]).toEqual(['none', 'none']);
    expect(t.questions).toHaveLength(1);
  });

  it('a loaded thumbnail is cached from then on; a closed project forgets everything and its late answer', async () => {
    const t = setup(new Set(), new Set([1]));
    t.tiles.show([1]);
    await t.questions[0]!.answer();
    t.tiles.thumbnailLoaded(1);
    expect(t.tiles.get(1)).toBe('cached');
    t.tiles.show([7]);
    t.tiles.clear();
    await t.questions[1]!.answer();
    expect(t.tiles.get(1)).toBeUndefined();
    expect(t.tiles.get(7)).toBeUndefined();
    t.tiles.show([7]);
    expect(t.questions).toHaveLength(3);
  });
});
