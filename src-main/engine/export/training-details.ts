/**
 * A model card's "Training details" (model-card.ts), in words an expert reads: the same rows for
 * a version the app trained (adaptation/transfer.ts trainingFacts, from the version's recorded
 * metrics) and for the head `adma train` saved (cli/export-command.ts). The card used to print the
 * recorded metrics as they were stored: camel-case keys ("trainAccuracy: 1", "millis: 58"), full
 * floats ("loss: 0.08755357932978423"), a light head's solver iterations as "epochs", and the
 * calibration figures a second time (the Metrics section states them, calibrationMetrics).
 */
import { formatDuration } from '../../../src-shared/duration';
import type { TrainingMode } from '../train/head-weights';

/** What a training's count counts: a light head is solved to convergence by L-BFGS (engine/train/fine-tune.ts); deep fine-tuning runs epochs. */
export function trainingCountName(mode: TrainingMode): string {
  return mode === 'light' ? 'L-BFGS iterations' : 'epochs';
}

/** One training as recorded; every fact but the mode and the label count may be unknown (an old version's row). */
export interface TrainingRun {
  mode: TrainingMode;
  /** Labelled images it learned from. */
  labels: number;
  /** The app's model version. */
  version?: number;
  /** ISO time the labels were read for it. */
  trainedAt?: string;
  /** L-BFGS iterations (light) or epochs (deep): trainingCountName. */
  count?: number;
  /** The loss it ended at on its training labels (mean cross-entropy, with the penalty). */
  loss?: number;
  /** Share of its training labels it predicts right, 0..1. */
  trainAccuracy?: number;
  millis?: number;
  backend?: string;
  seed?: number;
}

/** Up to four significant digits (0.08755357932978423 → 0.08755), integers as they are. */
export function cardNumber(value: number): string {
  if (!Number.isFinite(value) || Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}

/** "2026-12-03T10:40:12.345Z" → "2026-12-03 10:40 UTC"; anything else as it is. */
function when(iso: string): string {
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? iso : `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * The card's rows for `run`, in this order: version, when, labels, mode, the count named for what
 * it counts, the final loss, the training accuracy, the time, the seed, the backend; then `extra`
 * (other recorded facts, such as the views each label was also learned in) as given. Unknown facts
 * have no row.
 */
export function trainingDetails(run: TrainingRun, extra: Record<string, number | string> = {}): Record<string, string | number> {
  const rows: Record<string, string | number> = {};
  if (run.version !== undefined) rows['model version'] = run.version;
  if (run.trainedAt) rows['trained at'] = when(run.trainedAt);
  rows['labelled images'] = run.labels;
  rows['mode'] = run.mode;
  if (run.count !== undefined) rows[run.mode === 'light' ? `${trainingCountName('light')} (the light head, solved to convergence)` : trainingCountName('deep')] = run.count;
  if (run.loss !== undefined) rows['final training loss'] = cardNumber(run.loss);
  if (run.trainAccuracy !== undefined) rows['training accuracy'] = `${(100 * run.trainAccuracy).toFixed(1)}% (on its own training labels: not a measure of accuracy on new images)`;
  if (run.millis !== undefined) rows['training time'] = formatDuration(run.millis / 1000);
  if (run.seed !== undefined) rows['seed'] = run.seed;
  if (run.backend) rows['backend'] = run.backend;
  for (const [key, value] of Object.entries(extra)) rows[key] = typeof value === 'number' ? cardNumber(value) : value;
  return rows;
}
