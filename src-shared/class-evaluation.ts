/**
 * A model version's score per class on the labeled evaluation set, as the app hands it to the
 * engine's export (`loopExport`'s `evaluation`) for the model card's per-class section
 * (engine/export/class-evaluation-card.ts). The schema checks it where it arrives, and the type
 * is the schema's, so the two cannot drift.
 */
import { AppError } from './app-error';
import { s, SchemaError, type Infer } from './schema';

export const classEvaluationSchema = s.object({
  /**
   * The rows and columns of `counts`: the model's classes in the card's order (labels.json's),
   * then any class of the evaluation set the model has no output for (it had no training label).
   */
  classes: s.array(s.string({ min: 1 }), { max: 10_000 }),
  /** How many of `classes`, from the first, are the model's own (the rest it can never predict). */
  modelClasses: s.int({ min: 1 }),
  /** counts[true][predicted]: the confusion matrix of the images it was scored on, square over `classes`. */
  counts: s.array(s.array(s.int({ min: 0 }), { max: 10_000 }), { max: 10_000 }),
  /** Labeled evaluation images it was not scored on: they had no image features (Evaluation.partialScores); 0: scored on all. */
  leftOut: s.int({ min: 0 }),
});

export type ClassEvaluation = Infer<typeof classEvaluationSchema>;

/**
 * `value` as a ClassEvaluation, or BAD_ARGUMENT saying what is wrong: the schema's fields, a
 * matrix that is not square over the classes, a model with more classes than listed, or an image
 * predicted as a class the model has no output for.
 */
export function parseClassEvaluation(value: unknown): ClassEvaluation {
  let parsed: ClassEvaluation;
  try {
    parsed = classEvaluationSchema.parse(value, 'evaluation');
  } catch (error) {
    if (error instanceof SchemaError) throw new AppError('BAD_ARGUMENT', `The per-class evaluation for the model card: ${error.message}`);
    throw error;
  }
  const { classes, modelClasses, counts } = parsed;
  const bad = (why: string): AppError => new AppError('BAD_ARGUMENT', `The per-class evaluation for the model card: ${why}`);
  if (modelClasses > classes.length) throw bad(`${modelClasses} model classes, but ${classes.length} classes listed.`);
  if (counts.length !== classes.length || counts.some((row) => row.length !== classes.length)) throw bad(`the confusion matrix is not ${classes.length} by ${classes.length} (one row and column per class).`);
  counts.forEach((row, r) => {
    const c = row.findIndex((n, column) => column >= modelClasses && n > 0);
    if (c >= 0) throw bad(`${row[c]} image(s) of ${classes[r]} predicted as ${classes[c]}, which is not a class of the model.`);
  });
  return parsed;
}

/**
 * Why a score leaves out `leftOut` labeled evaluation images, and what `what` (the accuracy, the
 * table) is then on: the model card's accuracy row and its per-class section say it in the same words.
 */
export function leftOutWords(leftOut: number, scored: number, what: string): string {
  return `${leftOut} of ${scored + leftOut}: ${leftOut === 1 ? 'it had' : 'they had'} no image features yet when the version was scored (not extracted, or unreadable), so ${what} is on the other ${scored} only`;
}
