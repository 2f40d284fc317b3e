/**
 * The evaluation set (a random sample never queried nor trained on), scoring every model
 * version against its labels, and the dashboard built from those scores.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../../src-shared/app-error';
import type { CalibrationView, Dashboard, EvaluationRoom } from '../../src-shared/contract';
import { evaluationCap, sampleRefusal } from '../../src-shared/evaluation-room';
import { reliability } from '../engine/quality/calibration';
import { SeededRandom } from '../core/seeded-random';
import { errorMessage, type AdaptationContext } from './adaptation-context';
import { heldOutCalibration } from './calibration-record';
import type { VersionRow } from './adaptation-store';
import type { HeadPredictions, LoopEvaluateResult } from '../engine/loop/loop-jobs';
import { curveHint, curvePoints, latestPoint } from './learning-curve';
import { backboneName, onOtherWeights } from './model-versions';
import type { PoolSession } from './pool-session';

export interface EvaluationScore {
  labeled: number;
  correct: number;
  confusion: { classIds: number[]; counts: number[][] } | null;
}

/** The evaluation labels: by image, their images in id order, and their `signature` (what a version is scored against). */
interface EvaluationLabels {
  labels: Map<number, number>;
  evalIds: number[];
  signature: string;
}

export class Evaluation {
  /**
   * Per model version, the evaluation labels it was last scored against (their `signature`, see
   * pending): every one of them predicted (predictedEvery).
   */
  private readonly scoredAgainst = new Map<number, string>();
  /**
   * Per model version, the evaluation labels the background pass scored it against on part of
   * them only: some had no features in the pool (not extracted yet, or unreadable), and the engine
   * predicted them -1. Its row keeps the score on the others (the dashboard says how many it leaves
   * out: Dashboard.withoutFeatures; `leftOut`: how many). Not asked again until the labels change
   * or features are extracted (`extraction`: featureExtractions when scored; featuresExtracted).
   * Its row's score stays partial until a pass predicts every label: an entry is removed only then
   * (so it also marks a version of another backbone, never scored again). Kept in the version's
   * row with its score (AdaptationStore.saveEvaluation) and read back when the project opens, as
   * scored on the features there are at the opening (extraction 0): a restart does not make a
   * partial score look whole, and the version is scored again after the next feature extraction.
   */
  private readonly partialAgainst = new Map<number, { signature: string; extraction: number; leftOut: number }>();
  /** Feature extractions completed since the project opened (featuresExtracted). */
  private featureExtractions = 0;
  /**
   * Per model version, the evaluation labels a scoring of it failed against: not asked again until
   * they change (the dashboard would otherwise say "measuring" for ever, and ask at every read).
   */
  private readonly failedAgainst = new Map<number, string>();
  /** Why the latest scoring failed (the versions of failedAgainst), or null. */
  private failure: string | null = null;
  /** The reliability of the latest version scored, on the labels it was scored against. */
  private calibration: (CalibrationView & { signature: string }) | null = null;
  /** The scoring running in the background (scorePending), or null. */
  private running: Promise<void> | null = null;

  constructor(
    private readonly ctx: AdaptationContext,
    private readonly pool: PoolSession,
  ) {
    for (const [version, { against, leftOut }] of ctx.store.partialScores()) this.partialAgainst.set(version, { signature: against, extraction: 0, leftOut });
  }

  /** Accuracy and confusion on the labeled evaluation images (`labels`), from top-1 predicted class ids. */
  private score(predicted: Map<number, number>, labels: Map<number, number>): EvaluationScore {
    const { store, project } = this.ctx;
    const classIds = project.classes.list().map((c) => c.id);
    const column = new Map(classIds.map((id, i) => [id, i]));
    const counts = classIds.map(() => classIds.map(() => 0));
    let labeled = 0;
    let correct = 0;
    for (const id of store.evaluationIds()) {
      const truth = labels.get(id);
      const guess = predicted.get(id);
      if (truth === undefined || guess === undefined || guess < 0) continue;
      labeled++;
      if (truth === guess) correct++;
      const row = column.get(truth);
      const col = column.get(guess);
      if (row !== undefined && col !== undefined) counts[row]![col]!++;
    }
    return { labeled, correct, confusion: labeled > 0 ? { classIds, counts } : null };
  }

