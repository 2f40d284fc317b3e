/**
 * What the Adapt view says of the labels' check for "No up or down" (EngineStatus.symmetryCheck,
 * src-main/adaptation/symmetry-check.ts): the suggestion to turn it on, shown beside its checkbox
 * when the latest check suggests it, the setting is off in light mode and the expert has not
 * answered "Not now" to that check (LoopSettings.symmetriesSuggestionDismissed: a later check,
 * on more labels, asks again); and a line for the checkbox's tooltip otherwise (a check that did
 * not suggest, one running, or a suggestion answered "Not now"). Nothing before any check.
 */
import type { LoopSettings } from '../../src-shared/contract';
import type { SymmetryCheckOutcome, SymmetryCheckStatus } from '../../src-shared/requests/engine';

const percent = (value: number): string => `${Math.round(value * 100)}%`;

/** The two out-of-fold accuracies in an expert's words: each label predicted by a model that did not learn it. */
function accuracies(last: SymmetryCheckOutcome): string {
  return `${percent(last.plainAccuracy)} → ${percent(last.viewsAccuracy)} right, each of ${last.n} labels predicted by a model trained without it`;
}

type Shown = Pick<LoopSettings, 'symmetries' | 'mode' | 'symmetriesSuggestionDismissed'>;

/** The expert answered "Not now" to this check's suggestion, or to a later check's. */
function answered(settings: Shown, last: SymmetryCheckOutcome): boolean {
  const dismissed = settings.symmetriesSuggestionDismissed;
  return dismissed !== undefined && last.at <= dismissed;
}

/** The suggestion: its words and the check it is for (its training labels, what "Not now" records); null when none is shown. */
export function symmetrySuggestion(settings: Shown, check: SymmetryCheckStatus | null | undefined): { words: string; at: number } | null {
  const last = check?.last;
  if (!last?.suggest || settings.symmetries || settings.mode !== 'light' || answered(settings, last)) return null;
  return {
    words: `Your labels say these images have no up or down: learning each label turned and mirrored too got more of them right (${accuracies(last)}). Turn on No up or down?`,
    at: last.at,
  };
}

/** A line for the checkbox's tooltip: the check running, or the latest check's outcome when it is not suggested now; null otherwise. */
export function symmetryCheckLine(settings: Shown, check: SymmetryCheckStatus | null | undefined): string | null {
  if (!check || settings.symmetries || settings.mode !== 'light') return null;
  if (check.running !== null) return `Checking on your ${check.running} labels whether learning each label turned and mirrored helps.`;
  const last = check.last;
  if (!last) return null;
  if (!last.suggest) return `Checked on your labels: learning each label turned and mirrored too did not clearly get more of them right (${accuracies(last)}).`;
  return answered(settings, last) ? `Your labels suggested it (${accuracies(last)}).` : null;
}
