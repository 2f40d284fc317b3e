/** How the active loop's numbers and choices are written for the user. */
import type { ScoreKind } from '../../src-shared/typical-pick';
import { splitOf } from './label-counts';
import { RECOMMENDED_STRATEGY, STRATEGY_NAMES, UNCERTAINTY_NAMES, type ModelOption, type RoundInfo, type ScheduleSetting, type StrategyName, type UncertaintyName } from '../../src-shared/contract';

/** A score in [0, 1] with three decimals; null (not computed) as an em dash. */
export function formatScore(value: number | null): string {
  return value === null || !Number.isFinite(value) ? '—' : value.toFixed(3);
}

/** The schedule as a formula: `λ = min(1, 0.1·t)` or `λ = 1 − 0.8^t`. */
export function lambdaRule(schedule: ScheduleSetting): string {
  return schedule.kind === 'linear' ? `λ = min(1, ${schedule.step}·t)` : `λ = 1 − ${schedule.gamma}^t`;
}

export function describeSchedule(schedule: ScheduleSetting): string {
  return schedule.kind === 'linear' ? `linear, step ${schedule.step}` : `exponential, γ ${schedule.gamma}`;
}

/** Every strategy and measure the contract names has its words here (a Record: none is missed). */
const STRATEGY_WORDS: Record<StrategyName, { label: string; description: string }> = {
  adma: { label: 'ADMA (paper)', description: 'Distinctiveness traded off against uncertainty with λ_t, as the paper runs it' },
  'adma-diverse': { label: 'ADMA, diverse batch', description: 'ADMA scores, batch spread out by k-means++ seeding over the top candidates' },
  random: { label: 'Random', description: 'A uniform random sample (baseline)' },
  entropy: { label: 'Entropy', description: 'Uncertainty alone: normalised entropy' },
  margin: { label: 'Margin', description: 'Uncertainty alone: 1 − (p1 − p2)' },
  'least-confidence': { label: 'Least confidence', description: 'Uncertainty alone: 1 − p_max, scaled' },
  gini: { label: 'Gini', description: 'Uncertainty alone: Gini impurity, scaled' },
  distinctiveness: { label: 'Distinctiveness', description: 'Distinctiveness alone (the pre-trained features only)' },
  coreset: { label: 'Core-set', description: 'Greedy k-centre cover in the pooled-feature space' },
  typiclust: { label: 'Typical first (TypiClust)', description: 'The most typical image of each large group of similar images that has no label yet' },
  'typical-margin': {
    label: 'typical first, then unsure',
    description: 'The most typical image of each group of similar images with no label yet until a classifier exists, then the images it is least sure about, one per group in a batch (best in the simulation study)',
  },
  'adma-typical': { label: 'ADMA within groups', description: 'Typical images first, then ADMA’s score inside the groups with the fewest labels' },
  probcover: { label: 'Coverage (ProbCover)', description: 'Images close to the most images no labeled image is close to' },
  badge: { label: 'BADGE', description: 'Uncertain images whose expected model changes differ most from each other' },
};

const UNCERTAINTY_WORDS: Record<UncertaintyName, string> = {
  entropy: 'Entropy H(p)/log C',
  margin: 'Margin 1 − (p1 − p2)',
  'least-confidence': 'Least confidence',
  gini: 'Gini impurity',
};

/**
 * What a strategy's first round asks for, before any label exists (a Record: none is missed).
 * The uncertainty-driven strategies have no classifier to be unsure with yet, so they draw
 * their first batch at random (selection-reason: uncertaintyFallbackReason).
 */
