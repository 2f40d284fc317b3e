/**
 * The class suggested for an image, read with the image: a suggestion imported from another
 * model's predictions (the expert brought it in for this image, so it comes first), else the
 * current model's prediction; of live classes only.
 *
 * Invariant: an evaluation image has no suggestion, wherever it is read (label view, gallery,
 * queue): a suggestion shown, or accepted with Enter, while its label is given would bias the
 * honest estimate that the evaluation set is for.
 */
import type { Suggestion } from '../../src-shared/contract';

/** The ids of the classes not deleted: a prediction or suggestion of any other class is none. */
export const LIVE_CLASS_IDS = '(SELECT id FROM classes WHERE deleted_at IS NULL)';
const NOT_EVALUATION = 'NOT EXISTS (SELECT 1 FROM evaluation_images sg_e WHERE sg_e.image_id = i.id)';

const IMPORTED_JOIN = `LEFT JOIN imported_suggestions sg_i ON sg_i.image_id = i.id AND sg_i.class_id IN ${LIVE_CLASS_IDS} AND ${NOT_EVALUATION}`;
const IMPORTED_COLUMNS = 'sg_i.class_id AS imported, sg_i.probability AS imported_probability';

/** Joins on an image aliased `i`; their columns are SUGGESTION_COLUMNS (aliases chosen not to clash with a query's own). */
export const SUGGESTION_JOINS = `
  ${IMPORTED_JOIN}
  LEFT JOIN predictions sg_p ON sg_p.image_id = i.id AND sg_p.class_id IN ${LIVE_CLASS_IDS} AND ${NOT_EVALUATION}`;

export const SUGGESTION_COLUMNS = `${IMPORTED_COLUMNS}, sg_p.class_id AS predicted, sg_p.probability AS predicted_probability`;

/**
 * SUGGESTION_JOINS and SUGGESTION_COLUMNS for a query that already joins the image's prediction
 * of a live class, evaluation images included, as `prediction` (the gallery's prediction sorts
 * and filter): the model's suggestion is that row unless the image is an evaluation image, so
 * predictions is not joined a second time.
 */
export function suggestionBeside(prediction: string): { joins: string; columns: string } {
  const model = (column: string): string => `CASE WHEN sg_x.image_id IS NULL THEN ${prediction}.${column} END`;
  return {
    joins: `${IMPORTED_JOIN} LEFT JOIN evaluation_images sg_x ON sg_x.image_id = i.id`,
    columns: `${IMPORTED_COLUMNS}, ${model('class_id')} AS predicted, ${model('probability')} AS predicted_probability`,
  };
}

export interface SuggestionRow {
  imported: number | null;
  imported_probability: number | null;
  predicted: number | null;
  predicted_probability: number | null;
}

export function suggestionOf(row: SuggestionRow): Suggestion | null {
  if (row.imported !== null && row.imported_probability !== null) return { classId: row.imported, probability: row.imported_probability, source: 'imported' };
  if (row.predicted !== null && row.predicted_probability !== null) return { classId: row.predicted, probability: row.predicted_probability, source: 'model' };
  return null;
}
