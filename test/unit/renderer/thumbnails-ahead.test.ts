import { describe, expect, it } from 'vitest';
import { ASK_BATCH, RECHECK_MS, ThumbnailsAhead } from '../../../src-renderer/logic/thumbnails-ahead';

/** A back end whose cached thumbnails are `cached` (and embedded ones `embedded`), with questions held until answered. */
function setup(cached: Set<number>, embedded = new Set<number>()) {
  const questions: { ids: number[]; answer: () => Promise<void> }[] = [];
  const loads: number[][] = [];
  const embeddedLoads: number[][] = [];
  const rechecks: (() => void)[] = [];
  const found: number[][] = [];
  let now = 0;
  const ahead = new ThumbnailsAhead(
    (ids) =>
      new Promise((resolve) => {
        questions.push({
          ids,
          answer: async () => {
            resolve({ cached: ids.filter((id) => cached.has(id)), embedded: ids.filter((id) => !cached.has(id) && embedded.has(id)), unchecked: [] });
            await new Promise((r) => setTimeout(r, 0));
          },
        });
      }),
    (ids, embeddedIds) => {
      loads.push(ids);
      embeddedLoads.push(embeddedIds);
    },
    () => now,
    (recheck) => rechecks.push(recheck),
    (ids) => found.push([...ids]),
  );
  return {
    ahead,
    questions,
    found,
    loads,
    rechecks,
    advance: (ms: number) => (now += ms),
    lastLoad: () => loads[loads.length - 1],
    lastEmbeddedLoad: () => embeddedLoads[embeddedLoads.length - 1],
  };
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

describe('thumbnails decoded ahead of the labeler', () => {
  it('loads the near images at once and the rest of the list ahead once the back end has them cached', async () => {
    const t = setup(new Set(range(1, 150)));
    t.ahead.show([1, 2, 3], range(1, 201));
    expect(t.lastLoad()).toEqual([1, 2, 3]);
    expect(t.questions).toHaveLength(1);
    expect(t.questions[0]!.ids).toEqual(range(1, 201));
    await t.questions[0]!.answer();
    expect(t.lastLoad()).toEqual([1, 2, 3, ...range(4, 150)]);
    // One step on: the known ones stay loaded, nothing is asked for one new image.
    t.ahead.show([2, 3, 4], range(2, 202));
    expect(t.lastLoad()).toEqual([2, 3, 4, ...range(5, 150)]);
    expect(t.questions).toHaveLength(1);
  });

  it('asks once at a time, in batches, and about a missing thumbnail again only after a while', async () => {
    const cached = new Set<number>();
    const t = setup(cached);
    t.ahead.show([], range(0, 50));
    t.ahead.show([], range(1, 51)); // the first question is still out: no second one
    expect(t.questions).toHaveLength(1);
    await t.questions[0]!.answer();
    expect(t.lastLoad()).toEqual([]);
    // The back end renders meanwhile; the new images entering the list are asked about in a batch.
    for (const id of range(0, 60)) cached.add(id);
    for (let step = 2; step <= ASK_BATCH + 1; step++) t.ahead.show([], range(step, step + 50));
    expect(t.questions).toHaveLength(2);
    expect(t.questions[1]!.ids).toEqual(range(50, 50 + ASK_BATCH));
    await t.questions[1]!.answer();
    expect(t.lastLoad()).toEqual(range(50, 60));
    // Those found missing before are asked about again once RECHECK_MS has passed.
    t.advance(RECHECK_MS);
    t.ahead.show([], range(12, 62));
    expect(t.questions).toHaveLength(3);
    expect(t.questions[2]!.ids).toEqual([...range(12, 50), 60, 61]);
    await t.questions[2]!.answer();
    expect(t.lastLoad()).toEqual(range(12, 60));
  });

  it('drops an answer about the images of a project closed meanwhile', async () => {
    const t = setup(new Set([1, 2, 3]));
    t.ahead.show([], [1, 2, 3]);
    t.ahead.clear();
    await t.questions[0]!.answer();
    t.ahead.show([], [1, 2, 3]);
    expect(t.lastLoad()).toEqual([]);
    expect(t.questions).toHaveLength(2);
  });

  it('asks again about the missing ones after a while even when the labeler does not move (extraction finished meanwhile)', async () => {
    const cached = new Set<number>();
    const t = setup(cached);
    t.ahead.show([1], range(1, 30));
    await t.questions[0]!.answer();
    expect(t.lastLoad()).toEqual([1]);
    expect(t.rechecks).toHaveLength(1);
    for (const id of range(1, 30)) cached.add(id);
    t.advance(RECHECK_MS);
    t.rechecks.shift()!();
    expect(t.questions).toHaveLength(2);
    await t.questions[1]!.answer();
    expect(t.lastLoad()).toEqual(range(1, 30));
    // Every thumbnail ahead known: no further recheck.
    expect(t.rechecks).toHaveLength(0);
  });

  it('loads the embedded thumbnails of the images near and ahead that have one and no cached thumbnail, until their thumbnail is cached', async () => {
    const cached = new Set([5, 6]);
    const embedded = new Set([2, 3, 5, 8, 9]);
    const t = setup(cached, embedded);
    t.ahead.show([1, 2, 3], range(1, 11));
    expect(t.lastEmbeddedLoad()).toEqual([]);
    await t.questions[0]!.answer();
    // 5 is cached: its thumbnail is better, no embedded one for it.
    expect(t.lastEmbeddedLoad()).toEqual([2, 3, 8, 9]);
    expect(t.lastLoad()).toEqual([1, 2, 3, 5, 6]);
    expect([2, 3, 8, 9].every((id) => t.ahead.hasEmbedded(id))).toBe(true);
    expect(t.ahead.hasEmbedded(1)).toBe(false);
    expect(t.ahead.hasEmbedded(5)).toBe(false);
    // Later the back end has cached 8's thumbnail (a rendition made it): the embedded one gives way.
    cached.add(8);
    t.advance(RECHECK_MS);
    t.rechecks.shift()!();
    await t.questions[1]!.answer();
    expect(t.lastLoad()).toEqual([1, 2, 3, 5, 6, 8]);
    expect(t.lastEmbeddedLoad()).toEqual([2, 3, 9]);
    // A closed project's answers are forgotten.
    t.ahead.clear();
    expect(t.ahead.hasEmbedded(2)).toBe(false);
  });

  it('asks about the image on screen at once and first (the view opening, an image opened from the gallery), and says it has an embedded thumbnail', async () => {
    const embedded = new Set([1, 30]);
    const t = setup(new Set(), embedded);
    // The view opens on image 1: nothing ahead known, its own answer is what matters.
    t.ahead.show([2, 3], range(2, 10), 1);
    expect(t.questions).toHaveLength(1);
    expect(t.questions[0]!.ids).toEqual(range(1, 10));
    await t.questions[0]!.answer();
    expect(t.found).toEqual([[1]]);
    expect(t.ahead.hasEmbedded(1)).toBe(true);
    // Its embedded thumbnail is loaded with the others; its gallery thumbnail is the view's to load.
    expect(t.lastEmbeddedLoad()).toEqual([1]);
    expect(t.lastLoad()).toEqual([2, 3]);
    // A jump (from the gallery) to image 30, far from the list asked about: asked about alone, at once.
    t.ahead.show([], [], 30);
    expect(t.questions).toHaveLength(2);
    expect(t.questions[1]!.ids).toEqual([30]);
    // Then to image 20 while that question is out: asked right after its answer.
    t.ahead.show([], [], 20);
    expect(t.questions).toHaveLength(2);
    await t.questions[1]!.answer();
    expect(t.found).toEqual([[1], [30]]);
    expect(t.questions).toHaveLength(3);
    expect(t.questions[2]!.ids).toEqual([20]);
    await t.questions[2]!.answer();
    // 20 has none: not reported, and not asked again before RECHECK_MS.
    expect(t.found).toHaveLength(2);
    t.ahead.show([], [], 20);
    expect(t.questions).toHaveLength(3);
  });

  it('without an image on screen, a single new image ahead still waits for a batch (as before)', async () => {
    const t = setup(new Set());
    t.ahead.show([], range(0, 20));
    await t.questions[0]!.answer();
    t.ahead.show([], range(1, 21));
    expect(t.questions).toHaveLength(1);
  });

  it('asks again right after an answer about the files the host left unread (its time budget), not a second later', async () => {
    const questions: { ids: number[]; resolve: (answer: { cached: number[]; embedded: number[]; unchecked: number[] }) => void }[] = [];
    const ahead = new ThumbnailsAhead(
      (ids) => new Promise((resolve) => questions.push({ ids, resolve })),
      () => undefined,
      () => 0,
      () => undefined,
    );
    ahead.show([], [2, 3, 4], 1);
    questions[0]!.resolve({ cached: [], embedded: [1], unchecked: [2, 3, 4] });
    await new Promise((r) => setTimeout(r, 0));
    expect(questions.map((q) => q.ids)).toEqual([[1, 2, 3, 4], [2, 3, 4]]);
    questions[1]!.resolve({ cached: [], embedded: [2, 4], unchecked: [] });
    await new Promise((r) => setTimeout(r, 0));
    expect([1, 2, 3, 4].map((id) => ahead.hasEmbedded(id))).toEqual([true, true, false, true]);
    expect(questions).toHaveLength(2);
  });
});
