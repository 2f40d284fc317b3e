/**
 * Labels with an append-only history. Each user action (one image or a bulk selection) is
 * one undoable unit; undo and redo append history rows rather than erase any, so the audit
 * trail keeps every change with who and when. Every write is one transaction, committed
 * before the call returns.
 *
 * Invariants:
 * - An image is in exactly one of three states: unlabeled (no row), labeled (one `labels`
 *   row with its class) or unsure (one `unsure` row: the expert looked and cannot decide).
 *   Never both rows: `writeAll` is the only writer of either table and removes one when it
 *   writes the other, so giving an unsure image a class ends its unsure mark.
 * - Unsure is not a class: `labels` holds only real classes, so everything that reads
 *   training labels (training, the evaluation score, exports of labels) never sees it.
 * - Every change of state (class or unsure) is one `label_history` row with the state before
 *   and after (`old_/new_class_id`, `old_/new_unsure`), so undo and redo restore an unsure
 *   mark exactly like a class; and with when and by whom the state before was given (`old_at`,
 *   `old_actor`: a label's labeled_at, a mark's marked_at), so a state restored keeps its own
 *   time: an undo gives a label back as it was given (its labeled_at, exported and read by the
 *   rounds, is not the undo's), a redo as the action first gave it (the row's `at`). A row also
 *   keeps the names its old and new class had when it was written (`old_/new_class_name`), so
 *   the History is an audit trail: a class renamed, deleted or brought back as "… (restored)"
 *   later does not change what older rows say (rows from before migration 9 carry the names at
 *   the upgrade, `class_names_backfilled`; see migrations.ts).
 * - An action that put images in the evaluation set (an import's held-out split:
 *   `evaluation_images.action_id`) takes them out when undone and puts them back when redone;
 *   meanwhile they wait in `evaluation_undone`, and are forgotten when a new action drops the
 *   undone ones. An image added to the evaluation set otherwise (the sampler) stays until the
 *   expert returns it to the loop's pool (Evaluation.release: only images without a label, so
 *   the labeled evaluation images, the honest measure, never leave that way). A release is not
 *   a label action and Undo does not bring it back; an image released from an action's split is
 *   no longer its row, so undoing and redoing that action move only the rows still in the set.
 * - Deleting a class is an action on the same stack (`deleteClass`): its images' changes are
 *   history rows of kind 'class-deleted' with the action's id, the class row is soft-deleted
 *   (`deleted_at`; it keeps its name, colour and key), and the meta row `deleted-class:<action>`
 *   names the class and its place in the order. That row, not the label history, says an
 *   action deleted a class (undo and redo read it): a class without labels leaves no label row.
 *   The History still shows every delete, undo and redo of a class, labels or none: each
 *   appends one `class_history` row (ClassStore.record: the action, the class's name then and
 *   the one it came back with, how many images it changed), placed after the label rows written
 *   before it (`after_history_id`), and so does a rename (no action: not undoable). Undo and
 *   redo never read `class_history`. Undo brings the class back
 *   (ClassStore.restore: a name or key taken since is replaced, never shared) before its labels,
 *   redo unlabels every image of the class again and deletes it. So no `labels` row ever names
 *   a deleted class, and Ctrl+Z after a delete undoes the delete.
 * - History rows of kind 'class-deleted' without an action are older versions' deletes: not
 *   undoable, and an undone label of such a class leaves its image unlabeled.
 * - An action keeps the window whose request made it (`label_actions.window_id`, the page's random
 *   id; null: no window, or made before migration 11), written in the transaction that begins it
 *   and never changed: undo and redo are not new actions, so a change stays the window's that
 *   made it, and another window asks before taking it back or bringing it back (nextUndo, nextRedo).
 */
import type Database from 'better-sqlite3';
import { AppError } from '../../src-shared/app-error';
import type { HistoryEntry, HistoryItem, LabelAction, LabelReplacement, UndoPreview } from '../../src-shared/contract';
import { UNDO_PREVIEW_PATHS } from '../../src-shared/requests/labels';
import type { ClassStore } from './class-store';

type HistoryKind = HistoryEntry['kind'];

