/** What leaves and enters a project: export (model, labels as CSV/JSON, an image folder by class) and CSV label import. */
import type { CalibrationView, CurvePoint } from '../../src-shared/contract';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../src-shared/app-error';
import { NO_TEMPERATURE_WHY, temperatureDecisionText } from '../../src-shared/calibration-text';
import { leftOutWords, type ClassEvaluation } from '../../src-shared/class-evaluation';
import type { ExportReport, ExportRequest, ImportedSuggestionSource, ImportKind, ImportReport, ModelVersions } from '../../src-shared/contract';
import { accuracyWords, wilsonInterval } from '../../src-shared/wilson-interval';
import type { UsedModel, VersionRow } from './adaptation-store';
import { versionPoint } from './learning-curve';
import { backboneName, keepReasons, KEEP_LATEST_VERSIONS, onOtherWeights } from './model-versions';
import { JobReporter } from '../core/job-reporter';
import { knownError } from '../core/storage-errors';
import { abandonExport, completeExport, prepareExportTarget } from '../engine/export/export-target';
import { trainingDetails } from '../engine/export/training-details';
import type { AdaptationContext } from './adaptation-context';
import { heldOutCalibration, isCalibrationMetric } from './calibration-record';
import type { Evaluation } from './evaluation';
import { copyImages, labeledImages, labelsCsv, labelsJson, leftOutNotes, missingLabelCount, unsureCsv, unsureImages, type LeftOut } from './labels-export';
import { clearImportedSuggestions, importedSuggestionSources, importFile, importLabelsCsv } from './labels-import';
import { writeLearningCurveFiles } from './learning-curve-image';
import type { PoolSession } from './pool-session';

export class Transfer {
  constructor(
    private readonly ctx: AdaptationContext,
    private readonly parts: { pool: PoolSession; evaluation: Evaluation },
  ) {}

