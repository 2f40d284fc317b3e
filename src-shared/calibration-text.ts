/**
 * The temperature-scaling decision in words, for the dashboard's calibration card and the
 * exported model card alike (one wording for both).
 */
import { MIN_EVALUATION_TO_CALIBRATE, MIN_LABELS_TO_CALIBRATE, type HeldOutCalibration } from './requests/evaluation';

/**
 * Why no temperature was fitted, for the dashboard and the model card: neither source had enough
 * held-out predictions (the evaluation set fits one for any head; the training labels' folds only
 * a light one).
 */
export const NO_TEMPERATURE_WHY = `fewer than ${MIN_EVALUATION_TO_CALIBRATE} labeled evaluation images, and deep fine-tuning or fewer than ${MIN_LABELS_TO_CALIBRATE} training labels`;

/** What a temperature was fitted on, in words: "88 out-of-fold predictions of the training labels, 5 folds". */
export function heldOutText(heldOut: Pick<HeldOutCalibration, 'count' | 'folds' | 'source'>): string {
  return heldOut.source === 'evaluation set'
    ? `the model's predictions of ${heldOut.count} labeled evaluation images, ${heldOut.folds} folds`
    : `${heldOut.count} out-of-fold predictions of the training labels, ${heldOut.folds} folds`;
}

/**
 * The dashboard's warning beside an evaluation-set ECE at a T fitted on that set: the images T was
 * fitted on are the labeled evaluation images as they were at the training, less those without
 * features or of a class the model had no training label of, so they may be fewer than the
 * `evaluated` ones the diagram is drawn from now (the set grew since, say).
 */
export function fittedOnEvaluationText(heldOut: Pick<HeldOutCalibration, 'count'>, evaluated: number): string {
  return heldOut.count === evaluated
    ? 'T was fitted on these images, which flatters it'
    : `T was fitted on ${heldOut.count} labeled evaluation images as they were when the model was trained, which flatters it`;
}

const figure = (v: number | null): string => (v === null ? 'unknown' : v.toFixed(3));

/** Which temperature the probabilities use and why; `temperature`: the one applied. */
export function temperatureDecisionText(heldOut: HeldOutCalibration, temperature: number): string {
  const on = heldOutText(heldOut);
  const ece = `ECE ${figure(heldOut.eceBefore)} → ${figure(heldOut.eceAfter)}`;
  if (heldOut.applied === null || heldOut.fitted === null) {
    return `Temperature T = ${temperature.toFixed(2)}, fitted on ${on}, ${ece}; applied whatever its effect, as before T was kept only when it helps (the next training decides by that rule).`;
  }
  const scores = `${ece}, log-loss ${figure(heldOut.logLossBefore)} → ${figure(heldOut.logLossAfter)}; each fold tempered at a T fitted on the other folds`;
  if (heldOut.applied) return `Temperature scaling applied, T = ${heldOut.fitted.toFixed(2)}: fitted by log-loss on ${on}, it lowered both their log-loss and their ECE (${scores}).`;
  return `Temperature scaling not applied (T = 1, the raw softmax): the fitted T = ${heldOut.fitted.toFixed(2)} did not improve the calibration of ${on} (${scores}); T is kept only when it lowers both the log-loss and the ECE.`;
}