const RANDOM_UNTIL_CLASSIFIER = 'a random sample, since no classifier exists to be unsure yet';
const TYPICAL_OF_LARGEST_GROUPS = 'the most typical image of each of the largest groups of similar images';
const FIRST_ROUND_WORDS: Record<StrategyName, string> = {
  adma: 'round 0 ranks by distinctiveness alone (λ₀ = 0)',
  'adma-diverse': 'round 0 ranks by distinctiveness alone (λ₀ = 0), the batch spread out over the top candidates',
  random: 'a uniform random sample',
  entropy: RANDOM_UNTIL_CLASSIFIER,
  margin: RANDOM_UNTIL_CLASSIFIER,
  'least-confidence': RANDOM_UNTIL_CLASSIFIER,
  gini: RANDOM_UNTIL_CLASSIFIER,
  badge: RANDOM_UNTIL_CLASSIFIER,
  distinctiveness: 'the most distinctive images under the pre-trained features',
  coreset: 'images spread over the whole pool (greedy k-centre cover)',
  typiclust: TYPICAL_OF_LARGEST_GROUPS,
  'typical-margin': TYPICAL_OF_LARGEST_GROUPS,
  'adma-typical': TYPICAL_OF_LARGEST_GROUPS,
  probcover: 'the images close to the most other images (coverage)',
};

/** The queue's words before the first round: what querying it will pick, for the chosen strategy. */
export function firstRoundInWords(name: StrategyName): string {
  return `No round yet. Query the first batch (no labels needed): ${FIRST_ROUND_WORDS[name]}.`;
}

/** Every strategy, the recommended one first and named so ("Recommended: …"). */
export const STRATEGIES: readonly { name: StrategyName; label: string; description: string }[] = [
  RECOMMENDED_STRATEGY,
  ...STRATEGY_NAMES.filter((name) => name !== RECOMMENDED_STRATEGY),
].map((name) => ({ name, label: strategyLabel(name), description: STRATEGY_WORDS[name].description }));

export const UNCERTAINTIES: readonly { name: UncertaintyName; label: string }[] = UNCERTAINTY_NAMES.map((name) => ({ name, label: UNCERTAINTY_WORDS[name] }));

export function strategyLabel(name: StrategyName): string {
  const label = STRATEGY_WORDS[name]?.label ?? name;
  return name === RECOMMENDED_STRATEGY ? `Recommended: ${label}` : label;
}

const TYPICAL_SCORE =
  'Typical picks: their typicality, how typical the image is of its group (1 ÷ its mean distance to its nearest similar images), compared only within that group; it has no upper limit and is not a probability. Groups are taken fewest labels first, then largest first, so these rows are in group order, not score order.';

/** A typicality: three significant digits (its scale is the feature space's: 0.0473 and 25.3 both occur), whole numbers from 100. */
function formatTypicality(value: number): string {
  return value >= 100 ? String(Math.round(value)) : value.toPrecision(3);
}

/**
 * A round's mean score in the rounds table: a typicality when every image of the batch is a
 * typical pick; none when the batch mixes typical picks with others (a typical-margin batch
 * re-ranked once a classifier existed: a mean of typicalities and margins means nothing); else
 * the mean score in [0, 1].
 */
export function roundScoreWords(round: { readonly asked: { readonly score: number | null }; readonly items: readonly { readonly scoreKind: ScoreKind }[] }): { text: string; title: string | null } {
  const typical = round.items.filter((item) => item.scoreKind === 'typicality').length;
  const mean = round.asked.score;
  if (typical === 0 || mean === null || !Number.isFinite(mean)) return { text: formatScore(mean), title: null };
  if (typical < round.items.length) return { text: '—', title: 'No mean: the batch mixes typical picks (scored by typicality, no upper limit) with picks scored in [0, 1].' };
  return { text: `typicality ${formatTypicality(mean)}`, title: 'Mean typicality of the batch: how typical its images are of their groups of similar images; no upper limit, not a probability.' };
}

/**
 * A queued image's score as the queue and the label view write it, by the kind of score the item
 * keeps (QueueItem.scoreKind, src-shared/typical-pick.ts), whatever its reason says. A typical-first
 * pick's score is its typicality, named so, since it is unbounded and a bare "1.412" in a Score
 * column reads as a probability over 1; every other score is written as the strategy's ranking
 * score. `unit`: "typicality" or "score"; `title`: what the number means.
 */
