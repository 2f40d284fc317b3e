/**
 * Labels with an append-only history. Each user action (one image or a bulk selection) is
 * one undoable unit; undo and redo append history rows rather than erase any, so the audit
 * trail keeps every change with who and when. Every write is one transaction, committed
 * before the call returns.
 *
 * Invariants:
 * - An image is in exactly one of three states: unlabeled (no row), labeled (one `labels`
 *   row with its class) or unsure (one `unsure` row: the expert looked and cannot decide).
 *   Never both rows: `write` is the only writer of either table and removes one when it
 *   writes the other, so giving an unsure image a class ends its unsure mark.
 * - Unsure is not a class: `labels` holds only real classes, so everything that reads
 *   training labels (training, the evaluation score, exports of labels) never sees it.
 * - Every change of state (class or unsure) is one `label_history` row with the state before
 *   and after (`old_/new_class_id`, `old_/new_unsure`), so undo and redo restore an unsure
 *   mark exactly like a class.
 */
import type Database from 'better-sqlite3';
import { AppError } from '../../src-shared/app-error';
import type { HistoryEntry, LabelAction } from '../../src-shared/contract';

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
  old_unsure: number;
  new_unsure: number;
  kind: HistoryKind;
  actor: string;
  at: string;
}

/** What the expert decided for one image: a class, unsure (classId null), or nothing. Unsure implies no class. */
export interface LabelState {
  classId: number | null;
  unsure: boolean;
}

const UNLABELED: LabelState = { classId: null, unsure: false };
const sameState = (a: LabelState, b: LabelState): boolean => a.classId === b.classId && a.unsure === b.unsure;

export class LabelStore {
  constructor(
    private readonly db: Database.Database,
    private readonly actor: string,
  ) {}