  /**
   * The images a new evaluation sample draws from, in the seeded random order it takes them:
   * unlabeled, never queried, not yet in the evaluation set, none of `avoid`. The sampler that
   * also skips copies of training images is Duplicates.sampleEvaluation.
   */
  sampleOrder(avoid: ReadonlySet<number> = new Set()): number[] {
    const { ctx } = this;
    const queried = ctx.store.queriedIds();
    const evaluation = ctx.store.evaluationIds();
    const candidates = ctx.project.images
      .list({ kind: 'unlabeled' }, 0, 10_000_000)
      .items.map((i) => i.id)
      .filter((id) => !queried.has(id) && !evaluation.has(id) && !avoid.has(id));
    return new SeededRandom(ctx.seed ^ (evaluation.size + 1)).shuffled(candidates);
  }

  /** Add chosen images (from `sampleOrder`) to the evaluation set. */
  addSample(chosen: readonly number[]): { added: number; size: number } {
    const { ctx } = this;
    ctx.store.addEvaluation([...chosen]);
    ctx.changed('evaluation');
    return { added: chosen.length, size: ctx.store.evaluationIds().size };
  }

  /**
   * The evaluation set's size and cap and the loop's pool (src-shared/evaluation-room.ts: the
   * set may hold at most half of the images that are not training labels).
   */
  room(): EvaluationRoom {
    const counts = this.ctx.store.placeCounts();
    const notTraining = counts.present - counts.training;
    const cap = evaluationCap(notTraining);
    return {
      size: counts.evaluation,
      labeled: counts.evaluationLabeled,
      notTraining,
      cap,
      max: Math.max(0, Math.min(cap - counts.evaluation, counts.sampleable)),
      candidates: counts.sampleable,
      pool: counts.pool,
      unsure: counts.unsure,
    };
  }

  /** Refuse (BAD_ARGUMENT, nothing added) a sample of more images than the room allows. */
  checkSample(count: number): void {
    const refusal = sampleRefusal(this.room(), count);
    if (refusal) throw new AppError('BAD_ARGUMENT', refusal);
  }

  /**
   * Return `count` (default: all) of the evaluation set's images without a label to the loop's
   * pool. A random subset (seeded), never the last added or the last in folder order: what stays
   * must remain a random sample of the folder. Labeled evaluation images always stay: they are
   * the honest measure. Images marked unsure count as without a label.
   */
  release(count?: number): { released: number; room: EvaluationRoom } {
    const { ctx } = this;
    const labels = ctx.store.labels();
    const unlabeled = [...ctx.store.evaluationIds()].filter((id) => !labels.has(id)).sort((a, b) => a - b);
    const chosen = new SeededRandom(ctx.seed ^ (unlabeled.length + 7919)).shuffled(unlabeled).slice(0, count ?? unlabeled.length);
    if (chosen.length > 0) {
      ctx.store.removeEvaluation(chosen);
      ctx.changed('evaluation');
    }
    return { released: chosen.length, room: this.room() };
  }

  /**
   * The versions to score: trained on the backbone in use, on the weights its folder holds now
   * (the pool's features are those weights'; a head of another backbone, or of other weights under
   * its id (onOtherWeights), kept as the best or as their latest, keeps the score it had) and not yet scored against the current evaluation labels (`signature`), nor
   * failed against them, nor scored on part of them since the latest feature extraction.
   */
  private pending(): EvaluationLabels & { stale: VersionRow[]; modelId: string | null } {
    const { ctx } = this;
    const { labels, evalIds, signature } = this.evaluationLabels();
    const model = ctx.store.model();
    const modelId = model?.modelId ?? null;
    const stale =
      evalIds.length === 0 || modelId === null ? [] : ctx.store
            .versions()
            .filter((v) => v.modelId === modelId && !onOtherWeights(v, model) && this.scoredAgainst.get(v.version) !== signature && this.failedAgainst.get(v.version) !== signature && !this.partlyScored(v.version, signature) && ctx.headProblem(v.version) === null);
    return { stale, evalIds, labels, signature, modelId };
  }

