/** The classes of the open project: list, create, rename/recolour/hotkey, reorder, delete. */
import { s } from '../schema';
import type { LabelAction } from './labels';
import { command, id, query } from './request-def';

export interface ClassInfo {
  id: number;
  name: string;
  color: string;
  hotkey: string;
  position: number;
  /** Labels of this class on present images, the evaluation set's included. */
  labelCount: number;
  /**
   * Of `labelCount`, the labels on present images of the evaluation set (held out: never trained
   * on, they measure accuracy). The class's training labels are `labelCount − evaluationCount`,
   * the split the dashboard shows; the renderer writes it in one place (logic/label-counts.ts).
   */
  evaluationCount: number;
}

const color = s.string({ min: 4, max: 9 });
const hotkey = s.string({ min: 1, max: 1, pattern: /^[0-9A-Za-z]$/, describe: 'a digit or a letter' });

export const classesRequests = {
  'classes:list': query(s.none()).returns<ClassInfo[]>(),
  'classes:create': command(s.object({ name: s.string({ min: 1, max: 80 }), color: s.optional(color) })).returns<ClassInfo>(),
  'classes:update': command(
    s.object({ id, name: s.optional(s.string({ min: 1, max: 80 })), color: s.optional(color), hotkey: s.optional(hotkey) }),
  ).returns<ClassInfo>(),
  'classes:reorder': command(s.object({ ids: s.array(id, { max: 1000, unique: true }) })).returns<ClassInfo[]>(),
  /**
   * Delete a class: one undoable label action (its images become unlabeled; `labels:undo` right
   * after it brings the class back with every label it had, `labels:redo` deletes it again).
   */
  'classes:delete': command(s.object({ id })).returns<LabelAction>(),
} as const;