interface HistoryRow {
  id: number;
  action_id: number | null;
  image_id: number;
  rel_path: string;
  old_class_id: number | null;
  new_class_id: number | null;
  old_name: string | null;
  new_name: string | null;
  class_names_backfilled: number;
  old_unsure: number;
  new_unsure: number;
  kind: HistoryKind;
  class_deletion: number;
  imported_from: string | null;
  actor: string;
  at: string;
}

/** The meta row of an action that deleted a class is this and the action's id (see the invariants above). */
const DELETION_KEY = 'deleted-class:';
const deletionKey = (actionId: number): string => `${DELETION_KEY}${actionId}`;

/** What `deleted-class:<action>` holds: the class and its index in the order when it was deleted. */
interface DeletionRecord {
  classId: number;
  index: number;
}

/** What the expert decided for one image: a class, unsure (classId null), or nothing. Unsure implies no class. */
export interface LabelState {
  classId: number | null;
  unsure: boolean;
  /** When and by whom it was given, for a state an undo or redo restores (otherwise now, by this user). */
  given?: { at: string | null; actor: string | null };
}

const UNLABELED: LabelState = { classId: null, unsure: false };

export class LabelStore {
  constructor(
    private readonly db: Database.Database,
    private readonly actor: string,
    private readonly classes: ClassStore,
  ) {}

  /**
   * The write of many label states as set-based statements over a JSON array of
   * [imageId, classId, unsure] triples (in order, unsure 0 whenever there is a class): the
   * history rows of the images whose state changes (read before the change), then the
   * removals and upserts of `labels` and `unsure`. Per image, six statements took ~1 s for a
   * bulk label of 100,000 on the host's main thread. Prepared once.
   */
  private readonly stmt = (() => {
    // [imageId, classId, unsure, at, actor]: `at` and `actor` are the state's own (a restored one's), null for now and this user.
    const triples = `SELECT j.key AS seq, json_extract(j.value, '$[0]') AS image_id, json_extract(j.value, '$[1]') AS class_id, json_extract(j.value, '$[2]') AS unsure,
      json_extract(j.value, '$[3]') AS given_at, json_extract(j.value, '$[4]') AS given_by FROM json_each(@pairs) j`;
    const wasUnsure = 'CASE WHEN l.class_id IS NULL AND u.image_id IS NOT NULL THEN 1 ELSE 0 END';
    let prepared: Record<'history' | 'remove' | 'upsert' | 'removeUnsure' | 'markUnsure', Database.Statement> | null = null;
    return () =>
      (prepared ??= {
        history: this.db.prepare(
          `WITH t AS (${triples})
           INSERT INTO label_history (action_id, image_id, old_class_id, new_class_id, old_unsure, new_unsure, kind, actor, at, old_at, old_actor, old_class_name, new_class_name)
           SELECT @action, t.image_id, l.class_id, t.class_id, ${wasUnsure}, t.unsure, @kind, @actor, @now,
                  CASE WHEN l.class_id IS NOT NULL THEN l.labeled_at ELSE u.marked_at END, CASE WHEN l.class_id IS NOT NULL THEN l.actor ELSE u.actor END,
                  oc.name, nc.name
           FROM t LEFT JOIN labels l ON l.image_id = t.image_id LEFT JOIN unsure u ON u.image_id = t.image_id
                LEFT JOIN classes oc ON oc.id = l.class_id LEFT JOIN classes nc ON nc.id = t.class_id
           WHERE l.class_id IS NOT t.class_id OR ${wasUnsure} <> t.unsure ORDER BY t.seq`,
        ),
        remove: this.db.prepare(`DELETE FROM labels WHERE image_id IN (SELECT image_id FROM (${triples}) WHERE class_id IS NULL)`),
        upsert: this.db.prepare(
          `INSERT INTO labels (image_id, class_id, labeled_at, actor)
           SELECT image_id, class_id, COALESCE(given_at, @now), COALESCE(given_by, @actor) FROM (${triples}) WHERE class_id IS NOT NULL
           ON CONFLICT(image_id) DO UPDATE SET class_id = excluded.class_id, labeled_at = excluded.labeled_at, actor = excluded.actor
           WHERE labels.class_id IS NOT excluded.class_id`,
        ),
        removeUnsure: this.db.prepare(`DELETE FROM unsure WHERE image_id IN (SELECT image_id FROM (${triples}) WHERE unsure = 0)`),
        markUnsure: this.db.prepare(
          `INSERT INTO unsure (image_id, marked_at, actor) SELECT image_id, COALESCE(given_at, @now), COALESCE(given_by, @actor) FROM (${triples}) WHERE unsure = 1
           ON CONFLICT(image_id) DO NOTHING`,
        ),
      });
  })();