  async export(request: ExportRequest): Promise<ExportReport> {
    const { ctx } = this;
    // Anything that writes labels or labeled images (not the model alone).
    const labelsExported = request.labelsCsv || request.labelsJson || request.imageFolder || request.huggingFace === true;
    if (!request.model && !labelsExported) {
      throw new AppError('BAD_ARGUMENT', 'Choose at least one thing to export.');
    }
    // The version exported: the one asked for (a kept version, see versions()), else the latest.
    let latest = request.model ? this.exportableVersion(request.modelVersion) : null;
    const target = prepareExportTarget(request.destination, ctx.project.root);
    for (const note of target.notes) ctx.log(note);
    const dest = target.staging; // renamed to target.destination once complete
    const reporter = new JobReporter(ctx.events, 'export');
    return reporter.run(async () => {
      const files: string[] = [];
      const evaluation = ctx.store.evaluationIds();
      const images = labeledImages(ctx.project, evaluation);
      const unsure = unsureImages(ctx.project, evaluation);
      const classes = ctx.project.classes.list();
      const copiesImages = request.imageFolder || request.huggingFace === true;
      const steps = (request.model ? 1 : 0) + (copiesImages ? images.length : 0) + 1;
      let done = 0;
      reporter.progress('export', done, steps, true);
      if (request.model && latest) {
        await this.parts.pool.prepare();
        // The model card states the version's score on the current evaluation labels: wait for it (the
        // dashboard does not), then read the version again.
        await this.parts.evaluation.scorePending();
        latest = ctx.store.version(latest.version) ?? latest;
        const dashboard = await this.parts.evaluation.dashboard();
        const names = latest.classes.map((c) => classes.find((live) => live.id === c.id)?.name ?? c.name);
        // The labels the exported version learned from (today's, for a version saved before they were recorded).
        const labels = ctx.trainingLabels();
        const counts = latest.classes.map((c) => c.labels ?? [...labels.values()].filter((id) => id === c.id).length);
        // The exported version's own score (the dashboard's headline for the latest version), and
        // the labeled evaluation images it leaves out for want of features (0: scored on all).
        const point = latest.evalLabeled > 0 ? versionPoint(latest) : null;
        const leftOut = this.parts.evaluation.partialScores().get(latest.version) ?? 0;
        const result = await ctx.engine().request('loopExport', {
          modelId: latest.modelId,
          headDir: ctx.headDir(latest.version),
          outDir: path.join(dest, 'model'),
          classNames: names,
          labelCounts: counts,
          metrics: {
            ...(point ? evaluationAccuracyMetrics(point, leftOut) : { 'evaluation accuracy': 'unknown (no labeled evaluation set)' }),
            ...calibrationMetrics(latest.metrics, dashboard.calibration?.modelVersion === latest.version ? dashboard.calibration : null),
          },
          training: trainingFacts(latest),
          evaluation: classEvaluation(latest, names, classes, leftOut),
        });
        files.push(...result.files.map((f) => path.join('model', f)));
        files.push(...(await writeLearningCurveFiles(path.join(dest, 'model'), dashboard.curve, latest.version)).map((f) => path.join('model', f)));
        reporter.progress('export', ++done, steps, true);
      }
      // The copies first, each image read once for every layout: a file found changed, gone or
      // unreadable since the last scan is left out of the labels files too (labels-export.ts).
      const leftOut: LeftOut = new Map();
      if (copiesImages) {
        const layouts = { ...(request.imageFolder ? { imageFolder: { split: request.splitImageFolder === true } } : {}), huggingFace: request.huggingFace === true };
        files.push(...(await copyImages(ctx.project.root, dest, images, layouts, (n) => reporter.progress('copy images', done + n, steps), leftOut)));
        done += images.length;
      }
      const labeled = leftOut.size === 0 ? images : images.filter((image) => !leftOut.has(image.relPath));
      if (request.labelsCsv) {
        fs.writeFileSync(path.join(dest, 'labels.csv'), labelsCsv(labeled), { flag: 'wx' });
        files.push('labels.csv');
      }
      if (request.labelsJson) {
        fs.writeFileSync(path.join(dest, 'labels.json'), labelsJson(labeled, classes.map((c) => c.name), ctx.project.summary().name, unsure), { flag: 'wx' });
        files.push('labels.json');
      }
      // Unsure images have no class: listed apart beside any labels or images (see labels-export.ts).
      if (unsure.length > 0 && labelsExported) {
        fs.writeFileSync(path.join(dest, 'unsure.csv'), unsureCsv(unsure), { flag: 'wx' });
        files.push('unsure.csv');
      }
      completeExport(target);
      reporter.progress('export', steps, steps, true);
      // Labels of images whose files are gone (moved or deleted since the last scan) are kept by
      // the project but cannot be exported with a file: said, never dropped silently.
      const missing = labelsExported ? missingLabelCount(ctx.project) : 0;
      const notes =
        missing > 0
          ? [
              `${missing} label${missing === 1 ? ' is' : 's are'} on image${missing === 1 ? '' : 's'} no longer in the folder (moved or deleted since the last scan) and ${missing === 1 ? 'is' : 'are'} not in this export. Put the files back and rescan to export ${missing === 1 ? 'it' : 'them'}.`,
            ]
          : [];
      notes.push(...leftOutNotes(leftOut));
      // Read once it is all in place; a file gone already (another program) counts 0 bytes.
      const sizes = files.map((file) => fs.statSync(path.join(target.destination, file), { throwIfNoEntry: false })?.size ?? 0);
      return { destination: target.destination, files, sizes, modelVersion: request.model ? (latest?.version ?? null) : null, notes };
    }).catch((error: unknown) => {
      abandonExport(target);
      throw knownError(error, 'The export') ?? error;
    });
  }

