/** The evaluation set and the dashboard (learning curve, per-class counts, confusion). */
import { s } from '../schema';
import { command, query } from './request-def';
import type { ImageItem } from './images';
import { MAX_SAMPLE_COUNT } from '../evaluation-room';

export interface CurvePoint {
  modelVersion: number;
  labels: number;
  accuracy: number;
  /** 95% Wilson interval of the accuracy on the evaluation set. */
  low: number;
  high: number;
  evaluated: number;
  /** The pre-trained model (backbone) the version was trained on: its id and its name as shown. */
  modelId?: string;
  backbone?: string;
  /** When the version read its training labels (ISO time). */
  trainedAt?: string;
  /**
   * Points are in training order; a run starts again (the next number) where the training
   * labels went down or the backbone changed: the chart joins only the points of one run,
   * and the stopping hint reads only the latest run.
   */
  run?: number;
}

/** One confidence bin of a reliability diagram: predictions with top-1 probability in (lower, upper]. */
export interface ReliabilityBinView {
  lower: number;
  upper: number;
  count: number;
  /** Share right; null for an empty bin. */
  accuracy: number | null;
  /** Mean top-1 probability; null for an empty bin. */
  confidence: number | null;
}

/** Calibration of the latest model on the labeled evaluation set (and on the held-out predictions its temperature was fitted on). */
export interface CalibrationView {
  modelVersion: number;
  /** Temperature applied (fitted on the labeled evaluation set or on the training labels' out-of-fold logits, `heldOut.source`, and kept because it helped there); 1 when not fitted or not applied. */
  temperature: number;
  /** Labeled evaluation images the diagram is drawn from. */
  evaluated: number;
  /** Reliability diagram of the shown (calibrated) probabilities. */
  bins: ReliabilityBinView[];
  /** Expected calibration error on the evaluation set at the applied T and at T = 1. */
  ece: number | null;
  eceUncalibrated: number | null;
  /** How T was fitted and decided on its held-out predictions (`source`: the evaluation set or the training labels out of fold); null when T was not fitted. */
  heldOut: HeldOutCalibration | null;
}

/**
 * The held-out predictions a temperature is fitted on: the training labels' out-of-fold
 * predictions (K more trainings of a light head), or the head's own predictions of the labeled
 * evaluation set (held out from its training already; split into folds only to judge T).
 */
export type CalibrationSource = 'training labels' | 'evaluation set';

/** The labeled evaluation images a temperature is fitted on, at least (the app samples 40 at a time). */
export const MIN_EVALUATION_TO_CALIBRATE = 40;

/** The training labels a light head's temperature is fitted on out of fold, at least (without MIN_EVALUATION_TO_CALIBRATE evaluation images). */
export const MIN_LABELS_TO_CALIBRATE = 10;

/**
 * The held-out predictions a temperature was fitted on (`source`: the labeled evaluation set, or
 * the training labels' out-of-fold predictions): their ECE and log-loss at T = 1 and
 * cross-fitted at the fitted T, and whether T was applied
 * (src-main/engine/quality/calibration.ts decideTemperature). `fitted`, `applied` and the
 * log-losses are null for a model trained before that decision existed (its T was applied).
 */
export interface HeldOutCalibration {
  eceBefore: number | null;
  eceAfter: number | null;
  count: number;
  folds: number;
  fitted: number | null;
  applied: boolean | null;
  logLossBefore: number | null;
  logLossAfter: number | null;
  source: CalibrationSource;
}

export interface SuspectItem {
  image: ImageItem;
  /** The label when checked (class id); the image may have been relabeled since. */
  givenClassId: number;
  suggestedClassId: number;
  /** Out-of-fold probabilities (uncalibrated, as ranked) of the given and the suggested class. */
  givenProbability: number;
  suggestedProbability: number;
}

export interface SuspectReport {
  /** Labeled images the cross-validated model disagrees with, most suspect first. */
  items: SuspectItem[];
  /** Training labels checked (evaluation labels are never trained on, so not checked). */
  judged: number;
  folds: number;
  modelId: string;
  millis: number;
  checkedAt: string;
  /** Label changes (labels, unsure marks, undos) made since the check: its queue may be out of date. */
  changesSince: number;
}

