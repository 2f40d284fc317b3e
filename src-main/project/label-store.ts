/**
 * Labels with an append-only history. Each user action (one image or a bulk selection) is
 * one undoable unit; undo and redo append history rows rather than erase any, so the audit
 * trail keeps every change with who and when. Every write is one transaction, committed
 * before the call returns.
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
  kind: HistoryKind;
  actor: string;
  at: string;
}

export class LabelStore {
  constructor(
    private readonly db: Database.Database,
    private readonly actor: string,
  ) {}

  /** Statements of the per-image write, prepared once: a bulk label of 100,000 images runs them 100,000 times. */
  private readonly stmt = (() => {
    let prepared: Record<'current' | 'remove' | 'upsert' | 'history', Database.Statement> | null = null;
    return () =>
      (prepared ??= {
        current: this.db.prepare('SELECT class_id FROM labels WHERE image_id = ?'),
        remove: this.db.prepare('DELETE FROM labels WHERE image_id = ?'),
        upsert: this.db.prepare(
          `INSERT INTO labels (image_id, class_id, labeled_at, actor) VALUES (?, ?, ?, ?)
           ON CONFLICT(image_id) DO UPDATE SET class_id = excluded.class_id, labeled_at = excluded.labeled_at, actor = excluded.actor`,
        ),
        history: this.db.prepare('INSERT INTO label_history (action_id, image_id, old_class_id, new_class_id, kind, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      });
  })();

  private current(imageId: number): number | null {
    return (this.stmt().current.get(imageId) as { class_id: number } | undefined)?.class_id ?? null;
  }

  /** Write one label and its history row; returns false when nothing changed. */
  private write(imageId: number, classId: number | null, actionId: number | null, kind: HistoryKind, now: string): boolean {
    const old = this.current(imageId);
    if (old === classId) return false;
    if (classId === null) this.stmt().remove.run(imageId);
    else this.stmt().upsert.run(imageId, classId, now, this.actor);
    this.stmt().history.run(actionId, imageId, old, classId, kind, this.actor, now);
    return true;
  }

  set(imageIds: readonly number[], classId: number | null, validImages: Set<number>, classExists: boolean): LabelAction {
    if (classId !== null && !classExists) throw new AppError('NOT_FOUND', `Class ${classId} does not exist; it may have been deleted.`);
    return this.setMany(imageIds.map((imageId) => ({ imageId, classId })), validImages);
  }

  /** One undoable action that gives each image its own class (bulk labeling, CSV import). */
  setMany(pairs: readonly { imageId: number; classId: number | null }[], validImages: Set<number>): LabelAction {
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
      const last = new Map<number, number | null>();
      for (const p of pairs) last.set(p.imageId, p.classId);
      let changed = 0;
      for (const [imageId, classId] of last) if (this.write(imageId, classId, actionId, 'set', now)) changed++;
      if (changed === 0) this.db.prepare('DELETE FROM label_actions WHERE id = ?').run(actionId);
      return { actionId: changed === 0 ? 0 : actionId, imageIds: [...last.keys()], classIds: [...last.values()] };
    }).immediate();
  }

  private replay(actionId: number, direction: 'undo' | 'redo', now: string): LabelAction {
    const rows = this.db
      .prepare("SELECT image_id, old_class_id, new_class_id FROM label_history WHERE action_id = ? AND kind = 'set' ORDER BY id")
      .all(actionId) as { image_id: number; old_class_id: number | null; new_class_id: number | null }[];
    const ordered = direction === 'undo' ? [...rows].reverse() : rows;
    const classAlive = this.db.prepare('SELECT 1 FROM classes WHERE id = ? AND deleted_at IS NULL');
    for (const row of ordered) {
      const target = direction === 'undo' ? row.old_class_id : row.new_class_id;
      // A class deleted since then cannot come back: the image stays unlabeled.
      const alive = target === null || classAlive.get(target);
      this.write(row.image_id, alive ? target : null, actionId, direction, now);
    }
    const imageIds = rows.map((r) => r.image_id);
    return { actionId, imageIds, classIds: imageIds.map((id) => this.current(id)) };
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
    for (const { image_id } of images) this.write(image_id, null, null, 'class-deleted', now);
    return images.length;
  }

  history(imageId: number | undefined, limit: number): HistoryEntry[] {
    const rows = this.db
      .prepare(
        `SELECT h.id, h.action_id, h.image_id, i.rel_path, h.old_class_id, h.new_class_id,
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
      kind: r.kind,
      actor: r.actor,
      at: r.at,
    }));
  }
}