export function queueScoreWords(item: { readonly score: number | null; readonly scoreKind: ScoreKind }): { unit: 'typicality' | 'score'; value: string; title: string | null } {
  if (item.score === null || !Number.isFinite(item.score) || item.scoreKind !== 'typicality') return { unit: 'score', value: formatScore(item.score), title: null };
  const value = formatTypicality(item.score);
  return {
    unit: 'typicality',
    value,
    title: `Typicality ${value}: how typical the image is of its group of similar images (1 ÷ its mean distance to its nearest ones in the group; 0 for an image alone in its group). It has no upper limit and is not a probability; it is compared only within the group.`,
  };
}

/** What the queue's Score column holds for a round of `name` (its header's tooltip). */
export function scoreMeaning(name: StrategyName): string {
  if (name === 'typical-margin') return `${TYPICAL_SCORE} Unsure picks: margin uncertainty 1 − (p1 − p2), least sure first, one per group.`;
  if (name === 'adma-typical') return `${TYPICAL_SCORE} Later picks: s = (1 − λ) D + λ U within the group with the fewest labels.`;
  if (name === 'typiclust') return TYPICAL_SCORE;
  return usesLambda(name) ? 'Score s = (1 − λ) D + λ U' : 'The score this strategy ranks by (the reason says what it measures)';
}

/** Whether λ_t means anything for a strategy (only the ADMA trade-offs use it). */
export const usesLambda = (name: StrategyName): boolean => name === 'adma' || name === 'adma-diverse' || name === 'adma-typical';

/**
 * Whether the Uncertainty setting changes what a strategy picks: the λ trade-offs score with it, and
 * distinctiveness falls back to it when the pool yields too few source-class centres
 * (strategy-registry.ts). The uncertainty baselines are named by their measure, and the recommended
 * rule always ranks by margin.
 */
export const usesUncertaintySetting = (name: StrategyName): boolean => usesLambda(name) || name === 'distinctiveness';

/**
 * A queue reason as the expert reads it: the engine names classes by their stable keys
 * (`class-<id>`, so a rename never leaves an old name behind); shown with today's names.
 */
export function reasonInWords(reason: string, nameOf: (classId: number) => string | undefined): string {
  return reason.replace(/\bclass-(\d+)\b/g, (key, id: string) => nameOf(Number(id)) ?? key);
}

/**
 * Which model version chose the images of a round's batch: the version it was opened with, or,
 * once a re-rank chose its unlabeled images again (continuous mode's retrains, the retrain after
 * a switch of the pre-trained model), that version, with the one it was opened with. `text` for
 * the queue's facts, `short` for the rounds table, `title` the whole sentence.
 */
export function roundModelWords(round: Pick<RoundInfo, 'modelVersion' | 'rerankedWith'>): { text: string; short: string; title: string } {
  const opened = round.modelVersion;
  // Version 0: no classifier yet (the strategy ranked without one).
  const openedBy = opened > 0 ? `by model version ${opened}` : 'before any classifier was trained';
  // A re-rank by the version the round was opened with chose nothing another version would not have.
  if (round.rerankedWith === null || round.rerankedWith === opened) {
    if (opened === 0) return { text: 'chosen without a classifier', short: '—', title: `The batch was chosen ${openedBy}.` };
    return { text: `model v${opened}`, short: `v${opened}`, title: `The batch was chosen ${openedBy}.` };
  }
  const by = round.rerankedWith;
  return {
    text: `re-chosen by model v${by} (opened with v${opened})`,
    short: `v${opened} → v${by}`,
    title: `The round was opened ${opened > 0 ? `with model version ${opened}` : openedBy}; its unlabeled images were chosen again by model version ${by} (the images labeled by then stayed where they were).`,
  };
}

/**
 * A queue reason beside the suggestion chip. The reason keeps the words of the model the batch
 * was asked with; once a newer model suggests, the percentages it quotes can differ from the
 * chip's (21% against 15%), so such a reason says it is from when the image was asked for.
 */
export function reasonBesideSuggestion(
  why: string,
  askedWithVersion: number,
  suggestion: { source: 'model' | 'imported'; modelVersion: number } | null,
): { text: string; title: string } {
  const older = suggestion?.source === 'model' && suggestion.modelVersion > askedWithVersion && /\d%/.test(why);
  if (!older) return { text: why, title: why };
  return {
    text: `When asked: ${why}`,
    title: `${why}\n(Why it was asked for, by model version ${askedWithVersion}; the suggestion is from version ${suggestion.modelVersion}.)`,
  };
}