  /**
   * The version an export writes: `requested` (absent: the latest), refused with why when there
   * is none, it was thinned, it was trained on another backbone than the one in use (the
   * exported model is that backbone with the version's head on top) or on other weights of it
   * than its folder holds now (the same id: onOtherWeights), or its files are gone.
   */
  private exportableVersion(requested: number | undefined): VersionRow {
    const { ctx } = this;
    const latest = ctx.store.latestVersion();
    if (!latest) throw new AppError('CONFLICT', 'There is no trained model yet: label a batch first (the model trains when the batch is done).');
    const version = requested === undefined ? latest : ctx.store.version(requested);
    if (!version) throw new AppError('NOT_FOUND', `Version ${requested} is not kept by this project: choose one of the versions listed in the export dialog.`);
    const why = this.notExportable(version, ctx.store.usedModels());
    if (why) throw new AppError('CONFLICT', `Version ${version.version} cannot be exported: ${why}`);
    return version;
  }

  /** `used`: the models the project has used (AdaptationStore.usedModels), read once for a list. */
  private notExportable(version: VersionRow, used: ReadonlyMap<string, UsedModel>): string | null {
    const { ctx } = this;
    const model = ctx.store.model();
    if (version.modelId !== model?.modelId) {
      const name = backboneName(version.modelId, used);
      // A model from a folder is not in the Adapt view's list once another is chosen: where it is, said.
      const choice = used.get(version.modelId)?.choice;
      const where = choice?.kind === 'folder' ? ` (its model folder: ${choice.path})` : '';
      return `it was trained on ${name}, and ${model?.modelName ?? 'another model'} is in use. Choose ${name} in Adapt${where} to export it.`;
    }
    // The exported model is the folder's files now with this head on top: a head trained on other weights would be paired with them.
    if (onOtherWeights(version, model)) {
      const name = model?.modelName ?? backboneName(version.modelId, used);
      return `it was trained on other weights of ${name} than the model folder holds now: export a version trained since, or put those files back and choose the folder again in Adapt.`;
    }
    return ctx.headProblem(version.version);
  }

  /** The versions the project keeps, newest first: backbone, labels, accuracy, date, why kept, whether exportable now. */
  versions(): ModelVersions {
    const { ctx } = this;
    const rows = ctx.store.versions();
    const partial = this.parts.evaluation.partialScores();
    const reasons = keepReasons(rows, ctx.store.roundVersions(), KEEP_LATEST_VERSIONS, new Set(partial.keys()));
    const used = ctx.store.usedModels();
    return {
      keepLatest: KEEP_LATEST_VERSIONS,
      versions: rows
        .sort((a, b) => b.version - a.version)
        .map((v) => ({
          version: v.version,
          modelId: v.modelId,
          backbone: backboneName(v.modelId, used),
          trainingLabels: v.trainingLabels,
          accuracy:
            v.evalLabeled > 0 ? { value: v.evalCorrect / v.evalLabeled, ...wilsonInterval(v.evalCorrect, v.evalLabeled), evaluated: v.evalLabeled, withoutFeatures: partial.get(v.version) ?? 0 } : null,
          trainedAt: v.trainedAt,
          kept: reasons.get(v.version) ?? [],
          notExportable: this.notExportable(v, used),
        })),
    };
  }

  /** `window`: the id of the window that asked (null: none), kept with the import's action. */
  async importCsv(csvPath: string, createClasses: boolean, window: string | null = null): Promise<ImportReport> {
    const report = await importLabelsCsv(this.ctx.project, csvPath, createClasses, window);
    if (report.evaluation > 0) this.ctx.changed('evaluation');
    return report;
  }

  /** Labels from any supported file or class folders, or suggestions from a prediction CSV (progress: files hashed); `window` as for importCsv. */
  async importFile(file: string, kind: ImportKind, createClasses: boolean, window: string | null = null): Promise<ImportReport> {
    const reporter = new JobReporter(this.ctx.events, 'import');
    const report = await reporter.run(() =>
      importFile(this.ctx.project, file, kind, createClasses, { onProgress: (done, total) => reporter.progress('read files', done, total), window }),
    );
    // New suggestions: the label view reads them again, as after a new model.
    if (kind === 'suggestions' && report.suggested > 0) this.ctx.changed('model');
    if (report.evaluation > 0) this.ctx.changed('evaluation');
    return report;
  }