  /** Statements of the per-image write, prepared once: a bulk label of 100,000 images runs them 100,000 times. */
  private readonly stmt = (() => {
    let prepared: Record<'current' | 'currentUnsure' | 'remove' | 'upsert' | 'removeUnsure' | 'markUnsure' | 'history', Database.Statement> | null = null;
    return () =>
      (prepared ??= {
        current: this.db.prepare('SELECT class_id FROM labels WHERE image_id = ?'),
        currentUnsure: this.db.prepare('SELECT 1 FROM unsure WHERE image_id = ?'),
        remove: this.db.prepare('DELETE FROM labels WHERE image_id = ?'),
        removeUnsure: this.db.prepare('DELETE FROM unsure WHERE image_id = ?'),
        markUnsure: this.db.prepare('INSERT OR REPLACE INTO unsure (image_id, marked_at, actor) VALUES (?, ?, ?)'),
        upsert: this.db.prepare(
          `INSERT INTO labels (image_id, class_id, labeled_at, actor) VALUES (?, ?, ?, ?)
           ON CONFLICT(image_id) DO UPDATE SET class_id = excluded.class_id, labeled_at = excluded.labeled_at, actor = excluded.actor`,
        ),
        history: this.db.prepare(
          'INSERT INTO label_history (action_id, image_id, old_class_id, new_class_id, old_unsure, new_unsure, kind, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        ),
      });
  })();

  private current(imageId: number): LabelState {
    const classId = (this.stmt().current.get(imageId) as { class_id: number } | undefined)?.class_id ?? null;
    return { classId, unsure: classId === null && this.stmt().currentUnsure.get(imageId) !== undefined };
  }

  /**
   * Write one image's state and its history row; returns false when nothing changed. The
   * only writer of `labels` and `unsure`: it keeps at most one of the two rows per image.
   */
  private write(imageId: number, state: LabelState, actionId: number | null, kind: HistoryKind, now: string): boolean {
    const target: LabelState = state.classId !== null ? { classId: state.classId, unsure: false } : state;
    const old = this.current(imageId);
    if (sameState(old, target)) return false;
    if (target.classId === null) this.stmt().remove.run(imageId);
    else this.stmt().upsert.run(imageId, target.classId, now, this.actor);
    if (target.unsure) this.stmt().markUnsure.run(imageId, now, this.actor);
    else this.stmt().removeUnsure.run(imageId);
    this.stmt().history.run(actionId, imageId, old.classId, target.classId, old.unsure ? 1 : 0, target.unsure ? 1 : 0, kind, this.actor, now);
    return true;
  }

  set(imageIds: readonly number[], classId: number | null, validImages: Set<number>, classExists: boolean): LabelAction {
    if (classId !== null && !classExists) throw new AppError('NOT_FOUND', `Class ${classId} does not exist; it may have been deleted.`);
    return this.setMany(imageIds.map((imageId) => ({ imageId, classId })), validImages);
  }

  /** Mark images unsure (or take the mark away: they become unlabeled); one undoable action. */
  setUnsure(imageIds: readonly number[], unsure: boolean, validImages: Set<number>): LabelAction {
    return this.setMany(imageIds.map((imageId) => ({ imageId, classId: null, unsure })), validImages);
  }

  /** Ids of the present images marked unsure. */
  unsureIds(): Set<number> {
    return new Set(this.db.prepare('SELECT u.image_id FROM unsure u JOIN images i ON i.id = u.image_id WHERE i.present = 1').pluck().all() as number[]);
  }

  /**
   * One undoable action that gives each image its own state (bulk labeling, imports). A pair
   * without `unsure` means a class (or unlabeled when its class is null).
   */
  setMany(pairs: readonly { imageId: number; classId: number | null; unsure?: boolean }[], validImages: Set<number>): LabelAction {
    const missing = pairs.filter((p) => !validImages.has(p.imageId));
    if (missing.length > 0) {
      throw new AppError('NOT_FOUND', `${missing.length} of the images are no longer in the project (first: id ${missing[0]!.imageId}). Rescan and try again.`);
    }
    if (pairs.length === 0) throw new AppError('BAD_ARGUMENT', 'No images were given to label.');
    return this.db.transaction((): LabelAction => {
      const now = new Date().toISOString();
      this.db.prepare("UPDATE label_actions SET state = 'dropped', state_changed_at = ? WHERE state = 'undone'").run(now);
      const actionId = Number(
        this.db.prepare("INSERT INTO label_actions (state, created_at, state_changed_at) VALUES ('done', ?, ?)").run(now, now).lastInsertRowid,
      );
      const last = new Map<number, LabelState>();
      for (const p of pairs) last.set(p.imageId, { classId: p.classId, unsure: p.classId === null && p.unsure === true });
      let changed = 0;
      for (const [imageId, state] of last) if (this.write(imageId, state, actionId, 'set', now)) changed++;
      if (changed === 0) this.db.prepare('DELETE FROM label_actions WHERE id = ?').run(actionId);
      const states = [...last.values()];
      return { actionId: changed === 0 ? 0 : actionId, imageIds: [...last.keys()], classIds: states.map((s) => s.classId), unsure: states.map((s) => s.unsure) };
    }).immediate();
  }

  private replay(actionId: number, direction: 'undo' | 'redo', now: string): LabelAction {
    const rows = this.db
      .prepare("SELECT image_id, old_class_id, new_class_id, old_unsure, new_unsure FROM label_history WHERE action_id = ? AND kind = 'set' ORDER BY id")
      .all(actionId) as { image_id: number; old_class_id: number | null; new_class_id: number | null; old_unsure: number; new_unsure: number }[];
    const ordered = direction === 'undo' ? [...rows].reverse() : rows;
    const classAlive = this.db.prepare('SELECT 1 FROM classes WHERE id = ? AND deleted_at IS NULL');
    for (const row of ordered) {
      const target: LabelState =
        direction === 'undo' ? { classId: row.old_class_id, unsure: row.old_unsure === 1 } : { classId: row.new_class_id, unsure: row.new_unsure === 1 };
      // A class deleted since then cannot come back: the image stays unlabeled.
      const alive = target.classId === null || classAlive.get(target.classId);
      this.write(row.image_id, alive ? target : UNLABELED, actionId, direction, now);
    }
    const imageIds = rows.map((r) => r.image_id);
    const states = imageIds.map((id) => this.current(id));
    return { actionId, imageIds, classIds: states.map((s) => s.classId), unsure: states.map((s) => s.unsure) };
  }

  undo(): LabelAction | null {
    return this.db.transaction((): LabelAction | null => {
      const action = this.db.prepare("SELECT id FROM label_actions WHERE state = 'done' ORDER BY id DESC LIMIT 1").get() as { id: number } | undefined;
      if (!action) return null;
      const now = new Date().toISOString();
      this.db.prepare("UPDATE label_actions SET state = 'undone', state_changed_at = ? WHERE id = ?").run(now, action.id);
      return this.replay(action.id, 'undo', now);
    }).immediate();
  }

  redo(): LabelAction | null {
    return this.db.transaction((): LabelAction | null => {
      // Undone actions always form a suffix of the done ones (a new action drops them), so
      // the most recently undone is the oldest undone.
      const action = this.db
        .prepare("SELECT id FROM label_actions WHERE state = 'undone' ORDER BY id ASC LIMIT 1")
        .get() as { id: number } | undefined;
      if (!action) return null;
      const now = new Date().toISOString();
      this.db.prepare("UPDATE label_actions SET state = 'done', state_changed_at = ? WHERE id = ?").run(now, action.id);
      return this.replay(action.id, 'redo', now);
    }).immediate();
  }

  /** Unlabel every image of a class being deleted; recorded in the history, not undoable. */
  clearClass(classId: number, now: string): number {
    const images = this.db.prepare('SELECT image_id FROM labels WHERE class_id = ?').all(classId) as { image_id: number }[];
    for (const { image_id } of images) this.write(image_id, UNLABELED, null, 'class-deleted', now);
    return images.length;
  }

  history(imageId: number | undefined, limit: number): HistoryEntry[] {
    const rows = this.db
      .prepare(
        `SELECT h.id, h.action_id, h.image_id, i.rel_path, h.old_class_id, h.new_class_id, h.old_unsure, h.new_unsure,
                o.name AS old_name, n.name AS new_name, h.kind, h.actor, h.at
         FROM label_history h JOIN images i ON i.id = h.image_id
         LEFT JOIN classes o ON o.id = h.old_class_id LEFT JOIN classes n ON n.id = h.new_class_id
         WHERE (? IS NULL OR h.image_id = ?) ORDER BY h.id DESC LIMIT ?`,
      )
      .all(imageId ?? null, imageId ?? null, limit) as HistoryRow[];
    return rows.map((r) => ({
      id: r.id,
      actionId: r.action_id,
      imageId: r.image_id,
      relPath: r.rel_path,
      oldClassId: r.old_class_id,
      newClassId: r.new_class_id,
      oldClassName: r.old_name,
      newClassName: r.new_name,
      oldUnsure: r.old_unsure === 1,
      newUnsure: r.new_unsure === 1,
      kind: r.kind,
      actor: r.actor,
      at: r.at,
    }));
  }
}
