/** A stored model version as the adaptation store reads it, for tests of the curve, the thinning and the export's version list. */
import type { VersionRow } from '../../src-main/adaptation/adaptation-store';

export const SMALL = 'mobilenet_v1_0.25_224';
export const LARGE = 'mobilenet_v1_0.75_224';

/** Version `v` on `modelId`, trained on `labels` labels, `correct` of `evaluated` evaluation images right; trained on day 20 + v. */
export function versionRow(v: number, modelId: string, labels: number, correct: number, evaluated = 34): VersionRow {
  return {
    version: v,
    modelId,
    mode: 'light',
    classes: [],
    trainingLabels: labels,
    evalLabeled: evaluated,
    evalCorrect: correct,
    confusion: null,
    metrics: {},
    trainedAt: new Date(Date.UTC(2026, 10, 20 + v)).toISOString(),
  };
}