  importedSuggestions(): ImportedSuggestionSource[] {
    return importedSuggestionSources(this.ctx.project);
  }

  /** Remove one import's suggestions (or all); the label view reads suggestions again, as after an import. */
  clearImportedSuggestions(source?: string): { cleared: number } {
    const cleared = clearImportedSuggestions(this.ctx.project, source);
    if (cleared > 0) this.ctx.changed('model');
    return { cleared };
  }
}

/**
 * A version's training details for the model card (engine/export/training-details.ts): its
 * recorded metrics in words, the count named for what it counts (a light head's L-BFGS
 * iterations; the card said "epochs: 73" for it), without the calibration figures the card's
 * Metrics state already (calibrationMetrics); any other recorded fact as it is.
 */
export function trainingFacts(version: Pick<VersionRow, 'version' | 'trainingLabels' | 'mode' | 'metrics' | 'trainedAt'>): Record<string, number | string> {
  const { epochs, loss, trainAccuracy, millis, backend, ...rest } = version.metrics;
  const number = (value: number | string | undefined): number | undefined => (typeof value === 'number' ? value : undefined);
  const extra = Object.fromEntries(Object.entries(rest).filter(([key]) => !isCalibrationMetric(key)));
  return trainingDetails(
    {
      mode: version.mode,
      labels: version.trainingLabels,
      version: version.version,
      trainedAt: version.trainedAt,
      count: number(epochs),
      loss: number(loss),
      trainAccuracy: number(trainAccuracy),
      millis: number(millis),
      ...(typeof backend === 'string' ? { backend } : {}),
    },
    extra,
  );
}

/**
 * The model card's accuracy row: the version's score on the labeled evaluation images with its
 * 95% interval; for a score on part of them (`leftOut` had no features when it was scored:
 * Evaluation.partialScores), of how many, and a row saying how many were left out and why.
 */
export function evaluationAccuracyMetrics(point: Pick<CurvePoint, 'accuracy' | 'low' | 'high' | 'evaluated'>, leftOut: number): Record<string, string> {
  const { percent, interval } = accuracyWords(point.accuracy, point.low, point.high);
  if (leftOut <= 0) return { 'evaluation accuracy': `${percent} (${interval}, ${point.evaluated} images)` };
  const of = point.evaluated + leftOut;
  return {
    'evaluation accuracy': `${percent} (${interval}, ${point.evaluated} of ${of} labeled images)`,
    'evaluation images left out': leftOutWords(leftOut, point.evaluated, 'the accuracy'),
  };
}

/**
 * The model card's per-class section (engine/export/class-evaluation-card.ts) for `version`: its
 * confusion matrix on the labeled evaluation images it was scored on, rows and columns in the
 * card's class order (the version's classes, named `names`), then any class of the evaluation set
 * it has no output for (labeled since it was trained), named as in `live`. The stored matrix is
 * over the project's classes when it was scored, in their list order. Null when it was not scored
 * on a labeled image. `leftOut`: labeled evaluation images it was not scored on (Evaluation.partialScores).
 */
