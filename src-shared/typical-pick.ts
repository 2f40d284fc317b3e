/**
 * The reasons of typical-first picks (TypiClust, and typical-margin and adma-typical until they
 * have a classifier: engine/adma/cluster-strategies.ts), written by the engine
 * (selection-reason.ts typicalReason) and recognised by the queue, which then shows the pick's
 * score as what it is: a typicality, 1 ÷ the image's mean distance to its nearest fellow members
 * of its group. Unlike the other strategies' scores it has no upper limit (1.4 is common), so it
 * must never read as a probability. The round items keep only the reason and the score, so the
 * reason's words say which kind of pick a score belongs to; both sides use these.
 */

/** How a typical pick's reason begins ("typical of a group of 68 similar images with no label yet"). */
export const TYPICAL_REASON_START = 'typical of a group of ';

/** The whole reason of a pick alone in its group (typicality 0: it has no fellow member), and the end of a group pick's reason. */
export const ALONE_IN_GROUP = 'unlike any other image (a group of its own)';

/** Whether a queue reason is a typical-first pick's: its score is then a typicality. */
export function isTypicalPick(reason: string): boolean {
  return reason.startsWith(TYPICAL_REASON_START) || reason === ALONE_IN_GROUP;
}