  /**
   * Give each image its state (a class ends an unsure mark), with a history row for each image
   * whose state changed (unchanged images get none); returns how many changed. The only writer
   * of `labels` and `unsure`: it keeps at most one of the two rows per image.
   */
  private writeAll(targets: ReadonlyMap<number, LabelState>, actionId: number | null, kind: HistoryKind, now: string): number {
    const pairs = JSON.stringify([...targets].map(([imageId, state]) => [imageId, state.classId, state.classId === null && state.unsure ? 1 : 0, state.given?.at ?? null, state.given?.actor ?? null]));
    const changed = this.stmt().history.run({ pairs, action: actionId, kind, actor: this.actor, now }).changes;
    if (changed === 0) return 0;
    this.stmt().remove.run({ pairs });
    this.stmt().upsert.run({ pairs, now, actor: this.actor });
    this.stmt().removeUnsure.run({ pairs });
    this.stmt().markUnsure.run({ pairs, now, actor: this.actor });
    return changed;
  }

  /** Give images a class (null: unlabeled); one undoable action, made by `window` (the id of the window that asked, null: none). */
  set(imageIds: readonly number[], classId: number | null, validImages: Set<number>, classExists: boolean, window: string | null = null): LabelAction {
    if (classId !== null && !classExists) throw new AppError('NOT_FOUND', `Class ${classId} does not exist; it may have been deleted.`);
    return this.setMany(imageIds.map((imageId) => ({ imageId, classId })), validImages, { window });
  }

  /** Mark images unsure (or take the mark away: they become unlabeled); one undoable action, made by `window`. */
  setUnsure(imageIds: readonly number[], unsure: boolean, validImages: Set<number>, window: string | null = null): LabelAction {
    return this.setMany(imageIds.map((imageId) => ({ imageId, classId: null, unsure })), validImages, { window });
  }

  /**
   * What giving `imageIds` the class `classId` (null: clearing them) would replace: the labels of
   * another class among the present images, per class, and how many of those are evaluation
   * images'. One query over the list (a Ctrl+A selection names 100,000).
   */
  replacement(imageIds: readonly number[], classId: number | null): LabelReplacement {
    const list = JSON.stringify(imageIds);
    const present = this.db.prepare('SELECT COUNT(*) FROM images WHERE present = 1 AND id IN (SELECT value FROM json_each(?))').pluck().get(list) as number;
    const rows = this.db
      .prepare(
        `SELECT l.class_id AS classId, COUNT(*) AS count, COUNT(e.image_id) AS evaluation
         FROM labels l CROSS JOIN images i ON i.id = l.image_id LEFT JOIN evaluation_images e ON e.image_id = l.image_id
         WHERE i.present = 1 AND l.image_id IN (SELECT value FROM json_each(?)) AND l.class_id IS NOT ?
         GROUP BY l.class_id ORDER BY count DESC, l.class_id`,
      )
      .all(list, classId) as { classId: number; count: number; evaluation: number }[];
    // Evaluation images with no label that a class would label (the honest estimate's ground truth, given in bulk).
    const evaluationLabeled =
      classId === null
        ? 0
        : (this.db
            .prepare(
              `SELECT COUNT(*) FROM evaluation_images e CROSS JOIN images i ON i.id = e.image_id
               WHERE i.present = 1 AND e.image_id IN (SELECT value FROM json_each(?)) AND e.image_id NOT IN (SELECT image_id FROM labels)`,
            )
            .pluck()
            .get(list) as number);
    return {
      images: present,
      replaced: rows.map(({ classId: id, count }) => ({ classId: id, count })),
      evaluation: rows.reduce((n, row) => n + row.evaluation, 0),
      evaluationLabeled,
    };
  }

  /** How many label changes (history rows) were made after `at` (an ISO time). */
  changesSince(at: string): number {
    return this.db.prepare('SELECT COUNT(*) FROM label_history WHERE at > ?').pluck().get(at) as number;
  }