/** `92%` for a probability, `<1%` for tiny ones, `>99%` for ones short of certain (99.5% never reads as a certain 100%). */
export function formatProbability(p: number): string {
  if (!Number.isFinite(p)) return '—';
  const percent = Math.round(p * 100);
  if (percent < 1 && p > 0) return '<1%';
  return percent > 99 && p < 1 ? '>99%' : `${percent}%`;
}

/** A size in bytes as `2.3 GB`, `1.2 MB` or `340 KB` (at least 1 KB: a file is never said to weigh nothing). */
export function formatSize(bytes: number): string {
  if (bytes >= 1_073_741_824) return `${(bytes / 1_073_741_824).toFixed(1)} GB`;
  if (bytes >= 1_048_576) return `${(bytes / 1_048_576).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** `1.2 MB download` / `340 KB download` for a download size; `on this computer` for 0. */
export function formatDownload(bytes: number): string {
  return bytes <= 0 ? 'on this computer' : `${formatSize(bytes)} download`;
}

/**
 * A model option's size and how its files are checked, in words (the model step at a project's
 * opening and the Adapt view's model panel said it two ways, and the panel called a model never
 * downloaded "verified"). A catalogue model with pinned hashes is checked against them when
 * downloaded; one without is checked by loading it. Other kinds (the built-in starter, a folder)
 * say their size only.
 */
export function modelSourceWords(option: Pick<ModelOption, 'choice' | 'downloadBytes' | 'hashesPinned'>): string {
  const size = formatDownload(option.downloadBytes);
  if (option.choice.kind !== 'known') return size;
  if (option.downloadBytes <= 0) return `${size}${option.hashesPinned ? ' · its files were checked against hashes built into ADMA Studio' : ''}`;
  return `${size} · ${option.hashesPinned ? 'checked against file hashes built into ADMA Studio' : 'hashes not pinned: the download is checked by loading it'}`;
}

/**
 * The hint naming the classes that have no training label yet ("No labels yet: basophil,
 * platelet"), in class order, or null when every class has one (or there are no classes). A
 * class whose only labels are evaluation labels is named too (the model cannot learn it from
 * them), and the hint then says "No training labels yet", as the class bar counts training labels.
 */
export function unlabeledClassesHint(classes: readonly { name: string; labelCount: number; evaluationCount: number }[]): string | null {
  const missing = classes.filter((c) => splitOf(c).training === 0);
  if (missing.length === 0) return null;
  const heldOnly = missing.some((c) => c.evaluationCount > 0);
  return `No ${heldOnly ? 'training ' : ''}labels yet: ${missing.map((c) => c.name).join(', ')}`;
}

/** What the label view knows of the loop after a batch is labeled to its end. */
export interface BatchDoneState {
  readonly training: boolean;
  readonly continuous: boolean;
  /** The model in use learned every label of the batch. */
  readonly trainedOnBatch: boolean;
  /** Image features are extracted: the loop can train and query (after an open or a model choice it waits for them). */
  readonly featuresReady: boolean;
}

/**
 * What happens next, in words, once a batch is labeled. Before the features are ready (the
 * project just opened, another model chosen) nothing trains or queries yet: the loop carries on
 * by itself once they are (a batch not trained on trains, then the next round opens), so the
 * view says so rather than "query the next round" or "when training finishes".
 */
export function batchDoneWords(state: BatchDoneState): string {
  if (state.training) return 'The model is training on every label; the next batch opens by itself.';
  if (state.continuous) return 'Continuous mode: the model trains in the background and the queue is re-ranked.';
  if (!state.featuresReady) {
    return state.trainedOnBatch
      ? 'The next round opens by itself once feature extraction is complete.'
      : 'The model trains on this batch once feature extraction is complete; the next round then opens by itself.';
  }
  if (state.trainedOnBatch) return 'The model is trained on this batch: query the next round.';
  return 'The next round opens when training finishes.';
}
