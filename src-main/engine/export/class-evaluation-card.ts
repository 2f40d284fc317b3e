/**
 * The model card's "Intended use" and "Evaluation by class" (model-card.ts, and the ONNX model
 * folder's card). The card gave one accuracy ("68.3% (95% CI 55.8–78.7%)") while the dashboard
 * showed a class recognised 1 time in 8: for a classifier an expert may lean on, a class it fails
 * on must be visible where the model goes. The precision and recall are the dashboard's
 * (src-shared/confusion-matrix.ts confusionRows, shareOf), on the same confusion matrix.
 */
import { leftOutWords, type ClassEvaluation } from '../../../src-shared/class-evaluation';
import { confusionRows, FEW_EVALUATION_IMAGES, shareOf, type Share } from '../../../src-shared/confusion-matrix';

/**
 * A recall below this is warned of: the model misses half or more of the class's evaluation
 * images. Worse than a coin toss on whether it finds the class at all, whatever the number of
 * classes; the table shows every recall for a stricter reading.
 */
export const LOW_RECALL = 0.5;

/**
 * A precision below this is warned of: more than half of the images the model predicted as the
 * class are of other classes, so its "this is X" is wrong more often than right. Only once the
 * class was predicted at least FEW_EVALUATION_IMAGES times, the support rule's count for the
 * precision's own denominator: on fewer predictions a share under 50% is not evidence of it
 * (4 right of 9 predictions is 19–73%), and a class predicted a few times is rarely predicted at
 * all (its recall says so). The table shows every precision with its interval.
 */
export const LOW_PRECISION = 0.5;

/** One row of a markdown table; a `|` in a cell (a class name) is escaped. */
export function markdownRow(cells: readonly (string | number)[]): string {
  return `| ${cells.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`;
}

/** "Intended use": every card, whatever was measured. */
export function intendedUseSection(): string[] {
  return [
    '## Intended use',
    '',
    '- Trained by its user in ADMA Studio on their own labeled images (counted per class in this card); nobody else has checked it, and it knows nothing beyond those images.',
    '- For research and to assist an expert who checks every result: it is **not a diagnostic device** and must not decide a diagnosis or a treatment on its own.',
    '- Check its accuracy on your own images, class by class, before relying on it: the figures here are from this project\'s images (Evaluation by class, when it was measured; Limitations).',
    '- Its "probabilities" are the softmax outputs over these classes only (at the temperature under Metrics, when one was applied): how sure the model is, not the chance that an image is of a class; how closely they matched the share of right answers is under Metrics (calibration, ECE).',
    '',
  ];
}

const shareCell = (share: Share | null, none: string): string => (share ? `${share.text} (${share.correct} of ${share.n})` : none);

/**
 * "Evaluation by class" for a version scored on a labeled evaluation set (none when
 * `evaluation` is null or undefined: no such set, or `adma export`): a warning naming the classes
 * whose figures are low or unreliable, a table of evaluation images, recall and precision with
 * their counts and 95% intervals per class, and the confusion matrix, rows the true class and
 * columns the predicted one, in the card's class order. A score on part of the labeled images
 * (`leftOut`) says the table is on the scored ones only.
 */
export function classEvaluationSection(evaluation: ClassEvaluation | null | undefined): string[] {
  if (!evaluation) return [];
  const { classes, modelClasses, counts, leftOut } = evaluation;
  const m = confusionRows(counts);
  const recall = classes.map((_, c) => shareOf(counts[c]?.[c] ?? 0, m.rows[c]?.total ?? 0));
  const precision = classes.map((_, c) => (c < modelClasses ? shareOf(counts[c]?.[c] ?? 0, m.predicted[c] ?? 0) : null));
  const lines = [
    '## Evaluation by class',
    '',
    `On the ${m.total} labeled evaluation image${m.total === 1 ? '' : 's'} the version was scored on: images held out of training, labeled by the user. Recall: of a class's evaluation images, the share the model predicted as that class. Precision: of the images it predicted as a class, the share that are of it. 95% intervals: Wilson score.`,
    '',
  ];
  if (leftOut > 0) lines.push(`Evaluation images left out: ${leftOutWords(leftOut, m.total, 'the table')}.`, '');
  const warning = warningLine(classes, modelClasses, counts, recall, precision);
  if (warning) lines.push(warning, '');
  lines.push(
    markdownRow(['class', 'evaluation images', 'recall', 'recall 95% CI', 'precision', 'precision 95% CI']),
    markdownRow(['---', '---:', '---:', '---:', '---:', '---:']),
    ...classes.map((name, c) =>
      markdownRow([
        c < modelClasses ? name : `${name} (not a class of this model)`,
        m.rows[c]?.total ?? 0,
        shareCell(recall[c] ?? null, '— (no evaluation images)'),
        recall[c]?.range ?? '—',
        c < modelClasses ? shareCell(precision[c] ?? null, '— (never predicted)') : '— (never predicted: no such output)',
        precision[c]?.range ?? '—',
      ]),
    ),
    '',
    'Confusion matrix: rows are the true classes, columns the predicted ones; the diagonal is right.',
    '',
    markdownRow(['true \\ predicted', ...classes.slice(0, modelClasses)]),
    markdownRow(['---', ...classes.slice(0, modelClasses).map(() => '---:')]),
    ...classes.map((name, r) => markdownRow([name, ...(counts[r] ?? []).slice(0, modelClasses)])),
    '',
  );
  return lines;
}