  /** When an action was first done (ISO time), or null when there is no such action. */
  doneAt(actionId: number): string | null {
    return (this.db.prepare('SELECT created_at FROM label_actions WHERE id = ?').pluck().get(actionId) as string | undefined) ?? null;
  }

  /** Ids of the present images marked unsure. */
  unsureIds(): Set<number> {
    return new Set(this.db.prepare('SELECT u.image_id FROM unsure u CROSS JOIN images i ON i.id = u.image_id WHERE i.present = 1').pluck().all() as number[]);
  }

  /**
   * One undoable action that gives each image its own state (bulk labeling, imports). A pair
   * without `unsure` means a class (or unlabeled when its class is null). `importedFrom`: the
   * file of an import; `window`: the id of the window that asked (null: none).
   */
  setMany(
    pairs: readonly { imageId: number; classId: number | null; unsure?: boolean }[],
    validImages: Set<number>,
    { importedFrom = null, window = null }: { importedFrom?: string | null; window?: string | null } = {},
  ): LabelAction {
    const missing = pairs.filter((p) => !validImages.has(p.imageId));
    if (missing.length > 0) {
      throw new AppError('NOT_FOUND', `${missing.length} of the images are no longer in the project (first: id ${missing[0]!.imageId}). Rescan and try again.`);
    }
    if (pairs.length === 0) throw new AppError('BAD_ARGUMENT', 'No images were given to label.');
    return this.db.transaction((): LabelAction => {
      const now = new Date().toISOString();
      const actionId = this.beginAction(now, window);
      if (importedFrom !== null) this.db.prepare('UPDATE label_actions SET imported_from = ? WHERE id = ?').run(importedFrom, actionId);
      const last = new Map<number, LabelState>();
      for (const p of pairs) last.set(p.imageId, { classId: p.classId, unsure: p.classId === null && p.unsure === true });
      const changed = this.writeAll(last, actionId, 'set', now);
      if (changed === 0) this.db.prepare('DELETE FROM label_actions WHERE id = ?').run(actionId);
      const states = [...last.values()];
      return { actionId: changed === 0 ? 0 : actionId, imageIds: [...last.keys()], classIds: states.map((s) => s.classId), unsure: states.map((s) => s.unsure) };
    }).immediate();
  }

  /** A new action on top of the done ones, made by `window`; it drops the undone ones (they can no longer be redone). */
  private beginAction(now: string, window: string | null): number {
    this.db.prepare("DELETE FROM evaluation_undone WHERE action_id IN (SELECT id FROM label_actions WHERE state = 'undone')").run();
    this.db.prepare("UPDATE label_actions SET state = 'dropped', state_changed_at = ? WHERE state = 'undone'").run(now);
    return Number(
      this.db.prepare("INSERT INTO label_actions (state, created_at, state_changed_at, window_id) VALUES ('done', ?, ?, ?)").run(now, now, window).lastInsertRowid,
    );
  }

  /**
   * Delete a class as one undoable action: every image labeled with it becomes unlabeled, the
   * class is soft-deleted, and its meta row says which class and where it was in the order,
   * so the undo brings it back, labels or none. `window`: the id of the window that asked (null: none).
   */
  deleteClass(classId: number, window: string | null = null): LabelAction {
    return this.db.transaction((): LabelAction => {
      // An unknown class throws in removeClass: the transaction then keeps no action either.
      const now = new Date().toISOString();
      return this.removeClass(classId, this.beginAction(now, window), 'class-deleted', now);
    }).immediate();
  }

  /**
   * The delete and its redo: record the class's place, unlabel its images (history rows of
   * `kind`), soft-delete it, and say so in the class history (labels or none).
   */
  private removeClass(classId: number, actionId: number, kind: 'class-deleted' | 'redo', now: string): LabelAction {
    const { name } = this.classes.get(classId);
    const record: DeletionRecord = { classId, index: this.classes.indexOf(classId) };
    this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(deletionKey(actionId), JSON.stringify(record));
    const images = this.db.prepare('SELECT image_id FROM labels WHERE class_id = ? ORDER BY image_id').pluck().all(classId) as number[];
    const changed = this.writeAll(new Map(images.map((id) => [id, UNLABELED])), actionId, kind, now);
    this.classes.markDeleted(classId, now);
    this.classes.record({ actionId, classId, kind, oldName: name, newName: null, images: changed }, now);
    return { actionId, imageIds: images, classIds: images.map(() => null), unsure: images.map(() => false), classDeletion: { classId, name, restored: false, notes: [] } };
  }

