/** The evaluation set and the dashboard (learning curve, per-class counts, confusion). */
import { s } from '../schema';
import { command, query } from './request-def';
import type { ImageItem } from './images';

export interface CurvePoint {
  modelVersion: number;
  labels: number;
  accuracy: number;
  /** 95% Wilson interval of the accuracy on the evaluation set. */
  low: number;
  high: number;
  evaluated: number;
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

/** Calibration of the latest model on the labeled evaluation set (and on its out-of-fold training labels). */
export interface CalibrationView {
  modelVersion: number;
  /** Temperature fitted on out-of-fold logits of the training labels; 1 when not fitted. */
  temperature: number;
  /** Labeled evaluation images the diagram is drawn from. */
  evaluated: number;
  /** Reliability diagram of the shown (calibrated) probabilities. */
  bins: ReliabilityBinView[];
  /** Expected calibration error on the evaluation set at T and at T = 1. */
  ece: number | null;
  eceUncalibrated: number | null;
  /** ECE of the out-of-fold predictions T was fitted on, before and after; null when T was not fitted. */
  heldOut: { eceBefore: number | null; eceAfter: number | null; count: number; folds: number } | null;
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
}

export interface Dashboard {
  trainingLabels: number;
  evaluation: { size: number; labeled: number };
  /** False until the evaluation set has labels and a model has been trained: accuracy is unknown. */
  accuracyKnown: boolean;
  curve: CurvePoint[];
  perClass: { classId: number; name: string; color: string; training: number; evaluation: number }[];
  calibration: CalibrationView | null;
  confusion: { classIds: number[]; counts: number[][] } | null;
  plateau: { flat: boolean; message: string } | null;
}

export const evaluationRequests = {
  /** Add a random sample of unlabeled, never-queried images to the evaluation set. */
  'evaluation:sample': command(s.object({ count: s.int({ min: 1, max: 10_000 }) })).returns<{ added: number; size: number }>(),
  'dashboard:get': query(s.none()).returns<Dashboard>(),
  /** Cross-validate the training labels (5 folds of the light head) and return the suspect-label queue; a job with progress. */
  'quality:suspects': query(s.none()).returns<SuspectReport>(),
} as const;