/**
 * The warning over the table, or null when every class has at least FEW_EVALUATION_IMAGES
 * evaluation images, a recall of LOW_RECALL or more, and a precision of LOW_PRECISION or more
 * (or fewer than FEW_EVALUATION_IMAGES predictions): the classes with a low recall (with it), with
 * a low precision (with it and the class its wrong predictions most often were), with too few
 * images for reliable figures (with how many), with none, and those the model cannot predict,
 * each group said in words with its threshold.
 */
function warningLine(
  classes: readonly string[],
  modelClasses: number,
  counts: readonly (readonly number[])[],
  recall: readonly (Share | null)[],
  precision: readonly (Share | null)[],
): string | null {
  const low: string[] = [];
  const lowPrecision: string[] = [];
  const few: string[] = [];
  const none: string[] = [];
  const unknown: string[] = [];
  classes.forEach((name, c) => {
    const share = recall[c] ?? null;
    if (c >= modelClasses) unknown.push(`${name} (${share?.n ?? 0})`);
    else if (!share) none.push(name);
    else {
      if (share.correct / share.n < LOW_RECALL) low.push(`${name} (${share.text}, ${share.correct} of ${share.n})`);
      if (share.n < FEW_EVALUATION_IMAGES) few.push(`${name} (${share.n})`);
    }
    // A class with no evaluation image of its own can still be predicted, wrongly every time.
    const predicted = precision[c] ?? null;
    if (c < modelClasses && predicted && predicted.n >= FEW_EVALUATION_IMAGES && predicted.correct / predicted.n < LOW_PRECISION) {
      const wrong = mostOftenInstead(classes, counts, c);
      lowPrecision.push(`${name} (${predicted.text}, ${predicted.correct} of ${predicted.n} right${wrong ? `; the wrong ones most often ${wrong.name}, ${wrong.count}` : ''})`);
    }
  });
  const parts = [
    low.length ? `recall below ${LOW_RECALL * 100}% (the model misses half or more of the class's evaluation images): ${low.join(', ')}.` : '',
    lowPrecision.length
      ? `precision below ${LOW_PRECISION * 100}% on ${FEW_EVALUATION_IMAGES} or more predictions (most images the model predicts as the class are of another class: check each one it names so): ${lowPrecision.join(', ')}.`
      : '',
    few.length ? `Fewer than ${FEW_EVALUATION_IMAGES} evaluation images, too few for reliable figures (see the wide 95% intervals): ${few.join(', ')}.` : '',
    none.length ? `No evaluation images, so how well the model recognises them is unknown: ${none.join(', ')}.` : '',
    unknown.length ? `Not classes of this model (no training labels when it was trained), so never predicted; evaluation images: ${unknown.join(', ')}.` : '',
  ].filter(Boolean);
  if (parts.length === 0) return null;
  const sentence = (part: string): string => `${part.charAt(0).toUpperCase()}${part.slice(1)}`;
  return `> **Warning:** ${parts.map(sentence).join(' ')}`;
}

/** The true class most often predicted as class `c` wrongly (the first in the card's order on a tie), with how many; null when none was. */
function mostOftenInstead(classes: readonly string[], counts: readonly (readonly number[])[], c: number): { name: string; count: number } | null {
  let best: { name: string; count: number } | null = null;
  for (const [r, row] of counts.entries()) {
    const n = row[c] ?? 0;
    if (r !== c && n > (best?.count ?? 0)) best = { name: classes[r] as string, count: n };
  }
  return best;
}
