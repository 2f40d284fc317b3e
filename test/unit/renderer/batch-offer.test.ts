import { describe, expect, it } from 'vitest';
import { batchOffer, batchOfferAnnouncement, batchOfferText } from '../../../src-renderer/logic/batch-offer';

const round = (id: number, labels: (number | null)[], unsure: boolean[] = []) => ({
  id,
  index: id - 1,
  items: labels.map((classId, k) => ({ classId, unsure: unsure[k] ?? false })),
});

describe('the batch offered in the folder order', () => {
  it('offers the open round with images left to label, only on the folder order', () => {
    expect(batchOffer('queue', round(3, [null, null, 2]), null)).toEqual({ roundId: 3, roundIndex: 2, size: 3, toLabel: 2 });
    for (const kind of ['round', 'evaluation', 'browse', 'list']) expect(batchOffer(kind, round(3, [null]), null)).toBeNull();
    expect(batchOffer('queue', null, null)).toBeNull();
  });

  it('offers nothing for a batch passed over, or with nothing left to label (labeled or unsure)', () => {
    expect(batchOffer('queue', round(3, [null]), 3)).toBeNull();
    expect(batchOffer('queue', round(4, [null]), 3)).toMatchObject({ roundId: 4 });
    expect(batchOffer('queue', round(3, [1, null], [false, true]), null)).toBeNull();
    expect(batchOffer('queue', round(3, []), null)).toBeNull();
  });

  it('says the batch in words, and how many are left when some are labeled', () => {
    expect(batchOfferText({ roundId: 1, roundIndex: 0, size: 10, toLabel: 10 })).toBe('A batch of 10 images is ready');
    expect(batchOfferText({ roundId: 1, roundIndex: 0, size: 1, toLabel: 1 })).toBe('A batch of 1 image is ready');
    expect(batchOfferText({ roundId: 1, roundIndex: 0, size: 10, toLabel: 7 })).toBe('A batch is ready: 7 of its 10 images to label');
    expect(batchOfferAnnouncement({ roundId: 5, roundIndex: 4, size: 10, toLabel: 10 })).toBe(
      'A batch of 10 images is ready (round 4). Ctrl+B labels it; the folder order goes on until then.',
    );
  });
});
