/**
 * The batch the label view offers while it shows the folder order. A batch that opens while the
 * expert labels in folder order (queried in another window, or opened by the loop itself after a
 * training) never takes the image from under their keys: the view says it is ready and Ctrl+B
 * (or the offer's button) switches to it. A batch open when the expert chose the folder order by
 * hand was passed over then, and is not offered again; the next one is.
 */
import { isDecided } from '../../src-shared/requests/images';

/** What the offer says: the round's batch, and how many of its images are still to label. */
export interface BatchOffer {
  roundId: number;
  roundIndex: number;
  size: number;
  toLabel: number;
}

interface OfferedRound {
  readonly id: number;
  readonly index: number;
  readonly items: readonly { classId: number | null; unsure: boolean }[];
}

/**
 * The batch to offer: the loop's open round while the session is on the folder order (`queue`),
 * unless it is the one `passed` over, or nothing of it is left to label (labeled in folder order,
 * or in another window).
 */
export function batchOffer(sourceKind: string, round: OfferedRound | null, passed: number | null): BatchOffer | null {
  if (sourceKind !== 'queue' || round === null || round.id === passed) return null;
  const toLabel = round.items.filter((item) => !isDecided(item)).length;
  if (toLabel === 0) return null;
  return { roundId: round.id, roundIndex: round.index, size: round.items.length, toLabel };
}

const images = (n: number): string => `${n} image${n === 1 ? '' : 's'}`;

/** The offer in words: "A batch of 10 images is ready", or how many of them are left when some are labeled. */
export function batchOfferText(offer: BatchOffer): string {
  if (offer.toLabel === offer.size) return `A batch of ${images(offer.size)} is ready`;
  return `A batch is ready: ${offer.toLabel} of its ${images(offer.size)} to label`;
}

/** What a screen reader hears when the offer appears (the offer itself is on screen too). */
export function batchOfferAnnouncement(offer: BatchOffer): string {
  return `${batchOfferText(offer)} (round ${offer.roundIndex}). Ctrl+B labels it; the folder order goes on until then.`;
}