  /** Whether `version` was scored on part of the labels of `signature` (partialAgainst) since the latest feature extraction. */
  private partlyScored(version: number, signature: string): boolean {
    const partial = this.partialAgainst.get(version);
    return partial !== undefined && partial.signature === signature && partial.extraction === this.featureExtractions;
  }

  /**
   * The versions whose stored score is on part of the labeled evaluation images it was scored
   * against (partialAgainst), each with how many of them it leaves out for want of features: not
   * comparable with a score on every one (keepReasons, the export's version list) and said on the
   * model card.
   */
  partialScores(): Map<number, number> {
    return new Map([...this.partialAgainst].map(([version, { leftOut }]) => [version, leftOut]));
  }

  /**
   * Features were extracted (the pool is loaded again from them): a version scored on part of the
   * evaluation labels for want of features is scored again, in the background, on all that now
   * have features. A pass under way on the pool before leaves its versions pending (the count it
   * recorded is behind), so the pass after it scores them.
   */
  featuresExtracted(): void {
    this.featureExtractions++;
    if (this.partialAgainst.size > 0) void this.scorePending();
  }

  /**
   * The evaluation labels now: by image, their images in id order, and their signature (what a
   * version is scored against): a SHA-256 of the image:class pairs, short enough to keep in a
   * version's row (a partial score's, partialAgainst) whatever the size of the set.
   */
  private evaluationLabels(): EvaluationLabels {
    const labels = this.ctx.store.evaluationLabels();
    const evalIds = [...labels.keys()].sort((a, b) => a - b);
    const signature = createHash('sha256').update(evalIds.map((id) => `${id}:${labels.get(id)}`).join()).digest('hex');
    return { labels, evalIds, signature };
  }

  /**
   * Record a version a training made (`save` writes its row, given its score) with its score on
   * the evaluation labels as they are now, from the training's own predictions of the evaluation
   * images (`evaluated`: of the images `asked`, by the head it saved; LoopTrainResult.evaluation),
   * and the reliability the background pass would compute: that pass then has nothing to ask the
   * engine for it (every training used to be scored twice). It counts as scored against these
   * labels from before its row is saved, so a dashboard read during the save (a large pool's is
   * written by another thread) does not ask for it either; not when the save fails. A labeled
   * evaluation image that was not asked (sampled during the training), or that the training could
   * not predict (it had no features yet), leaves its scoring to the background pass: the row is
   * saved without a score meanwhile (evalLabeled 0; the dashboard says it is being measured), never
   * with a score on part of the labels shown as if on all.
   */
  async saveTrained(
    version: Omit<VersionRow, 'evalLabeled' | 'evalCorrect' | 'confusion'>,
    asked: readonly number[],
    evaluated: HeadPredictions,
    save: (row: VersionRow) => Promise<void>,
  ): Promise<void> {
    const { ctx } = this;
    const { labels, evalIds, signature } = this.evaluationLabels();
    const at = new Map(asked.map((id, k) => [id, k]));
    const ids = evalIds.filter((id) => at.has(id));
    const inOrder = (values: readonly number[]): number[] => ids.map((id) => values[at.get(id) as number] as number);
    const entry = { classIndex: inOrder(evaluated.classIndex), confidence: inOrder(evaluated.confidence), rawConfidence: inOrder(evaluated.rawConfidence), temperature: evaluated.temperature };
    const guesses = guessesOf(version, ids, entry);
    // Every labeled evaluation image asked (one not asked has no guess), and predicted.
    const complete = predictedEvery(guesses, evalIds);
    const result = complete ? this.score(guesses, labels) : UNSCORED;
    if (complete) {
      this.scoredAgainst.set(version.version, signature);
      this.failedAgainst.delete(version.version);
    }
    try {
      await save({ ...version, evalLabeled: result.labeled, evalCorrect: result.correct, confusion: result.confusion });
    } catch (error) {
      this.scoredAgainst.delete(version.version);
      throw error;
    }
    if (ctx.isClosed || evalIds.length === 0) return;
    if (complete && version.version === ctx.store.latestVersion()?.version) this.calibration = { ...calibrationOf(version, ids, labels, guesses, entry), signature };
    ctx.changed('scores');
  }