  /** The class an action deleted, or null for a label action. */
  private deletionOf(actionId: number): DeletionRecord | null {
    const value = this.db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(deletionKey(actionId)) as string | undefined;
    return value === undefined ? null : (JSON.parse(value) as DeletionRecord);
  }

  /** Undo or redo one action; a class deletion's undo brings the class back before its labels, its redo deletes it again. */
  private undoOrRedo(actionId: number, direction: 'undo' | 'redo', now: string): LabelAction {
    const deletion = this.deletionOf(actionId);
    if (!deletion) {
      const { changed: _changed, ...action } = this.replay(actionId, direction, now);
      return action;
    }
    const { classId } = deletion;
    if (direction === 'redo') return this.removeClass(classId, actionId, 'redo', now);
    const { name, notes } = this.classes.restore(classId, deletion.index);
    const { changed, ...action } = this.replay(actionId, 'undo', now);
    // The name it came back with (" (restored)" when its own was taken meanwhile).
    this.classes.record({ actionId, classId, kind: 'undo', oldName: name, newName: this.classes.nameOf(classId), images: changed }, now);
    return { ...action, classDeletion: { classId, name, restored: true, notes } };
  }

  /** Undo or redo a label action's rows; `changed`: how many images it changed (history rows written). */
  private replay(actionId: number, direction: 'undo' | 'redo', now: string): LabelAction & { changed: number } {
    // When and by whom the state before was given; rows older than migration 7 have none: the
    // image's latest earlier row that gave that state says it (its time, not older ones').
    const rows = this.db
      .prepare(
        `SELECT h.image_id, h.old_class_id, h.new_class_id, h.old_unsure, h.new_unsure, h.at, h.actor,
                COALESCE(h.old_at, p.at) AS old_at, COALESCE(h.old_actor, p.actor) AS old_actor
         FROM label_history h
         LEFT JOIN label_history p ON h.old_at IS NULL AND p.id = (
           SELECT q.id FROM label_history q WHERE q.image_id = h.image_id AND q.id < h.id AND q.new_class_id IS h.old_class_id AND q.new_unsure = h.old_unsure
           ORDER BY q.id DESC LIMIT 1)
         WHERE h.action_id = ? AND h.kind IN ('set', 'class-deleted') ORDER BY h.id`,
      )
      .all(actionId) as {
      image_id: number;
      old_class_id: number | null;
      new_class_id: number | null;
      old_unsure: number;
      new_unsure: number;
      at: string;
      actor: string;
      old_at: string | null;
      old_actor: string | null;
    }[];
    // A class an older version deleted (not undoable) cannot come back: the image stays unlabeled.
    const alive = new Set(this.db.prepare('SELECT id FROM classes WHERE deleted_at IS NULL').pluck().all() as number[]);
    const targets = new Map<number, LabelState>();
    for (const row of direction === 'undo' ? [...rows].reverse() : rows) {
      const target: LabelState =
        direction === 'undo'
          ? { classId: row.old_class_id, unsure: row.old_unsure === 1, given: { at: row.old_at, actor: row.old_actor } }
          : { classId: row.new_class_id, unsure: row.new_unsure === 1, given: { at: row.at, actor: row.actor } };
      targets.set(row.image_id, target.classId === null || alive.has(target.classId) ? target : UNLABELED);
    }
    const changed = this.writeAll(targets, actionId, direction, now);
    this.moveEvaluation(actionId, direction);
    // Every image of the action now has its target: the state each one shows.
    const imageIds = rows.map((r) => r.image_id);
    const states = imageIds.map((id) => targets.get(id) ?? UNLABELED);
    return { actionId, imageIds, classIds: states.map((s) => s.classId), unsure: states.map((s) => s.classId === null && s.unsure), changed };
  }

