/**
 * Cancel in the Duplicates view, the store against the real handlers: pressed while the back end
 * still loads the image features for the search (its engine job not started yet), it stops that
 * search. The cancel used to find no search running there and be lost: the search ran to its
 * end and its groups were shown as if wanted.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { duplicates } from '../../../src-renderer/stores/duplicates.svelte';
import { engine } from '../../../src-renderer/stores/engine.svelte';
import { FakeEngine } from '../../support/fake-engine';
import { useScannedProject } from '../../support/renderer-in-process';
import { until } from '../../support/until';

const opened = useScannedProject(8);

beforeAll(async () => {
  expect(await engine.choose({ kind: 'starter' })).toBe(true);
  await opened.ws.adaptation().features.done;
});

describe('cancelling a search for duplicates', () => {
  it('stops it while the back end still loads the features: it ends as cancelled and the engine never searches', async () => {
    const fake = opened.ws.engine() as unknown as FakeEngine;
    // The pool is loaded again for the search (a rescan changed the images, say), slowly.
    opened.ws.adaptation().pool.invalidate();
    let release = (): void => undefined;
    fake.hold = { kind: 'loopPrepare', until: new Promise<void>((resolve) => (release = resolve)) };
    duplicates.clear();
    const searching = duplicates.load();
    await until('the features being loaded for the search', () => fake.holding === 1);
    await duplicates.cancel();
    // The features load ends (it goes on for the pool's other users).
    release();
    await searching;
    await opened.ws.adaptation().pool.prepare();
    expect([duplicates.cancelled, duplicates.error, duplicates.loading, duplicates.report]).toEqual([true, null, false, null]);
    expect(fake.count('loopDuplicates')).toBe(0);
  });
});
