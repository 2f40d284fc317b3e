/** Labels: set (one undoable action for any number of images), undo, redo, history. */
import { s } from '../schema';
import { imageFilterSchema } from './images';
import { command, id, query } from './request-def';

export interface LabelAction {
  actionId: number;
  imageIds: number[];
  /** The class each image has after the action (null: unlabeled). */
  classIds: (number | null)[];
  /** Whether each image is marked unsure after the action (the expert cannot decide; never with a class). */
  unsure: boolean[];
  /** Set when the action deleted a class (the delete, its undo and its redo): which, and how it came back. */
  classDeletion?: ClassDeletion;
}

/** A class deleted by an undoable action, or brought back by its undo. */
export interface ClassDeletion {
  classId: number;
  /** Its name when it was deleted (an undo that had to rename it says so in `notes`). */
  name: string;
  /** true: the undo brought the class back; false: the delete (or its redo) deleted it. */
  restored: boolean;
  /** What came back otherwise than before the delete (a name or key taken meanwhile), one sentence each. */
  notes: string[];
}

export interface HistoryEntry {
  id: number;
  actionId: number | null;
  imageId: number;
  relPath: string;
  oldClassId: number | null;
  newClassId: number | null;
  oldClassName: string | null;
  newClassName: string | null;
  /** Unsure before and after the change (an unsure image has no class). */
  oldUnsure: boolean;
  newUnsure: boolean;
  kind: 'set' | 'undo' | 'redo' | 'class-deleted';
  /** The change belongs to the deletion of a class: the delete itself, or its undo (the class came back) or redo. */
  classDeletion: boolean;
  actor: string;
  at: string;
}

export const labelsRequests = {
  'labels:set': command(s.object({ imageIds: s.array(id, { max: 100_000, unique: true }), classId: s.nullable(id) })).returns<LabelAction>(),
  /** Label every image the filter matches except `exceptIds` (the gallery's Ctrl+A): the ids are resolved here, whatever their number. */
  'labels:setMatching': command(
    s.object({ filter: imageFilterSchema, exceptIds: s.array(id, { max: 100_000, unique: true }), classId: s.nullable(id) }),
  ).returns<LabelAction>(),
  /** Mark images unsure (the expert cannot decide: kept out of training), or take the mark away (unlabeled). */
  'labels:setUnsure': command(s.object({ imageIds: s.array(id, { max: 100_000, unique: true }), unsure: s.boolean() })).returns<LabelAction>(),
  /** Mark every image the filter matches except `exceptIds` unsure, or take the mark away (the gallery's Ctrl+A and `.`). */
  'labels:setUnsureMatching': command(
    s.object({ filter: imageFilterSchema, exceptIds: s.array(id, { max: 100_000, unique: true }), unsure: s.boolean() }),
  ).returns<LabelAction>(),
  'labels:undo': command(s.none()).returns<LabelAction | null>(),
  'labels:redo': command(s.none()).returns<LabelAction | null>(),
  'labels:history': query(s.object({ imageId: s.optional(id), limit: s.int({ min: 1, max: 10_000 }) })).returns<HistoryEntry[]>(),
} as const;
