/**
 * Rounds of the active loop: settings, querying a batch, training a version when the batch
 * is labeled (or continuously), and the current model's suggestions. The engine worker
 * selects (loopSelect) and trains (loopTrain); this module records the results.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { AppError } from '../../src-shared/app-error';
import { duplicateCriteria, type LabelAction, type LoopSettings, type ModelProblem, type RoundInfo, type Suggestion } from '../../src-shared/contract';
import { isDecided } from '../../src-shared/requests/images';
import { scoreKindOf } from '../../src-shared/typical-pick';
import { nextQueryTradeoff, type NextQueryTradeoff } from '../../src-shared/tradeoff';
import { JobReporter } from '../core/job-reporter';
import { appCacheRedecodes } from '../engine/features/feature-store';
import { errorMessage, type AdaptationContext } from './adaptation-context';
import type { RoundItem, VersionClass } from './adaptation-store';
import { calibrationVersionMetrics } from './calibration-record';
import { KEEP_LATEST_VERSIONS, onOtherWeights } from './model-versions';
import type { Evaluation } from './evaluation';
import type { FeatureExtraction } from './feature-extraction';
import type { ModelSession } from './model-session';
import type { PoolSession } from './pool-session';
import { TrainingScheduler, type SchedulerTimers } from './training-scheduler';

/** Why a next round is refused while the open batch is untouched and nothing changed. */
const UNCHANGED_BATCH =
  'Nothing in this batch is labeled yet, and the labels, the model and the settings are as they were when it was asked for: a next round would only be another draw. Label some of its images or mark them unsure (.), change a setting, or train, then ask again.';

/** Rankings made again in a row because their head was no recorded version's (ActiveLoop.versionOfHead). */
const MAX_STALE_RANKINGS = 2;

/**
 * Why the app trains the classifier in use again by itself (ActiveLoop.retrainDue): `model`, it
 * was trained on another pre-trained model than the chosen one (the expert switched); `weights`,
 * on the chosen model's id but other weights (a model folder whose own adma-model.json kept its
 * id over new files, chosen again as a new model: model-versions.ts onOtherWeights); `features`,
 * the chosen model's features it learned from were computed again since (images deeper than 8
 * bits read otherwise than when they were made: FeatureStore.redecodes).
 */
export type RetrainReason = 'model' | 'weights' | 'features';

const sameImages = (a: readonly { imageId: number }[], b: readonly { imageId: number }[]): boolean =>
  a.length === b.length && a.every((item, k) => item.imageId === b[k]?.imageId);

export class ActiveLoop {
  readonly scheduler: TrainingScheduler;
  /**
   * The undecided images re-ranks took out of the open batch, with their ranking. The page
   * learns of a re-rank a moment after it is stored, so the expert may be shown one of them as
   * part of the batch and label it: such a label still counts for the batch (reclaimDropped).
   */
  private dropped: { roundId: number; items: Map<number, RoundItem> } | null = null;

  constructor(
    private readonly ctx: AdaptationContext,
    private readonly parts: { pool: PoolSession; features: FeatureExtraction; model: ModelSession; evaluation: Evaluation },
    timers?: SchedulerTimers,
  ) {
    this.scheduler = new TrainingScheduler(
      {
        train: () => this.runTraining(),
        query: () => this.refreshQueue(),
        trainingChanged: () => ctx.engineChanged(),
        log: ctx.log,
      },
      timers,
    );
  }

  /** Called after labels or settings changed (set by the adaptation: the check for no up or down, symmetry-check.ts). */
  afterChange: () => void = () => {};

  settings(): LoopSettings {
    return this.ctx.store.settings();
  }