  /**
   * Score the pending versions once (a new version alone after a round, every version when
   * evaluation labels change): how many got a score, and whether the pass failed. A version the
   * engine could not predict every labeled evaluation image for (predictedEvery: one without
   * features) keeps the score on the others, is not counted as scored on these labels, and waits
   * for the next feature extraction (partialAgainst).
   */
  private async scoreOnce(): Promise<{ scored: number; failed: boolean }> {
    const { ctx } = this;
    const nothing = { scored: 0, failed: false };
    const { stale, evalIds, labels, signature, modelId } = this.pending();
    // The features this pass's pool was loaded from, at the latest (its load is asked for below).
    const extraction = this.featureExtractions;
    if (stale.length === 0 || modelId === null || ctx.isClosed) return nothing;
    let predicted: LoopEvaluateResult['predicted'];
    try {
      await this.pool.prepare();
      predicted = (
        await ctx.engine().request('loopEvaluate', {
          modelId,
          heads: stale.map((v) => ({ version: v.version, dir: ctx.headDir(v.version) })),
          imageIds: evalIds,
        })
      ).predicted;
    } catch (error) {
      if (ctx.isClosed) return nothing;
      for (const v of stale) this.failedAgainst.set(v.version, signature);
      this.failure = errorMessage(error);
      ctx.log(`evaluation: ${this.failure}`);
      return { scored: 0, failed: true };
    }
    // Closed meanwhile: its database is gone, and nothing of it may reach the next project.
    if (ctx.isClosed) return nothing;
    this.failure = null;
    let scored = 0;
    for (const entry of predicted) {
      const { version } = entry;
      const row = stale.find((v) => v.version === version);
      if (!row) continue;
      const guesses = guessesOf(row, evalIds, entry);
      // The labels this pass asked about: a label changed since makes the version pending again.
      const result = this.score(guesses, labels);
      if (version === ctx.store.latestVersion()?.version) this.calibration = { ...calibrationOf(row, evalIds, labels, guesses, entry), signature };
      const whole = predictedEvery(guesses, evalIds);
      const leftOut = Math.max(0, evalIds.length - result.labeled);
      ctx.store.saveEvaluation(version, result.labeled, result.correct, result.confusion, whole ? null : { against: signature, leftOut });
      if (whole) {
        this.scoredAgainst.set(version, signature);
        this.partialAgainst.delete(version);
      } else {
        this.scoredAgainst.delete(version);
        this.partialAgainst.set(version, { signature, extraction, leftOut });
      }
      this.failedAgainst.delete(version);
      scored++;
    }
    return { scored, failed: false };
  }

