/**
 * The question asked before a gallery write that would replace many labels (a class key or
 * Backspace on a Ctrl+A selection): how many labels of which classes change, and how many of
 * them are the evaluation set's. Smaller replacements are written at once (the notice says
 * Ctrl+Z undoes them).
 */
import type { LabelReplacement } from '../../src-shared/contract';

/** A write that replaces this many labels or more asks first. */
export const RELABEL_CONFIRM_AT = 10;

export interface RelabelQuestion {
  title: string;
  message: string;
  confirmLabel: string;
}

const count = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/**
 * The question for labeling the selection as `target` (null: clearing its labels), or null when
 * the write replaces fewer than RELABEL_CONFIRM_AT labels and labels no evaluation image that had
 * none (the accuracy is measured against those labels: one key over a whole filter should not
 * give them unasked).
 */
export function relabelQuestion(replacement: LabelReplacement, target: string | null, nameOf: (classId: number) => string | undefined): RelabelQuestion | null {
  const replaced = replacement.replaced.reduce((n, r) => n + r.count, 0);
  const evaluationLabeled = target === null ? 0 : replacement.evaluationLabeled;
  if (replaced < RELABEL_CONFIRM_AT && evaluationLabeled === 0) return null;
  const shown = replacement.replaced.slice(0, 4).map((r) => `${r.count.toLocaleString('en-US')} “${nameOf(r.classId) ?? 'deleted class'}”`);
  const rest = replacement.replaced.slice(4).reduce((n, r) => n + r.count, 0);
  const which = [...shown, ...(rest > 0 ? [`${rest.toLocaleString('en-US')} of other classes`] : [])].join(', ');
  const evaluation =
    replacement.evaluation > 0
      ? ` ${count(replacement.evaluation, 'of them is an evaluation image', 'of them are evaluation images')}: the accuracy is measured against ${replacement.evaluation === 1 ? 'its label' : 'their labels'}.`
      : '';
  if (target === null) {
    return {
      title: `Clear ${count(replaced, 'label')}?`,
      message: `The selection holds ${count(replacement.images, 'image')}; ${count(replaced, 'label')} would be cleared (${which}).${evaluation} Ctrl+Z undoes it.`,
      confirmLabel: `Clear ${count(replaced, 'label')}`,
    };
  }
  const replacing = replaced > 0 ? `${count(replaced, 'label')} of another class would be replaced (${which}).${evaluation} ` : '';
  const unlabeledEvaluation =
    evaluationLabeled > 0
      ? `${count(evaluationLabeled, 'evaluation image')} with no label yet would be labeled “${target}”: the accuracy is measured against ${evaluationLabeled === 1 ? 'its label' : 'their labels'}, so give ${evaluationLabeled === 1 ? 'it' : 'them'} one by one unless you are sure. `
      : '';
  return {
    title: `Label ${count(replacement.images, 'image')} as “${target}”?`,
    message: `${replacing}${unlabeledEvaluation}Ctrl+Z undoes it.`,
    confirmLabel: `Label ${count(replacement.images, 'image')}`,
  };
}