  /** The evaluation-set rows the action added: out to `evaluation_undone` on undo, back on redo. */
  private moveEvaluation(actionId: number, direction: 'undo' | 'redo'): void {
    if (direction === 'undo') {
      this.db.prepare('INSERT OR REPLACE INTO evaluation_undone (image_id, action_id, added_at) SELECT image_id, action_id, added_at FROM evaluation_images WHERE action_id = ?').run(actionId);
      this.db.prepare('DELETE FROM evaluation_images WHERE action_id = ?').run(actionId);
    } else {
      this.db.prepare('INSERT OR IGNORE INTO evaluation_images (image_id, added_at, action_id) SELECT image_id, added_at, action_id FROM evaluation_undone WHERE action_id = ?').run(actionId);
      this.db.prepare('DELETE FROM evaluation_undone WHERE action_id = ?').run(actionId);
    }
  }

  /** The latest done action (what undo undoes) or the latest undone one (what redo redoes); undefined when there is none. */
  private next(direction: 'undo' | 'redo'): number | undefined {
    // Undone actions always form a suffix of the done ones (a new action drops them), so the
    // most recently undone is the oldest undone.
    const sql =
      direction === 'undo'
        ? "SELECT id FROM label_actions WHERE state = 'done' ORDER BY id DESC LIMIT 1"
        : "SELECT id FROM label_actions WHERE state = 'undone' ORDER BY id ASC LIMIT 1";
    return this.db.prepare(sql).pluck().get() as number | undefined;
  }

  /** What `undo` would undo now (see UndoPreview), or null when no change is done; reads only. */
  nextUndo(): UndoPreview | null {
    const actionId = this.next('undo');
    return actionId === undefined ? null : this.preview(actionId);
  }

  /** What `redo` would redo now (see UndoPreview), or null when no change is undone; reads only. */
  nextRedo(): UndoPreview | null {
    const actionId = this.next('redo');
    return actionId === undefined ? null : this.preview(actionId);
  }

  /** An action as the expert is asked about it: what it gave which images, when, from which window. */
  private preview(actionId: number): UndoPreview {
    const action = this.db.prepare('SELECT created_at, imported_from, window_id FROM label_actions WHERE id = ?').get(actionId) as {
      created_at: string;
      imported_from: string | null;
      window_id: string | null;
    };
    // The action's own rows (its undos and redos add rows of other kinds): one per image it changed.
    const rows = `FROM label_history h WHERE h.action_id = @actionId AND h.kind IN ('set', 'class-deleted')`;
    const counts = this.db
      .prepare(`SELECT COUNT(DISTINCT h.image_id) AS images, COUNT(DISTINCT CASE WHEN h.new_unsure = 1 THEN h.image_id END) AS unsure,
                COUNT(DISTINCT CASE WHEN h.new_class_id IS NULL AND h.new_unsure = 0 THEN h.image_id END) AS unlabeled ${rows}`)
      .get({ actionId }) as { images: number; unsure: number; unlabeled: number };
    // A class's name now (as the class bar shows it), or the row's when the class is gone.
    const classes = this.db
      .prepare(`SELECT COALESCE(c.name, MIN(h.new_class_name)) FROM label_history h LEFT JOIN classes c ON c.id = h.new_class_id
                WHERE h.action_id = @actionId AND h.kind IN ('set', 'class-deleted') AND h.new_class_id IS NOT NULL
                GROUP BY h.new_class_id ORDER BY MIN(h.id)`)
      .pluck()
      .all({ actionId }) as string[];
    const paths = this.db
      .prepare(`SELECT i.rel_path FROM label_history h JOIN images i ON i.id = h.image_id
                WHERE h.action_id = @actionId AND h.kind IN ('set', 'class-deleted') GROUP BY h.image_id ORDER BY MIN(h.id) LIMIT @limit`)
      .pluck()
      .all({ actionId, limit: UNDO_PREVIEW_PATHS }) as string[];
    const deletion = this.deletionOf(actionId);
    const deletedClass = deletion ? ((this.db.prepare('SELECT name FROM classes WHERE id = ?').pluck().get(deletion.classId) as string | undefined) ?? null) : null;
    return {
      actionId,
      at: action.created_at,
      images: counts.images,
      importedFrom: action.imported_from,
      deletedClass,
      window: action.window_id,
      gave: { classes, unsure: counts.unsure, unlabeled: counts.unlabeled },
      paths,
    };
  }