export function classEvaluation(
  version: Pick<VersionRow, 'classes' | 'confusion' | 'evalLabeled'>,
  names: readonly string[],
  live: readonly { id: number; name: string }[],
  leftOut: number,
): ClassEvaluation | null {
  const { confusion } = version;
  if (!confusion || version.evalLabeled === 0) return null;
  const at = new Map(confusion.classIds.map((id, i) => [id, i]));
  const own = new Set(version.classes.map((c) => c.id));
  const unknown = confusion.classIds.filter((id, i) => !own.has(id) && (confusion.counts[i] ?? []).some((n) => n > 0));
  const ids = [...version.classes.map((c) => c.id), ...unknown];
  const cell = (truth: number, guess: number): number => {
    const r = at.get(truth);
    const c = at.get(guess);
    return r === undefined || c === undefined ? 0 : (confusion.counts[r]?.[c] ?? 0);
  };
  return {
    classes: [...names, ...unknown.map((id) => live.find((c) => c.id === id)?.name ?? `class #${id}`)],
    modelClasses: names.length,
    counts: ids.map((truth) => ids.map((guess) => cell(truth, guess))),
    leftOut,
  };
}

/**
 * The model card's calibration rows: the temperature folded into the exported model (1 when
 * it was fitted but did not help, see calibration.ts decideTemperature), why, and the expected
 * calibration error and log-loss before (T = 1) and after it on the held-out predictions T was
 * fitted on (the labeled evaluation set, or the training labels out of fold), and the ECE on
 * the evaluation set. A version trained before
 * the decision existed keeps its old rows (its T was applied).
 */
export function calibrationMetrics(metrics: Record<string, number | string>, calibration: CalibrationView | null): Record<string, string | number> {
  const ece = (v: number | string | null | undefined): string => (typeof v === 'number' ? v.toFixed(4) : 'unknown');
  const t = metrics['temperature'];
  const heldOut = heldOutCalibration(metrics);
  if (typeof t !== 'number' || !heldOut) return { calibration: `not fitted (${NO_TEMPERATURE_WHY}): probabilities are the raw softmax` };
  const applied = 'temperature T (probabilities = softmax(logits / T), folded into the final layer)';
  if (heldOut.applied === null) {
    const out: Record<string, string | number> = {
      [applied]: t,
      [`ECE out-of-fold, ${heldOut.count} training labels, ${heldOut.folds} folds (T = 1 → T)`]: `${ece(heldOut.eceBefore)} → ${ece(heldOut.eceAfter)}`,
    };
    if (calibration) out[`ECE evaluation set, ${calibration.evaluated} images (T = 1 → T)`] = `${ece(calibration.eceUncalibrated)} → ${ece(calibration.ece)}`;
    return out;
  }
  const onEvaluation = heldOut.source === 'evaluation set';
  const held = onEvaluation ? `evaluation set, ${heldOut.count} images, ${heldOut.folds} folds` : `out-of-fold, ${heldOut.count} training labels, ${heldOut.folds} folds`;
  const out: Record<string, string | number> = {
    'temperature scaling': temperatureDecisionText(heldOut, t),
    [heldOut.applied ? applied : 'temperature T (not applied: the final layer gives softmax(logits))']: t,
    [onEvaluation ? 'temperature fitted by log-loss on the labeled evaluation set' : 'temperature fitted by log-loss on the out-of-fold predictions']: heldOut.fitted ?? 'unknown',
    [`ECE ${held} (T = 1 → fitted T, cross-fitted)`]: `${ece(heldOut.eceBefore)} → ${ece(heldOut.eceAfter)}`,
    [`log-loss ${onEvaluation ? 'evaluation set' : 'out-of-fold'} (T = 1 → fitted T, cross-fitted)`]: `${ece(heldOut.logLossBefore)} → ${ece(heldOut.logLossAfter)}`,
  };
  // Fitted on the evaluation set, T is judged there by the cross-fitted figures above; the whole set at T would flatter it.
  if (calibration && !(onEvaluation && heldOut.applied)) {
    if (heldOut.applied) out[`ECE evaluation set, ${calibration.evaluated} images (T = 1 → T)`] = `${ece(calibration.eceUncalibrated)} → ${ece(calibration.ece)}`;
    else out[`ECE evaluation set, ${calibration.evaluated} images (T = 1, applied)`] = ece(calibration.ece);
  }
  return out;
}