  /**
   * Score every pending version. One scoring runs at a time and every caller while it runs shares
   * it; it goes on while versions trained (or labels changed) meanwhile are pending, and stops at a
   * pass that scores nothing. A failed pass is remembered against its labels (failedAgainst): those
   * versions are not pending again until the labels change, and the dashboard says why. A version
   * scored on part of the labels for want of features is remembered too (partialAgainst): not
   * pending again until the labels change or features are extracted (featuresExtracted). Each pass
   * that saved a score, or failed, announces 'scores', and a dashboard on screen reads them (that
   * read asks for nothing more: what it finds pending was announced already or is new). The
   * dashboard never waits for it: the engine may be busy training for seconds to minutes, and the
   * counts must not wait. Resolves once nothing is pending; never rejects.
   */
  scorePending(): Promise<void> {
    this.running ??= this.scoreAll().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async scoreAll(): Promise<void> {
    const { ctx } = this;
    for (;;) {
      const { scored, failed } = await this.scoreOnce();
      if (scored > 0 || failed) ctx.changed('scores');
      if (scored === 0) return;
    }
  }

  async dashboard(): Promise<Dashboard> {
    const { ctx } = this;
    // Scored in the background (scorePending): what is scored now is shown, with the versions still to score.
    const pending = this.pending();
    if (pending.stale.length > 0) void this.scorePending();
    const versions = ctx.store.versions();
    // Asked again after every label while the dashboard or the adapt view shows: nothing here reads
    // every label (reading them twice took 350–1,500 ms at 100,000 labels). A class's training
    // labels are its labels on present images less its evaluation ones, both as the class list
    // counts them (ClassStore), so the dashboard, the class bar and the gallery say the same split.
    const used = ctx.store.usedModels();
    const backbone = (modelId: string): string => backboneName(modelId, used);
    const curve = curvePoints(versions, backbone);
    const latestScored = latestPoint(versions, backbone);
    const perClass = ctx.project.classes
      .list()
      .map((c) => ({ classId: c.id, name: c.name, color: c.color, training: c.labelCount - c.evaluationCount, evaluation: c.evaluationCount }));
    const room = this.room();
    const latest = versions[versions.length - 1];
    // The latest version's reliability on the evaluation labels as they are now (none while it is scored again on new ones).
    const calibration =
      this.calibration && latest && this.calibration.modelVersion === latest.version && this.calibration.signature === pending.signature ? withoutSignature(this.calibration) : null;
    // The labeled evaluation images the headline leaves out: they had no features when it was scored on the labels as they are now.
    const partial = latestScored && this.partialAgainst.get(latestScored.modelVersion);
    const withoutFeatures = latestScored && partial && partial.signature === pending.signature ? partial.leftOut : 0;
    return {
      trainingLabels: ctx.store.trainingLabelCount(),
      evaluation: room,
      accuracyKnown: curve.length > 0,
      curve,
      latest: latestScored,
      perClass,
      confusion: latest?.confusion ?? null,
      plateau: curveHint(curve),
      calibration,
      scoring: pending.stale.map((v) => v.version),
      withoutFeatures,
      scoringFailed: this.failure !== null && [...this.failedAgainst.values()].includes(pending.signature) ? this.failure : null,
    };
  }
}

/** The score of a version not scored (yet): the learning curve and the headline leave it out (evalLabeled 0). */
const UNSCORED: EvaluationScore = { labeled: 0, correct: 0, confusion: null };

/**
 * Whether `guesses` (guessesOf) predict every labeled evaluation image of `evalIds`: the rule for
 * a version to count as scored on those labels, the training's (saveTrained) as the background
 * pass's. An image not asked has no guess; one without features in the pool is predicted -1.
 */
function predictedEvery(guesses: ReadonlyMap<number, number>, evalIds: readonly number[]): boolean {
  return evalIds.every((id) => (guesses.get(id) ?? -1) >= 0);
}

/** A version's predicted class id of each image of `evalIds` (-1 without features), from its head's class indices. */
function guessesOf(version: Pick<VersionRow, 'classes'>, evalIds: readonly number[], entry: Pick<HeadPredictions, 'classIndex'>): Map<number, number> {
  return new Map(evalIds.map((id, k) => [id, version.classes[entry.classIndex[k] as number]?.id ?? -1]));
}

function withoutSignature(view: CalibrationView & { signature: string }): CalibrationView {
  const { signature: _signature, ...rest } = view;
  return rest;
}

function calibrationOf(
  version: Pick<VersionRow, 'version' | 'metrics'>,
  evalIds: readonly number[],
  labels: Map<number, number>,
  guesses: Map<number, number>,
  entry: HeadPredictions,
): CalibrationView {
  const confidence: number[] = [];
  const raw: number[] = [];
  const correct: boolean[] = [];
  evalIds.forEach((id, k) => {
    const p = entry.confidence[k] as number;
    if (p < 0) return;
    confidence.push(p);
    raw.push(entry.rawConfidence[k] as number);
    correct.push(guesses.get(id) === labels.get(id));
  });
  const shown = reliability(confidence, correct);
  return {
    modelVersion: version.version,
    temperature: entry.temperature,
    evaluated: confidence.length,
    bins: shown.bins,
    ece: shown.ece,
    eceUncalibrated: reliability(raw, correct).ece,
    heldOut: heldOutCalibration(version.metrics),
  };
}