  /**
   * Undo the latest done action; null when there is none. With `expected` (an id nextUndo gave),
   * only if that action is still the latest done one: a window that asked the expert about one
   * change never undoes another that a second window made meanwhile.
   */
  undo(expected?: number): LabelAction | null {
    return this.db.transaction((): LabelAction | null => {
      const actionId = this.next('undo');
      if (expected !== undefined && actionId !== expected) {
        throw new AppError('CONFLICT', 'The labels changed meanwhile (another window?), so the change you were asked about is no longer the last one. Nothing was undone.');
      }
      if (actionId === undefined) return null;
      const now = new Date().toISOString();
      this.db.prepare("UPDATE label_actions SET state = 'undone', state_changed_at = ? WHERE id = ?").run(now, actionId);
      return this.undoOrRedo(actionId, 'undo', now);
    }).immediate();
  }

  /** Redo the latest undone action; null when there is none. With `expected` (an id nextRedo gave), only if it is still that action (as undo). */
  redo(expected?: number): LabelAction | null {
    return this.db.transaction((): LabelAction | null => {
      const actionId = this.next('redo');
      if (expected !== undefined && actionId !== expected) {
        throw new AppError('CONFLICT', 'The labels changed meanwhile (another window?), so the change you were asked about is no longer the one to redo. Nothing was redone.');
      }
      if (actionId === undefined) return null;
      const now = new Date().toISOString();
      this.db.prepare("UPDATE label_actions SET state = 'done', state_changed_at = ? WHERE id = ?").run(now, actionId);
      return this.undoOrRedo(actionId, 'redo', now);
    }).immediate();
  }

  /**
   * The History: the latest `limit` changes, label rows and class changes together, newest first.
   * A class change sits after the label rows written before it (`after_history_id`), so a
   * delete, its undo or its redo heads the rows of the images it changed.
   */
  changes(limit: number): HistoryItem[] {
    const labels = this.history(undefined, limit);
    const classes = this.classes.history(limit);
    const merged: HistoryItem[] = [];
    let l = 0;
    let c = 0;
    while (merged.length < limit && (l < labels.length || c < classes.length)) {
      const label = labels[l];
      const change = classes[c];
      if (change !== undefined && (label === undefined || change.afterHistoryId >= label.id)) {
        const { afterHistoryId: _place, ...entry } = change;
        merged.push(entry);
        c++;
      } else if (label !== undefined) {
        merged.push(label);
        l++;
      }
    }
    return merged;
  }

  /** The label rows (of one image, or all), newest first, with the class names they had then. */
  history(imageId: number | undefined, limit: number): HistoryEntry[] {
    const rows = this.db
      .prepare(
        `SELECT h.id, h.action_id, h.image_id, i.rel_path, h.old_class_id, h.new_class_id, h.old_unsure, h.new_unsure,
                COALESCE(h.old_class_name, o.name) AS old_name, COALESCE(h.new_class_name, n.name) AS new_name, h.class_names_backfilled, h.kind, h.actor, h.at, a.imported_from,
                h.kind = 'class-deleted' OR EXISTS (SELECT 1 FROM meta m WHERE m.key = '${DELETION_KEY}' || h.action_id) AS class_deletion
         FROM label_history h JOIN images i ON i.id = h.image_id
         LEFT JOIN classes o ON o.id = h.old_class_id LEFT JOIN classes n ON n.id = h.new_class_id
         LEFT JOIN label_actions a ON a.id = h.action_id
         WHERE (? IS NULL OR h.image_id = ?) ORDER BY h.id DESC LIMIT ?`,
      )
      .all(imageId ?? null, imageId ?? null, limit) as HistoryRow[];
    return rows.map((r) => ({
      subject: 'image',
      id: r.id,
      actionId: r.action_id,
      imageId: r.image_id,
      relPath: r.rel_path,
      oldClassId: r.old_class_id,
      newClassId: r.new_class_id,
      oldClassName: r.old_name,
      newClassName: r.new_name,
      classNamesBackfilled: r.class_names_backfilled === 1,
      oldUnsure: r.old_unsure === 1,
      newUnsure: r.new_unsure === 1,
      kind: r.kind,
      classDeletion: r.class_deletion === 1,
      importedFrom: r.imported_from,
      actor: r.actor,
      at: r.at,
    }));
  }
}
