/** Labels: set (one undoable action for any number of images), undo, redo, history. */
import { s, type Schema } from '../schema';
import { imageFilterSchema, type ImageFilter } from './images';
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

/** The gallery's selection as a request names it: listed ids, or every image a filter matches but `exceptIds` (Ctrl+A). */
export type GallerySelection = { kind: 'ids'; imageIds: number[] } | { kind: 'matching'; filter: ImageFilter; exceptIds: number[] };

/** What giving a selection one class (or clearing it) would replace: asked before a large gallery write. */
export interface LabelReplacement {
  /** Present images in the selection. */
  images: number;
  /** Labels of another class the write would change, per class (most first). */
  replaced: { classId: number; count: number }[];
  /** How many of the replaced labels are evaluation images' (the accuracy estimate's ground truth). */
  evaluation: number;
  /** Evaluation images with no label yet that the write would label (0 when clearing). */
  evaluationLabeled: number;
}

/** One row of the History: a change of one image's label, or a change of a class itself (`subject`). */
export type HistoryItem = HistoryEntry | ClassHistoryEntry;

/** A change of one image's label or unsure mark. */
export interface HistoryEntry {
  subject: 'image';
  id: number;
  actionId: number | null;
  imageId: number;
  relPath: string;
  oldClassId: number | null;
  newClassId: number | null;
  /** The classes' names when the change was made (not their present names: a class renamed or restored since keeps its old name here). */
  oldClassName: string | null;
  newClassName: string | null;
  /**
   * The names were not recorded with the change (made before the project was upgraded to keep
   * them) and are the classes' names at that upgrade: a rename before it is not reflected.
   */
  classNamesBackfilled: boolean;
  /** Unsure before and after the change (an unsure image has no class). */
  oldUnsure: boolean;
  newUnsure: boolean;
  kind: 'set' | 'undo' | 'redo' | 'class-deleted';
  /** The change belongs to the deletion of a class: the delete itself, or its undo (the class came back) or redo. */
  classDeletion: boolean;
  /** Where the action's labels came from when not from the expert's keys: an import's file ("labels.csv"), else null. */
  importedFrom: string | null;
  actor: string;
  at: string;
}

/**
 * A change of a class itself: its deletion (labels or none), the undo that brought it back, the
 * redo that deleted it again, or a rename. Not one image's: the images a delete unlabeled are
 * HistoryEntry rows of the same action besides it.
 */
export interface ClassHistoryEntry {
  subject: 'class';
  id: number;
  /** The label action (a deletion, its undo and redo); null for a rename and older versions' deletes. */
  actionId: number | null;
  classId: number;
  /** 'class-deleted': deleted; 'undo': brought back by the undo of its deletion; 'redo': deleted again; 'renamed'. */
  kind: 'class-deleted' | 'undo' | 'redo' | 'renamed';
  /** The class's name before the change (deleted: its name; brought back: its name when deleted). */
  oldName: string | null;
  /** Its name after: a rename's new name, the name an undo brought it back with (" (restored)" when its name was taken); null when deleted. */
  newName: string | null;
  /** Images whose label the change took away or gave back (a rename: the labels the class had). */
  images: number;
  /** Who, when known (null: an older version's change, read back from the state it left). */
  actor: string | null;
  at: string;
  /** Read back from what an older version stored, not recorded when it happened (names are the names at the upgrade). */
  backfilled: boolean;
}

/**
 * What Ctrl+Z would undo now (the latest change still done), or Ctrl+Shift+Z would redo (the
 * latest change undone), read only: the window asks before taking back or bringing back a change
 * the expert may not have in mind (an import, a large change of an earlier session, another
 * window's change), naming it.
 */
export interface UndoPreview {
  actionId: number;
  /** When the change was made (ISO time). */
  at: string;
  /** Images whose label or unsure mark it changed. */
  images: number;
  /** The import's file when the change was an import of labels, else null. */
  importedFrom: string | null;
  /** The class's name when the change deleted a class, else null. */
  deletedClass: string | null;
  /**
   * The window whose request made the change (its page's id, src-shared/window-id.ts); null when
   * no window did (the command line, a script) or when it was made before the project recorded it.
   */
  window: string | null;
  /** What the change gave its images: the classes (their names now, in the change's order), how many it marked unsure, how many it left unlabeled. */
  gave: { classes: string[]; unsure: number; unlabeled: number };
  /** The paths of its first images (at most UNDO_PREVIEW_PATHS), in the change's order. */
  paths: string[];
}

/** How many of a change's images its UndoPreview names. */
export const UNDO_PREVIEW_PATHS = 3;

const ids = s.array(id, { max: 100_000, unique: true });
const gallerySelection: Schema<GallerySelection> = s.variant('kind', {
  ids: s.object({ kind: s.literal('ids'), imageIds: ids }),
  matching: s.object({ kind: s.literal('matching'), filter: imageFilterSchema, exceptIds: ids }),
});

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
  /** What labeling the selection as `classId` (null: clearing it) would replace; writes nothing. */
  'labels:replaced': query(s.object({ selection: gallerySelection, classId: s.nullable(id) })).returns<LabelReplacement>(),
  /**
   * Undo the latest change still done. With `actionId` (from labels:nextUndo), only if it is still
   * that change: another window's change meanwhile refuses it (CONFLICT), nothing undone.
   */
  'labels:undo': command(s.optional(s.object({ actionId: id }))).returns<LabelAction | null>(),
  /** What labels:undo would undo now, or null when there is nothing to undo; writes nothing. */
  'labels:nextUndo': query(s.none()).returns<UndoPreview | null>(),
  /**
   * Redo the latest change undone. With `actionId` (from labels:nextRedo), only if it is still
   * that change: a change undone or made meanwhile refuses it (CONFLICT), nothing redone.
   */
  'labels:redo': command(s.optional(s.object({ actionId: id }))).returns<LabelAction | null>(),
  /** What labels:redo would redo now, or null when there is nothing to redo; writes nothing. */
  'labels:nextRedo': query(s.none()).returns<UndoPreview | null>(),
  /** The label changes (of one image: only its own), and without `imageId` the class changes among them; newest first. */
  'labels:history': query(s.object({ imageId: s.optional(id), limit: s.int({ min: 1, max: 10_000 }) })).returns<HistoryItem[]>(),
} as const;
