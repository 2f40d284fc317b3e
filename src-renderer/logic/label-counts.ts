/**
 * Label counts as the expert reads them, split as the dashboard splits them: training labels
 * (the model learns from them) and evaluation labels (held out to measure accuracy, never trained
 * on). The class bar, the Classes view's rows and the gallery's filters all write a count here,
 * from the class list's numbers (ClassInfo: `labelCount` with the evaluation set's labels,
 * `evaluationCount` those alone), so none says "rbc 14" where the dashboard says 12 + 2.
 *
 * The training labels come first, the held-out ones after them ("12 +2 eval"): the order of the
 * dashboard's columns, and the sum is what a filter lists (the gallery's Labeled and class
 * filters list evaluation images too).
 */

/** A count of labels, split. */
export interface LabelSplit {
  readonly training: number;
  readonly evaluation: number;
}

/** A class's split, from the class list's numbers. */
export function splitOf(cls: { readonly labelCount: number; readonly evaluationCount: number }): LabelSplit {
  return { training: cls.labelCount - cls.evaluationCount, evaluation: cls.evaluationCount };
}

/** The project's split: the classes' splits summed (every label is of a live class; a class delete unlabels first). */
export function totalSplit(classes: readonly { readonly labelCount: number; readonly evaluationCount: number }[]): LabelSplit {
  let training = 0;
  let evaluation = 0;
  for (const split of classes.map(splitOf)) {
    training += split.training;
    evaluation += split.evaluation;
  }
  return { training, evaluation };
}

const labels = (n: number, kind: string): string => `${n} ${kind}label${n === 1 ? '' : 's'}`;

/**
 * A split in words. `count`: the training labels, the number shown; `heldOut`: "+2 eval" beside
 * it, or null when there is no evaluation label (then nothing is held out to speak of); `title`
 * (and the accessible description): the whole sentence. `row`: the longer form where there is
 * room (the Classes view), "12 training + 2 evaluation labels" or "12 labels".
 */
export function labelCountWords({ training, evaluation }: LabelSplit): { count: string; heldOut: string | null; title: string; row: string } {
  if (evaluation === 0) return { count: String(training), heldOut: null, title: labels(training, ''), row: labels(training, '') };
  return {
    count: String(training),
    heldOut: `+${evaluation} eval`,
    title: `${labels(training, 'training ')} + ${labels(evaluation, 'evaluation ')} (held out to measure accuracy, never trained on)`,
    row: `${training} training + ${labels(evaluation, 'evaluation ')}`,
  };
}
