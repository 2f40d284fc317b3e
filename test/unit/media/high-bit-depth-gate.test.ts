/**
 * The one-at-a-time limit on large whole deep decodes (media/high-bit-depth.ts
 * largeWholeDecodes): two decodes of more than LARGE_DEEP_BYTES never hold their values
 * together; smaller ones never wait for them. Reads are held open by the test and released by it:
 * every wait is for a state (until), none for a duration.
 */
import { describe, expect, it } from 'vitest';
import { decodeEightBit, highBitDepthOf, LARGE_DEEP_BYTES, largeWholeDecodes, wholeDecodeGated } from '../../../src-main/media/high-bit-depth';
import { deepTiffHeader, sixteenBit, twelveBitGradient } from '../../support/high-bit-depth-images';
import { until } from '../../support/until';

/** A read that says when it starts and ends, and ends only once `release` is called. */
function heldRead(name: string, events: string[]): { read: () => Promise<string>; release: () => void; started: () => boolean } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let started = false;
  return {
    read: async () => {
      started = true;
      events.push(`${name} starts`);
      await released;
      events.push(`${name} ends`);
      return name;
    },
    release,
    started: () => started,
  };
}

describe('whole deep decodes of more than LARGE_DEEP_BYTES', () => {
  it('run one at a time, in order; one of LARGE_DEEP_BYTES or less runs at once beside them', async () => {
    const events: string[] = [];
    const first = heldRead('first', events);
    const second = heldRead('second', events);
    const firstDone = wholeDecodeGated(LARGE_DEEP_BYTES + 1, first.read);
    const secondDone = wholeDecodeGated(2 * 1024 ** 3, second.read);
    await until('the first large read to start', first.started);
    // A smaller one finishes while the first holds the gate: it never waits.
    expect(await wholeDecodeGated(LARGE_DEEP_BYTES, async () => 'small')).toBe('small');
    expect([second.started(), largeWholeDecodes.activeCount, largeWholeDecodes.pendingCount]).toEqual([false, 1, 1]);

    first.release();
    await until('the second large read to start', second.started);
    second.release();
    expect(await Promise.all([firstDone, secondDone])).toEqual(['first', 'second']);
    expect(events).toEqual(['first starts', 'first ends', 'second starts', 'second ends']);
  });

  it('decodeEightBit waits at the gate with a large image, and not with a small one', async () => {
    // 9000 x 9000 float grey: 324 MB of values, above 256 MiB and under the 2 GiB refused.
    const large = deepTiffHeader(9000, 9000);
    expect(await highBitDepthOf(large)).toMatchObject({ depth: 'float', width: 9000, height: 9000, bands: 1 });
    const holder = heldRead('holder', []);
    const held = wholeDecodeGated(LARGE_DEEP_BYTES + 1, holder.read);
    await until('the holder to start', holder.started);

    let settled = false;
    const decoded = decodeEightBit(large).finally(() => (settled = true));
    await until('the large decode to wait at the gate', () => largeWholeDecodes.pendingCount === 1);
    // A 16-bit image of a few kilobytes is decoded while the large one waits.
    const small = await decodeEightBit(await sixteenBit(twelveBitGradient(64, 8), 64, 8, 'png'));
    expect((await small.metadata()).width).toBe(64);
    expect([settled, largeWholeDecodes.pendingCount]).toEqual([false, 1]);

    holder.release();
    await held;
    // Its turn comes: libvips reads the pixels the header promised, and finds them missing.
    await expect(decoded).rejects.toThrow(/^tiff2vips: Not enough data/);
    expect([largeWholeDecodes.activeCount, largeWholeDecodes.pendingCount]).toEqual([0, 0]);
  });
});
