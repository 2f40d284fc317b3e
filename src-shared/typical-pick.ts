/**
 * Typical-first picks (TypiClust, and typical-margin and adma-typical until they have a
 * classifier: engine/adma/cluster-strategies.ts) and the kind of score each queued image keeps.
 * A typical pick's score is a typicality, 1 ÷ the image's mean distance to its nearest fellow
 * members of its group: unlike the other strategies' scores it has no upper limit (1.4 is
 * common), so it must never read as a probability. The kind is a stored fact of each round item
 * (round_items.score_kind, migration 15), decided when the batch is recorded (scoreKindOf), and
 * the queue shows the score by it; the reason's words are for the expert only.
 */
import type { StrategyName } from './requests/loop';

/** How a typical pick's reason begins ("typical of a group of 68 similar images with no label yet"). */
export const TYPICAL_REASON_START = 'typical of a group of ';

/** The whole reason of a pick alone in its group (typicality 0: it has no fellow member), and the end of a group pick's reason. */
export const ALONE_IN_GROUP = 'unlike any other image (a group of its own)';

/**
 * The kinds of score a queued image keeps (round_items.score_kind; its CHECK lists the same):
 * - 'typicality': a typical-first pick's typicality, unbounded (see above);
 * - 'ranking': what every other pick was ranked by, as the round's strategy measures it
 *   (s = (1 − λ) D + λ U, D, U, a margin, a distance; null for a random pick).
 */
export const SCORE_KINDS = ['typicality', 'ranking'] as const;

export type ScoreKind = (typeof SCORE_KINDS)[number];

/** The strategies whose picks may be typical-first ones. */
const TYPICAL_FIRST: ReadonlySet<StrategyName> = new Set(['typiclust', 'typical-margin', 'adma-typical']);

/**
 * The kind of score of a pick `strategy` made: a typicality for a typical-first pick, which
 * these strategies make with no trade-off weight (λ null), while their picks once a classifier
 * exists carry their λ (1 for typical-margin's margin, the schedule's for adma-typical). Read from
 * what the pick is, never from its reason's words (test/unit/renderer/loop-format.test.ts holds
 * the engine's strategies to it).
 */
export function scoreKindOf(strategy: StrategyName, pick: { readonly lambda: number | null }): ScoreKind {
  return TYPICAL_FIRST.has(strategy) && pick.lambda === null ? 'typicality' : 'ranking';
}