  updateSettings(changes: Partial<LoopSettings>): LoopSettings {
    const { ctx } = this;
    const before = ctx.store.settings();
    const next: LoopSettings = { ...before, ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) };
    const choice = ctx.store.model()?.choice;
    if (next.mode === 'deep' && choice?.kind === 'folder' && choice.onnx) {
      throw new AppError('UNSUPPORTED', 'Deep mode is not available with an ONNX model: it fine-tunes the layers above the cut, which needs a TF.js Layers model. Use light mode.');
    }
    ctx.store.saveSettings(next);
    if (next.mode !== before.mode) {
      this.parts.pool.invalidate();
      if (next.mode === 'deep') this.parts.features.start(); // deep mode needs the cut-layer activations
    }
    // Continuous mode keeps the model in step with the settings it trains under.
    if (next.continuous && (!before.continuous || next.symmetries !== before.symmetries)) this.scheduler.schedule();
    this.afterChange();
    ctx.engineChanged();
    return next;
  }

  currentRound(): RoundInfo | null {
    return this.ctx.store.latestRound();
  }

  /**
   * The trade-off of the next new batch (t = query rounds so far; λ held at 0 while
   * uncertainty is undefined). The settings panel computes the same with the same function.
   */
  nextQuery(queryRounds = this.ctx.store.roundCount()): NextQueryTradeoff {
    const { store } = this.ctx;
    return nextQueryTradeoff({
      schedule: store.settings().schedule,
      queryRounds,
      labeledClassCount: new Set(this.ctx.trainingLabels().values()).size,
      trained: store.latestVersion() !== null,
    });
  }

  /** Open a new round: query a batch (the "next batch" request, or a finished batch's successor). */
  nextRound(): Promise<RoundInfo> {
    return this.serially(() => this.query(null));
  }

  /**
   * After a training: a finished (or missing) batch gets a new round; an open batch is
   * re-ranked in place with the new model (its labeled items kept), so continuous mode's
   * retrains do not open rounds.
   */
  refreshQueue(): Promise<RoundInfo> {
    return this.serially(() => this.query(this.openBatch()));
  }

  /** The latest round while its batch has undecided images; null when it is done or there is none. */
  private openBatch(): RoundInfo | null {
    const round = this.ctx.store.latestRound();
    return round !== null && round.items.length > 0 && round.labeled < round.items.length ? round : null;
  }

  /**
   * A classifier on the chosen model is in use after the retrain of a switch: the open batch's
   * undecided images were chosen by the model before, so they are chosen again by the new one,
   * re-ranked in place as continuous mode's retrains do (refreshQueue: what is decided stays
   * where it is, same round, batch size and t; the page keeps the image on screen and a label
   * given to an image taken out still counts, see ARCHITECTURE.md "Rounds, versions and t").
   * A finished batch is left to its next round; a round opened (or re-ranked) since with this
   * version, or a version that is not the chosen model's (another switch meanwhile: its own
   * retrain re-ranks), too.
   */
  private rerankWithChosenModel(): Promise<void> {
    const { ctx } = this;
    return this.serially(async () => {
      const open = this.openBatch();
      const latest = ctx.store.latestVersion();
      if (ctx.isClosed || open === null || latest === null || latest.modelId !== ctx.store.model()?.modelId || (open.rerankedWith ?? open.modelVersion) >= latest.version) return;
      await this.query(open);
    });
  }

  /** Queries run one at a time, so a re-rank never races the opening of a round. */
  private queries: Promise<unknown> = Promise.resolve();

  private serially<T>(run: () => Promise<T>): Promise<T> {
    const result = this.queries.then(run);
    this.queries = result.catch(() => undefined);
    return result;
  }

  private async query(open: RoundInfo | null, attempt = 0): Promise<RoundInfo> {
    const { ctx } = this;
    const { pool, features } = this.parts;
    if (!ctx.store.model()) throw new AppError('CONFLICT', 'Choose a pre-trained model first (Adapt view).');
    const firstPool = features.status.state !== 'complete' && !pool.isPrepared;
    const modelId = await pool.prepare().catch((error: unknown) => {
      if (!firstPool) throw error;
      const { done, total } = features.status;
      throw new AppError('BUSY', `Features are not ready yet (${done} of ${total} images): ${errorMessage(error)}`);
    });
    const settings = ctx.store.settings();
    const labels = ctx.trainingLabels();
    // A new round while the open one has nothing decided and nothing changed since it was asked
    // for (labels, unsure marks, the evaluation set, the model, the settings) would only be
    // another draw: refused, so rounds (and t) count batches the expert answered.
    const state = this.queryState(labels);
    const before = ctx.store.latestRound();
    if (open === null && before !== null && !before.items.some(isDecided) && this.askedFor?.roundId === before.id && this.askedFor.state === state) {
      throw new AppError('CONFLICT', UNCHANGED_BATCH);
    }
    const kept = open ? open.items.filter(isDecided) : [];
    const batchSize = (open?.batchSize ?? settings.batchSize) - kept.length;
    const { t } = this.nextQuery(open ? open.index : ctx.store.roundCount());
    const droppedBefore = this.headsDropped;
    const { items: ranked, headDir } = await ctx.engine().request('loopSelect', {
      modelId,
      strategy: settings.strategy,
      schedule: settings.schedule.kind === 'linear' ? { kind: 'linear', step: settings.schedule.step } : { kind: 'exponential', gamma: settings.schedule.gamma },
      uncertainty: settings.uncertainty,
      batchSize,
      round: t,
      labeledIds: [...labels.keys()],
      // Unsure images are not asked again: the expert already said they cannot decide.
      excludedIds: [...new Set([...ctx.store.evaluationIds(), ...ctx.project.labels.unsureIds()])],
      labeledClassCount: new Set(labels.values()).size,
      seed: ctx.seed,
      // The one near-duplicate test at the project's threshold, as the Duplicates view shows it.
      nearDuplicates: duplicateCriteria(settings.duplicateSimilarity),
    });
    // Each pick's kind of score, recorded with it (the strategy it was ranked by may not be the open round's).
    const items = ranked.map((item) => ({ ...item, scoreKind: scoreKindOf(settings.strategy, item) }));
    // The project was closed while the engine ranked (or while a training the ranking waited for ended): nothing to record it in.
    const closed = (): AppError => new AppError('CANCELLED', 'The project was closed while the batch was being chosen: no batch was recorded.');
    if (ctx.isClosed) throw closed();
    // The version the ranking is recorded as chosen by (a new round's, or a re-rank's: RoundInfo.rerankedWith):
    // the one whose head the worker ranked with. Not the latest version recorded now: a training
    // recorded meanwhile did not rank this batch, and the worker ranks with a new head as soon as it
    // is trained, before its version is recorded here.
    const rankedWith = await this.versionOfHead(headDir, droppedBefore, attempt);
    if (ctx.isClosed) throw closed();
    // Ranked by a head no version records (a training that failed once the worker used it): made again.
    if (rankedWith === null) return this.query(open, attempt + 1);
    if (open) {
      // The expert keeps labeling while the engine ranks: read the batch again now, keep every
      // item decided by now first, where it was, and fill only the places still open with
      // images still undecided (a label that landed during the query must not be re-ranked away).
      const latest = ctx.store.latestRound();
      const current = latest !== null && latest.id === open.id ? latest : open;
      const keptNow = current.items.filter(isDecided);
      const taken = new Set([...keptNow.map((item) => item.imageId), ...ctx.trainingLabels().keys(), ...ctx.project.labels.unsureIds()]);
      const fresh = items.filter((item) => !taken.has(item.imageId)).slice(0, Math.max(0, current.batchSize - keptNow.length));
      if (fresh.length > 0 || keptNow.length > kept.length) {
        const next = [...keptNow, ...fresh];
        const nextIds = new Set(next.map((item) => item.imageId));
        if (this.dropped?.roundId !== open.id) this.dropped = { roundId: open.id, items: new Map() };
        for (const item of current.items) if (!nextIds.has(item.imageId)) this.dropped.items.set(item.imageId, item);
        for (const id of nextIds) this.dropped.items.delete(id);
        ctx.store.rerankRound(open.id, items[0]?.lambda ?? open.lambda, next, fresh.length > 0 ? rankedWith : null);
      }
    } else {
      if (items.length === 0) throw new AppError('CONFLICT', this.nothingToQuery());
      // The same images again (a deterministic strategy on a model not trained since): refused too.
      const latest = ctx.store.latestRound();
      if (latest !== null && !latest.items.some(isDecided) && sameImages(latest.items, items)) {
        throw new AppError(
          'CONFLICT',
          'The next round would ask for the same images: nothing in this batch is labeled yet, and the model ranks the images as it did. Label some of its images or mark them unsure (.), change a setting, or train, then ask again.',
        );
      }
      ctx.store.saveRound(
        {
          index: t,
          strategy: settings.strategy,
          lambda: items[0]?.lambda ?? null,
          schedule: settings.schedule,
          batchSize: settings.batchSize,
          modelVersion: rankedWith,
        },
        ctx.store.model()?.modelId as string,
        items,
      );
    }
    const round = ctx.store.latestRound() as RoundInfo;
    this.askedFor = { roundId: round.id, state };
    ctx.roundQueried(round);
    return round;
  }

  /**
   * The version of the head a ranking was made with (LoopSelectResult.headDir; 0: without a
   * classifier), always a recorded one: a round never names a version no row records, whose
   * number the next training would give to another head. The worker ranks with a training's head
   * from before its version is recorded: a ranking by the running training's head waits for it to
   * end. Null when the head is no recorded version's (its training failed: the worker's pool
   * holds the head before again, put back by the worker or reloaded, trainVersion), or a training
   * that may have ranked it failed while it was asked for (`droppedBefore`, headsDropped then:
   * its number may be recorded since by another head): the ranking is stale and made again.
   * After MAX_STALE_RANKINGS such, recorded as the latest version's, and logged.
   */
  private async versionOfHead(headDir: string | null, droppedBefore: number, attempt: number): Promise<number | null> {
    const { ctx } = this;
    const version = ctx.headVersion(headDir);
    if (version === 0) return 0;
    if (version !== null) {
      const training = this.training;
      if (training?.version === version && ctx.store.version(version) === null) await training.settled;
      if (ctx.isClosed) return null; // (query refuses it)
      if (ctx.store.version(version) !== null && this.headsDropped === droppedBefore) return version;
      if (attempt < MAX_STALE_RANKINGS) return null;
    }
    // Not a head folder of this project (never so: the worker's heads are the ones named here), or stale again and again.
    ctx.log(`active loop: the batch was ranked with a head no recorded version is known to have (${headDir}); recorded as the latest version's`);
    return ctx.store.latestVersion()?.version ?? 0;
  }

  /**
   * The training under way (trainVersion): the version it is to record, and a promise settled
   * once it is recorded or has failed. The worker ranks with its head before then (versionOfHead).
   */
  private training: { version: number; settled: Promise<void> } | null = null;
  /** Trainings that failed after they were asked of the engine: their head may have ranked a batch (versionOfHead). */
  private headsDropped = 0;

  /** The round last asked for here, and the state it was asked in (not kept across a restart: then never refused). */
  private askedFor: { roundId: number; state: string } | null = null;

  /** A digest of what a query reads: labels, unsure marks, the evaluation set, the model version, the settings, the images present. */
  private queryState(trainingLabels: ReadonlyMap<number, number>): string {
    const { store, project } = this.ctx;
    const sorted = (ids: Iterable<number>): number[] => [...ids].sort((a, b) => a - b);
    const labels = [...trainingLabels].sort((a, b) => a[0] - b[0]);
    return createHash('sha256')
      .update(JSON.stringify([labels, sorted(project.labels.unsureIds()), sorted(store.evaluationIds()), store.latestVersion()?.version ?? 0, store.settings(), project.images.presentCount()]))
      .digest('hex');
  }

  /** Why a query found nothing, and what the expert can do about it. */
  private nothingToQuery(): string {
    const room = this.parts.evaluation.room();
    const waiting = room.size - room.labeled;
    const ways = [
      ...(waiting > 0 ? [`return the evaluation set's ${waiting} unlabeled image${waiting === 1 ? '' : 's'} to the pool (Dashboard), or label them to measure accuracy`] : []),
      'add images to the folder and rescan',
    ];
    return `Every image with features is labeled, marked unsure or in the evaluation set: there is nothing left to query. To go on, ${ways.join('; ')}.`;
  }

  /** After any label change: train when the batch is done (or continuously), then re-query. */
  onLabelsChanged(): void {
    const { ctx } = this;
    if (ctx.isClosed || !ctx.store.model()) return;
    this.afterChange();
    const round = this.reclaimDropped(ctx.store.latestRound());
    // The header and the model panel say how many labels the classifier in use was trained on
    // of how many there are now: the status goes out again once there is a classifier.
    if (ctx.store.latestVersion() !== null) ctx.engineChanged();
    this.scheduler.labelsChanged({
      continuous: ctx.store.settings().continuous,
      batchDone: round !== null && round.items.length > 0 && round.labeled === round.items.length,
      trainedOnBatch: round !== null && round.trained,
    });
  }

  /**
   * An undo or redo took back (or put back) labels: when the model in use was trained after the
   * action was first done, it learned from labels that no longer stand (a bulk label that
   * finished a batch trains at once; its undo must not leave that model in use, exported or
   * suggesting). Retrain now, in batch mode too; continuous mode retrains on every change anyway.
   */
  labelsReplayed(action: LabelAction): void {
    const { ctx } = this;
    if (ctx.isClosed || !ctx.store.model() || ctx.store.settings().continuous) return;
    const version = ctx.store.latestVersion();
    const doneAt = ctx.project.labels.doneAt(action.actionId);
    if (!version || !doneAt || version.trainedAt <= doneAt) return;
    const evaluation = ctx.store.evaluationIds();
    if (action.imageIds.some((id) => !evaluation.has(id))) this.scheduler.schedule();
  }

  /**
   * The features are ready (after open, a rescan or a model choice): the loop goes on where it
   * was (carryOn). A batch labeled to its end with no round after it (the project was closed, or
   * the host stopped, between its last label and its training, or between that training and the
   * next query) trains if it is not trained on yet and gets its next round, as it would have
   * right after that label or that training. An open batch is left as it is.
   */
  resume(): void {
    this.carryOn();
  }

  /**
   * Images came back to the loop's pool (the evaluation set returned its unlabeled ones): a
   * finished batch whose successor found nothing to ask gets its next round now, as it would
   * have after its training; one not trained yet trains first (carryOn).
   */
  poolGrew(): void {
    this.carryOn();
  }

  /**
   * The latest batch is labeled to its end and no round follows it: what the loop does after a
   * batch's last label is done now. Batch mode: train when the model in use has not learned
   * every label of the batch (the query follows the training, TrainingScheduler), else query the
   * next round. Continuous mode: a finished batch is replaced at once, as after its last label,
   * and labels given since the latest version are trained on in the background (continuousDue).
   * An open batch, no round yet, or a training running (its query follows it) is left alone;
   * a query that finds nothing left to ask (CONFLICT) waits for images, as the label view says.
   */
  private carryOn(): void {
    const { ctx } = this;
    if (ctx.isClosed || !ctx.store.model() || this.scheduler.isTraining) return;
    const continuous = ctx.store.settings().continuous;
    if (continuous && this.continuousDue()) this.scheduler.schedule();
    const round = ctx.store.latestRound();
    if (round === null || round.items.length === 0 || round.labeled < round.items.length) return;
    if (!round.trained && !continuous) {
      this.onLabelsChanged();
      return;
    }
    this.queryAfter(round.id).catch(this.logFailure);
  }

  /**
   * Continuous mode trains after every label change: labels given (or taken back) after the
   * latest version was trained, with two classes or more to learn, were not trained on yet.
   */
  private continuousDue(): boolean {
    const { store, project } = this.ctx;
    const latest = store.latestVersion();
    if (latest === null) return store.trainingClassCount(2) >= 2;
    return project.labels.changesSince(latest.trainedAt) > 0;
  }

  /**
   * The next round after `roundId`, when that round is still the latest once the queries before
   * this one have run (one opened meanwhile, by "Next round now" or a training's query, is not
   * queried again nor re-ranked).
   */
  private queryAfter(roundId: number): Promise<RoundInfo | null> {
    return this.serially(async () => {
      if (this.ctx.isClosed || this.ctx.store.latestRound()?.id !== roundId || this.openBatch() !== null) return null;
      return this.query(null);
    });
  }

  /** A query or training the loop started by itself failed: logged, unless it only found nothing to do (CONFLICT). */
  private readonly logFailure = (error: unknown): void => {
    if (!(error instanceof AppError && error.code === 'CONFLICT')) this.ctx.log(`active loop: ${errorMessage(error)}`);
  };

  /**
   * Images a re-rank took out of the open batch and that have been labeled (or marked unsure)
   * since go back into it, in place of its last undecided ones: what the expert labeled as
   * part of the batch counts for it, so a re-ranked batch is done after as many labels as any
   * other. Returns the round as it is now.
   */
  private reclaimDropped(round: RoundInfo | null): RoundInfo | null {
    const dropped = this.dropped;
    if (!dropped || round === null || round.id !== dropped.roundId) {
      this.dropped = null;
      return round;
    }
    const decided = this.ctx.store.decidedAmong([...dropped.items.keys()]);
    if (decided.size === 0) return round;
    const open = round.items.filter((item) => !isDecided(item));
    const back = [...decided].slice(0, open.length).map((id) => dropped.items.get(id) as RoundItem);
    for (const id of decided) dropped.items.delete(id);
    if (back.length === 0) return round;
    this.ctx.store.rerankRound(round.id, round.lambda, [...round.items.filter(isDecided), ...back, ...open.slice(0, open.length - back.length)], null);
    const now = this.ctx.store.latestRound() as RoundInfo;
    this.ctx.roundQueried(now);
    return now;
  }

  /** Fine-tune a new version on every training label; resolves when it is recorded. */
  train(): Promise<void> {
    return this.scheduler.train();
  }

  get isTraining(): boolean {
    return this.scheduler.isTraining;
  }

  suggestion(imageId: number): Suggestion | null {
    return this.ctx.store.suggestion(imageId);
  }

  /** The classes a training on these labels learns (those with labels), with their label counts. */
  private classesOf(labels: ReadonlyMap<number, number>): VersionClass[] {
    const perClass = new Map<number, number>();
    for (const classId of labels.values()) perClass.set(classId, (perClass.get(classId) ?? 0) + 1);
    return this.ctx.project.classes
      .list()
      .filter((c) => perClass.has(c.id))
      .map((c) => ({ id: c.id, name: c.name, labels: perClass.get(c.id) as number }));
  }

  /**
   * Why the labels so far (two classes or more, as any training needs) are to train a classifier
   * by itself, once the features are complete (retrainOnChosenModel); null when they are not.
   * `model`: the classifier in use was trained on another pre-trained model than the chosen one
   * (the expert switched). `weights`: on the chosen model's id, with other files than the ones
   * recorded for it now (onOtherWeights: the folder's weights changed and the expert chose it
   * again as a new model), so it predicts on features of weights it never saw, and its export
   * would pair the new files with it. `features`: it was trained on the chosen model, against fewer
   * redecodes of its feature cache than the app read since (featuresRecomputedSince): some rows
   * it learned from were computed again, from images now read as this version reads them (as an
   * export feeds them to the model), so its suggestions, rankings and export are of features the
   * project no longer has, as `adma predict` refuses such a head (cli-workspace.ts headOutdated).
   */
  retrainDue(): RetrainReason | null {
    const { store } = this.ctx;
    const model = store.model();
    const modelId = model?.modelId;
    const latest = store.latestVersion();
    if (!model || !modelId || !latest) return null;
    const reason: RetrainReason | null =
      latest.modelId !== modelId ? 'model' : onOtherWeights(latest, model) ? 'weights' : this.featuresRecomputedSince(latest.featureRedecodes ?? 0, modelId) ? 'features' : null;
    // Read in every engine status while the new model's features are extracted (hours at
    // 100,000 images, labeling meanwhile): a count that stops at two, not every training label.
    return reason !== null && store.trainingClassCount(2) >= 2 ? reason : null;
  }

  /**
   * The chosen model's feature cache's redecodes (FeatureStore.redecodes) as the app last read
   * it (readFeatureRedecodes), for `modelId`; null when none was read for it.
   */
  private redecodesRead: { modelId: string; count: number } | null = null;

  /**
   * Read the chosen model's feature cache's redecodes (appCacheRedecodes): the count of the rows
   * a pool loaded from now is made of. Called at the project's open and at a model choice, before
   * an extraction begins (one may forget rows then: forgetDecodedOtherwise), and when an
   * extraction completed, before the pool is loaded again from its rows (Adaptation). A count that
   * cannot be read now leaves the one read before.
   */
  readFeatureRedecodes(): void {
    const modelId = this.ctx.store.model()?.modelId;
    if (!modelId) return;
    const count = appCacheRedecodes(this.ctx.project.root, modelId);
    if (count !== null) this.redecodesRead = { modelId, count };
  }

  /**
   * The redecodes a training on `modelId` is recorded as trained against (VersionRow.featureRedecodes):
   * the count last read. The count only grows, and every pool is loaded after a read (from rows at
   * that count or a later one), so a version never records more than its rows': a retrain is at
   * worst one too many, never one missed. 0 when none was read for that model (its features not
   * complete since it was chosen and no read possible: trained again once they are, if the count
   * is more than 0 then).
   */
  private redecodesFor(modelId: string): number {
    return this.redecodesRead?.modelId === modelId ? this.redecodesRead.count : 0;
  }

  /** Whether the redecodes read for `modelId` are more than `trainedAgainst` (the latest version's on it). */
  private featuresRecomputedSince(trainedAgainst: number, modelId: string): boolean {
    return this.redecodesFor(modelId) > trainedAgainst;
  }

  /**
   * The chosen model's features are complete (after a switch, a restart or a rescan): when the
   * classifier in use is another model's, or learned from features computed again since
   * (retrainDue), train one on every label so far with the chosen model, in either mode, as Train
   * now does, then let it choose the open batch's undecided images (rerankWithChosenModel). After
   * the running training, checked then: a training of a model chosen before must not stay the
   * latest version, the last model chosen wins. Its errors are a training's (the job's failure is
   * shown; the log has the rest).
   *
   * Checked on every completion, so also when the project is opened: the chosen model differs
   * from the classifier's only while a switch's retrain is owed (the app was closed before it
   * ended, or it failed). The classifier in use is always the latest version; an expert who goes
   * back to another model (to export one of its versions, as the export dialog says) chooses it
   * in Adapt, a switch like any other, retrained in the session as soon as its features are
   * ready, and the versions before stay kept and exportable (model-versions.ts keepReasons).
   */
  retrainOnChosenModel(): void {
    const { ctx } = this;
    const due = (): boolean => !ctx.isClosed && this.parts.features.status.state === 'complete' && this.retrainDue() !== null;
    this.retrains++;
    this.retrainFailedOn = null;
    // Not checked before the running training ends: it may be the training of a model chosen
    // before, and its version the latest after it (a switch back to the model in use then).
    this.scheduler
      .trainWhenDue(due)
      .then(
        (trained) => {
          if (trained) this.rerankWithChosenModel().catch(this.logFailure);
        },
        (error: unknown) => {
          if (this.retrains === 1) this.retrainFailedOn = ctx.store.model()?.modelId ?? null;
          this.logFailure(error);
          ctx.engineChanged(); // no longer promised: the status says Train now again
        },
      )
      .finally(() => this.retrains--);
  }

  /** retrainOnChosenModel calls not ended yet. */
  private retrains = 0;
  /** The chosen model whose retrain ended in an error (until the next retrainOnChosenModel). */
  private retrainFailedOn: string | null = null;

  /**
   * Why the app trains a classifier on the chosen model by itself (EngineStatus.backboneRetrain,
   * featuresRetrain): the one in use is another model's, or learned from features computed again
   * since (retrainDue), and its retrain is waiting for the features, about to start or running;
   * null after it failed (then Train now, as after any failed training). `reason`: retrainDue's,
   * when the caller has it already (the status reads both).
   */
  retrainPending(reason: RetrainReason | null = this.retrainDue()): RetrainReason | null {
    if (reason === null) return null;
    return this.isTraining || this.retrainFailedOn !== this.ctx.store.model()?.modelId ? reason : null;
  }

  /**
   * The id of the pre-trained model the running training uses, read when it began (null when
   * none runs): the chosen one, or the one chosen before when the expert switched while it ran.
   * The status names it (EngineStatus.trainingOn), not the model chosen since.
   */
  get trainingOn(): string | null {
    return this.trainingModelId;
  }

  private trainingModelId: string | null = null;

  private async runTraining(): Promise<void> {
    const model = this.ctx.store.model();
    const modelId = model?.modelId;
    if (!modelId) throw new AppError('CONFLICT', 'Choose a pre-trained model first.');
    this.trainingModelId = modelId;
    try {
      // The files' fingerprint recorded for it now: the weights its features are of (the worker refuses other files for a folder model).
      await this.trainVersion(modelId, model?.fingerprint ?? null);
    } finally {
      this.trainingModelId = null;
    }
  }

  /**
   * Why no classifier is trained while the project's model folder cannot be used (its features
   * `unavailable`, EngineStatus.modelProblem): a training needs the model as the project knows
   * it (the symmetry views of new labels, deep mode's layers, the pool loaded from its features),
   * so it waits for the model as the queue does; nothing is recorded and every label stays.
   * `problem` null: the engine found the files changed (MODEL_UNAVAILABLE) and the folder's check
   * found no problem (the same model, other weights: its features are computed again).
   */
  private cannotTrain(problem: ModelProblem | null): AppError {
    const name = this.ctx.store.model()?.modelName ?? "the project's model";
    if (problem === null) {
      return new AppError(
        'MODEL_UNAVAILABLE',
        `The files of ${name} changed since its features were loaded, so no classifier was trained on them: its features are being checked and completed again (Model, in Adapt). Every label is kept; train again once the features are ready.`,
      );
    }
    return new AppError(
      'MODEL_UNAVAILABLE',
      `Training needs the files of ${name}: ${problem.message} Nothing was trained, and every label is kept: the classifier can be trained on them once the model is back (Locate… or Try again, under Model in Adapt).`,
    );
  }

  /** Throws `error` as the training's refusal: the engine's MODEL_UNAVAILABLE once the folder is checked again (cannotTrain); any other as it is. */
  private async refuseTraining(error: unknown): Promise<never> {
    if (!(error instanceof AppError && error.code === 'MODEL_UNAVAILABLE')) throw error;
    throw this.cannotTrain(await this.parts.features.recheck());
  }

  /**
   * Fine-tune and record one version on `modelId` (the chosen model when the training began),
   * recorded as trained with the files of `fingerprint` (VersionRow.modelFingerprint; null: not known).
   */
  private async trainVersion(modelId: string, fingerprint: string | null): Promise<void> {
    const { ctx } = this;
    const { pool, features } = this.parts;
    if (features.status.state === 'unavailable') throw this.cannotTrain(features.modelProblem);
    await pool.prepare().catch((error: unknown) => this.refuseTraining(error));
    const generation = pool.generation;
    const labels = ctx.trainingLabels();
    // The version's time is when its labels were read: a label given during the training is
    // after it, so the batch it finished still counts as not trained on (RoundInfo.trained).
    const labelsReadAt = new Date().toISOString();
    // The rows the pool holds were read at this count or before (readFeatureRedecodes).
    const featureRedecodes = this.redecodesFor(modelId);
    const classes = this.classesOf(labels);
    if (classes.length < 2) throw new AppError('CONFLICT', 'Label images of at least two classes before the model can be trained.');
    const indexOf = new Map(classes.map((c, i) => [c.id, i]));
    const settings = ctx.store.settings();
    const latest = ctx.store.latestVersion();
    const version = (latest?.version ?? 0) + 1;
    // Warm-started from the latest head on this model and its weights (latestHeadDir), else started afresh.
    const previousDir = ctx.latestHeadDir({ modelId, fingerprint });
    const symmetryFiles = ctx.symmetryFiles(labels.keys());
    // The training predicts them with the new head: its version is scored from that (Evaluation.saveTrained).
    const evaluationIds = [...ctx.store.evaluationIds()];
    // The head's temperature (light or deep) is fitted on these when there are enough (a random sample, as the images the expert meets).
    const evaluationLabels = [...ctx.store.evaluationLabels()].flatMap(([imageId, classId]) => (indexOf.has(classId) ? [{ imageId, classIndex: indexOf.get(classId) as number }] : []));
    const reporter = new JobReporter(ctx.events, 'train');
    let settle = (): void => undefined;
    const training = { version, settled: new Promise<void>((resolve) => (settle = resolve)) };
    this.training = training;
    try {
      const result = await reporter.run(() =>
        ctx
          .engine()
          .request(
            'loopTrain',
            {
              modelId,
              classes: classes.map((c) => `class-${c.id}`),
              labels: [...labels].map(([imageId, classId]) => ({ imageId, classIndex: indexOf.get(classId) as number })),
              mode: settings.mode,
              seed: ctx.seed,
              outDir: ctx.headDir(version),
              previousDir,
              symmetryFiles,
              evaluationIds,
              evaluationLabels,
            },
            { onProgress: reporter.forward },
          )
          .catch((error: unknown) => this.refuseTraining(error)),
      );
      try {
        await this.parts.evaluation.saveTrained(
          {
            version,
            modelId,
            mode: settings.mode,
            classes,
            trainingLabels: labels.size,
            metrics: {
              epochs: result.epochs,
              loss: result.loss,
              trainAccuracy: result.trainAccuracy,
              millis: result.millis,
              backend: this.parts.model.backendLabel ?? '',
              ...(symmetryFiles ? { 'each label also learned': 'turned and mirrored (images with no up or down)' } : {}),
              ...(result.calibration ? calibrationVersionMetrics(result.calibration) : {}),
            },
            trainedAt: labelsReadAt,
            featureRedecodes,
            modelFingerprint: fingerprint,
          },
          evaluationIds,
          result.evaluation,
          (row) => ctx.saveVersion(row, result.predictions),
        );
      } catch (error) {
        // The worker ranks with the new head since it trained it (the worker puts the head before
        // back only when the training fails there): reloaded with the latest recorded version's.
        pool.invalidate();
        throw error;
      }
    } catch (error) {
      // Its head may have ranked a batch meanwhile (versionOfHead): such a ranking is made again.
      this.headsDropped++;
      throw error;
    } finally {
      if (this.training === training) this.training = null;
      settle();
    }
    // The pool was loaded again during the training (a scan, a mode switch): with the head recorded
    // before, not this one. Loaded again with it, unless another model was chosen (its own pool).
    if (pool.generation !== generation && ctx.store.model()?.modelId === modelId) pool.invalidate();
    this.thinVersions();
    ctx.changed('model');
  }

  /** Thin stored versions (see AdaptationStore.thinVersions) and delete their head folders. */
  private thinVersions(): void {
    const { ctx } = this;
    for (const version of ctx.store.thinVersions(KEEP_LATEST_VERSIONS, new Set(this.parts.evaluation.partialScores().keys()))) {
      try {
        fs.rmSync(ctx.headDir(version), { recursive: true, force: true });
      } catch (error) {
        ctx.log(`thinning versions: v${version}'s head folder was not removed: ${errorMessage(error)}`);
      }
    }
  }
}
