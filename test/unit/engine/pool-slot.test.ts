/**
 * The engine worker's pool (worker.ts loopPrepare, pool-slot.ts): loads run side by side and
 * finish in any order, and the newest load asked for is the one that becomes the pool. A stale
 * load finishing after a newer one (the model was switched while the old model's features
 * loaded) is disposed and never installed; a reset (the project closed) supersedes the loads
 * under way. Before, whichever load finished last became the pool.
 */
import { describe, expect, it } from 'vitest';
import { PoolSlot } from '../../../src-main/engine/loop/pool-slot';

/** A pool of `modelId` that records its dispose calls. */
function pool(modelId: string) {
  return {
    modelId,
    disposed: 0,
    dispose() {
      this.disposed++;
    },
  };
}

describe('the worker keeps the pool of the newest load asked for', () => {
  it('a stale load finishing after the newer one is disposed and not installed; the newer pool stays', () => {
    const slot = new PoolSlot<ReturnType<typeof pool>>();
    const before = pool('model-a');
    expect(slot.install(slot.begin(), before)).toBe(true);
    const stale = slot.begin(); // model A again (a rescan)
    const newer = slot.begin(); // the expert chose model B meanwhile
    expect(slot.isNewest(stale)).toBe(false);
    expect(slot.isNewest(newer)).toBe(true);
    const b = pool('model-b');
    expect(slot.install(newer, b)).toBe(true);
    expect(before.disposed).toBe(1); // replaced: disposed once (it frees itself after its running jobs)
    const a = pool('model-a');
    expect(slot.install(stale, a)).toBe(false);
    expect(slot.current).toBe(b);
    expect(a.disposed).toBe(1);
    expect(b.disposed).toBe(0);
  });

  it('a stale load finishing first is not installed either: the pool before stays until the newest load is built', () => {
    const slot = new PoolSlot<ReturnType<typeof pool>>();
    const before = pool('model-a');
    slot.install(slot.begin(), before);
    const stale = slot.begin();
    const newer = slot.begin();
    const a = pool('model-a');
    expect(slot.install(stale, a)).toBe(false);
    expect(slot.current).toBe(before);
    expect([a.disposed, before.disposed]).toEqual([1, 0]);
    const b = pool('model-b');
    expect(slot.install(newer, b)).toBe(true);
    expect(slot.current).toBe(b);
    expect(before.disposed).toBe(1);
  });

  it('a reset (the project closed) disposes the pool and supersedes the loads under way', () => {
    const slot = new PoolSlot<ReturnType<typeof pool>>();
    const before = pool('model-a');
    slot.install(slot.begin(), before);
    const under = slot.begin();
    slot.reset();
    expect(slot.current).toBeNull();
    expect(before.disposed).toBe(1);
    const late = pool('model-a');
    expect(slot.install(under, late)).toBe(false);
    expect(slot.current).toBeNull();
    expect(late.disposed).toBe(1);
    // A load asked for after the reset is installed as usual.
    const next = pool('model-b');
    expect(slot.install(slot.begin(), next)).toBe(true);
    expect(slot.current).toBe(next);
  });
});