/**
 * How the images that are not training labels divide between the evaluation set and the loop's
 * pool, and how many a new evaluation sample may still take. The rule (Evaluation.room): the
 * evaluation set may hold at most half of the images that are not training labels, so at least
 * as many stay for the loop to ask about; a sample asking for more is refused, never silently
 * shrunk nor allowed to empty the pool.
 */
export interface EvaluationRoom {
  /** Images in the evaluation set, and how many of them have a label (the honest measure). */
  size: number;
  labeled: number;
  /** Present images that are not training labels: the evaluation set, the loop's pool and unsure images. */
  notTraining: number;
  /** The most images the evaluation set may hold: half of `notTraining`, rounded down. */
  cap: number;
  /** Images a sample may add now: what the cap leaves, at most the images a sample draws from. */
  max: number;
  /** Images a sample draws from: unlabeled, never queried, outside the evaluation set. */
  candidates: number;
  /** Images the loop can still ask about: unlabeled, not unsure, outside the evaluation set. */
  pool: number;
  /** Images marked unsure outside the evaluation set (never asked again). */
  unsure: number;
}

export interface Dashboard {
  trainingLabels: number;
  evaluation: EvaluationRoom;
  /** False until the evaluation set has labels and a model has been trained: accuracy is unknown. */
  accuracyKnown: boolean;
  /** Every kept version's point, in training order (learning-curve.ts curvePoints). */
  curve: CurvePoint[];
  /** The latest version's point (the headline, the confusion matrix and the export's model card): null when it is not scored. */
  latest: CurvePoint | null;
  perClass: { classId: number; name: string; color: string; training: number; evaluation: number }[];
  calibration: CalibrationView | null;
  confusion: { classIds: number[]; counts: number[][] } | null;
  plateau: { flat: boolean; message: string } | null;
  /**
   * Versions being scored on the evaluation set now, in the background (their points and the
   * headline come once scored, announced by a 'scores' change); empty when every score is current.
   */
  scoring: number[];
  /**
   * Labeled evaluation images the headline (`latest`, and the calibration) leaves out: they had no
   * image features when it was scored (not extracted yet, or unreadable), so its accuracy is on
   * `latest.evaluated` of the `evaluation.labeled` images only. It is scored again when features
   * are extracted. 0 when it is on all of them (or not scored).
   */
  withoutFeatures: number;
  /** Why scoring versions on the current evaluation labels failed (not asked again until they change), or null. */
  scoringFailed: string | null;
}

export const evaluationRequests = {
  /** Add a random sample of unlabeled, never-queried images to the evaluation set. */
  /** Refused (BAD_ARGUMENT, nothing added) when `count` is more than EvaluationRoom.max. */
  'evaluation:sample': command(s.object({ count: s.int({ min: 1, max: MAX_SAMPLE_COUNT }) })).returns<{ added: number; size: number }>(),
  /** The evaluation set's size, its cap and the loop's pool (the Label view asks when a batch is done). */
  'evaluation:room': query(s.none()).returns<EvaluationRoom>(),
  /**
   * Return `count` (default: all) of the evaluation set's images without a label to the loop's
   * pool, a random subset of them; its labeled images stay. Not a label action: not undone by Undo.
   */
  'evaluation:release': command(s.object({ count: s.optional(s.int({ min: 1, max: 10_000_000 })) })).returns<{ released: number; room: EvaluationRoom }>(),
  'dashboard:get': query(s.none()).returns<Dashboard>(),
  /** Cross-validate the training labels (5 folds of the light head) and return the suspect-label queue; a job with progress. */
  'quality:suspects': query(s.none()).returns<SuspectReport>(),
  /** The last check's suspect-label queue, each image as it is now (kept across reloads and restarts); null before the first check. */
  'quality:lastSuspects': query(s.none()).returns<SuspectReport | null>(),
} as const;
