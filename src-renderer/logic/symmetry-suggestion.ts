/**
 * What the Adapt view says of the labels' check for "No up or down" (EngineStatus.symmetryCheck,
 * src-main/adaptation/symmetry-check.ts): the suggestion to turn it on, shown beside its checkbox
 * when the latest check suggests it, the setting is off in light mode and the expert has not
 * answered "Not now"; and a line for the checkbox's tooltip otherwise (a check that did not
 * suggest, or one running). Nothing before any check.
 */
import type { LoopSettings } from '../../src-shared/contract';
import type { SymmetryCheckOutcome, SymmetryCheckStatus } from '../../src-shared/requests/engine';

const percent = (value: number): string => `${Math.round(value * 100)}%`;

/** The two out-of-fold accuracies in an expert's words: each label predicted by a model that did not learn it. */
function accuracies(last: SymmetryCheckOutcome): string {
  return `${percent(last.plainAccuracy)} → ${percent(last.viewsAccuracy)} right, each of ${last.n} labels predicted by a model trained without it`;
}

/** The suggestion's words, or null when none is shown. */
export function symmetrySuggestion(settings: Pick<LoopSettings, 'symmetries' | 'mode' | 'symmetriesSuggestionDismissed'>, check: SymmetryCheckStatus | null | undefined): string | null {
  const last = check?.last;
  if (!last?.suggest || settings.symmetries || settings.mode !== 'light' || settings.symmetriesSuggestionDismissed) return null;
  return `Your labels say these images have no up or down: learning each label turned and mirrored too got more of them right (${accuracies(last)}). Turn on No up or down?`;
}

/** A line for the checkbox's tooltip: the check running, or the latest check's outcome when it is not suggested now; null otherwise. */
export function symmetryCheckLine(settings: Pick<LoopSettings, 'symmetries' | 'mode' | 'symmetriesSuggestionDismissed'>, check: SymmetryCheckStatus | null | undefined): string | null {
  if (!check || settings.symmetries || settings.mode !== 'light') return null;
  if (check.running !== null) return `Checking on your ${check.running} labels whether learning each label turned and mirrored helps.`;
  const last = check.last;
  if (!last) return null;
  if (!last.suggest) return `Checked on your labels: learning each label turned and mirrored too did not clearly get more of them right (${accuracies(last)}).`;
  return settings.symmetriesSuggestionDismissed ? `Your labels suggested it (${accuracies(last)}).` : null;
}
