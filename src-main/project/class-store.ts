/** Target classes: names, colours, hotkeys (1–9, then letters) and order. */
import type Database from 'better-sqlite3';
import { AppError } from '../../src-shared/app-error';
import { classNameKey, classNameProblem } from '../../src-shared/class-name';
import type { ClassHistoryEntry, ClassInfo } from '../../src-shared/contract';

/** Hotkeys given to new classes, in order. Commands never use bare digits or letters. */
export const DEFAULT_HOTKEYS = [...'123456789abcdefghijklmnopqrstuvwxyz'];
/** The longest class name (as the request schema allows). */
export const MAX_CLASS_NAME = 80;
/** Keys a user may assign: the defaults and 0 (e.g. for a class named "0"). */
export const ASSIGNABLE_HOTKEYS = ['0', ...DEFAULT_HOTKEYS];

/**
 * Okabe–Ito's colours (distinguishable with the common colour-vision deficiencies), then
 * Paul Tol's muted ones, so ten or more classes still get distinct colours by default.
 */
export const CLASS_PALETTE = [
  '#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7',
  '#999999', '#44AA99', '#882255', '#DDCC77', '#AA4499', '#FFFFFF',
];

interface ClassRow {
  id: number;
  name: string;
  color: string;
  hotkey: string;
  position: number;
  label_count: number;
  evaluation_count: number;
}

/**
 * Each live class with its labels on present images, as class_label_counts keeps them
 * (class-label-counts.ts), and how many of those are on present evaluation images: counted from
 * the evaluation set's side (as AdaptationStore.evaluationLabels reads them), which is small, so
 * no label outside it is read; the list is sent after every label (Workspace.labelsChanged).
 */
const SELECT = `
  SELECT c.id, c.name, c.color, c.hotkey, c.position, COALESCE(n.labels, 0) AS label_count, COALESCE(e.labels, 0) AS evaluation_count
  FROM classes c LEFT JOIN class_label_counts n ON n.class_id = c.id
  LEFT JOIN (
    SELECT l.class_id, COUNT(*) AS labels FROM evaluation_images x CROSS JOIN images i ON i.id = x.image_id CROSS JOIN labels l ON l.image_id = x.image_id
    WHERE i.present = 1 GROUP BY l.class_id
  ) e ON e.class_id = c.id
  WHERE c.deleted_at IS NULL`;

const toInfo = (r: ClassRow): ClassInfo => ({
  id: r.id,
  name: r.name,
  color: r.color,
  hotkey: r.hotkey,
  position: r.position,
  labelCount: r.label_count,
  evaluationCount: r.evaluation_count,
});

const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;

/** A change of a class itself, for `class_history` (see ClassHistoryEntry). */
export interface ClassChange {
  actionId: number | null;
  classId: number;
  kind: ClassHistoryEntry['kind'];
  oldName: string | null;
  newName: string | null;
  images: number;
}

export class ClassStore {
  /** `actor`: who makes the changes (the history's "who" of a rename). */
  constructor(
    private readonly db: Database.Database,
    private readonly actor: string,
  ) {}

  list(): ClassInfo[] {
    return (this.db.prepare(`${SELECT} ORDER BY c.position, c.id`).all() as ClassRow[]).map(toInfo);
  }

  get(id: number): ClassInfo {
    const row = this.db.prepare(`${SELECT} AND c.id = ?`).get(id) as ClassRow | undefined;
    if (!row) throw new AppError('NOT_FOUND', `Class ${id} does not exist (it may have been deleted).`);
    return toInfo(row);
  }

  /** Name of any class, deleted ones included (for the history). */
  nameOf(id: number | null): string | null {
    if (id === null) return null;
    return (this.db.prepare('SELECT name FROM classes WHERE id = ?').get(id) as { name: string } | undefined)?.name ?? null;
  }

  private checkName(name: string, exceptId: number | null): string {
    const trimmed = name.trim();
    if (!trimmed) throw new AppError('BAD_ARGUMENT', 'A class needs a name.');
    if (trimmed.length > MAX_CLASS_NAME) throw new AppError('BAD_ARGUMENT', `A class name has at most ${MAX_CLASS_NAME} characters (this one has ${trimmed.length}).`);
    const problem = classNameProblem(trimmed); // NUL, ESC, U+202E…: every class made or renamed passes here
    if (problem !== null) throw new AppError('BAD_ARGUMENT', problem);
    const clash = this.liveNamed(trimmed, exceptId);
    if (clash !== null) {
      // Quotes the class that holds the name (the typed name may differ in case); lower case, as it follows "…was not added: ".
      const caseNote = clash === trimmed ? '' : ' (names that differ only in case count as one)';
      throw new AppError('CONFLICT', `“${clash}” is already a class${caseNote}.`);
    }
    return trimmed;
  }

  /**
   * The name of the live class (other than `exceptId`) that is one class with `name`
   * (classNameKey: any case, any composition), or null. Compared here rather than in SQL: the
   * unique index's NOCASE folds ASCII only and stays as the backstop it is.
   */
  private liveNamed(name: string, exceptId: number | null): string | null {
    const key = classNameKey(name);
    const names = this.db.prepare('SELECT name FROM classes WHERE deleted_at IS NULL AND id IS NOT ? ORDER BY position, id').pluck().all(exceptId) as string[];
    return names.find((other) => classNameKey(other) === key) ?? null;
  }

  private checkColor(color: string): string {
    if (!HEX_COLOR.test(color)) throw new AppError('BAD_ARGUMENT', `"${color}" is not a colour of the form #rrggbb.`);
    return color.toUpperCase();
  }

  create(name: string, color: string | undefined): ClassInfo {
    return this.db.transaction(() => {
      const clean = this.checkName(name, null);
      const live = this.list();
      const used = new Set(live.map((c) => c.hotkey));
      // A class named by one key ("0", "3", "B" for grades or digits) gets that key while it is
      // free, so the key pressed is the name shown; otherwise the first free default key.
      const own = clean.toLowerCase();
      const hotkey = ASSIGNABLE_HOTKEYS.includes(own) && !used.has(own) ? own : DEFAULT_HOTKEYS.find((k) => !used.has(k));
      if (!hotkey) throw new AppError('CONFLICT', `A project can have at most ${DEFAULT_HOTKEYS.length} classes with hotkeys.`);
      // The first palette colour no live class has (after a delete, the count alone repeated one), then in turn.
      const taken = new Set(live.map((c) => c.color.toUpperCase()));
      const chosen = color ? this.checkColor(color) : (CLASS_PALETTE.find((c) => !taken.has(c)) ?? CLASS_PALETTE[live.length % CLASS_PALETTE.length]!);
      const position = live.reduce((max, c) => Math.max(max, c.position + 1), 0);
      const { lastInsertRowid } = this.db
        .prepare('INSERT INTO classes (name, color, hotkey, position, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(clean, chosen, hotkey, position, new Date().toISOString());
      return this.get(Number(lastInsertRowid));
    })();
  }

  update(id: number, changes: { name?: string | undefined; color?: string | undefined; hotkey?: string | undefined }): ClassInfo {
    return this.db.transaction(() => {
      const before = this.get(id);
      if (changes.name !== undefined) {
        const name = this.checkName(changes.name, id);
        this.db.prepare('UPDATE classes SET name = ? WHERE id = ?').run(name, id);
        // A rename changes what every label of the class reads as (exports name the class): the history says when.
        if (name !== before.name) {
          this.record({ actionId: null, classId: id, kind: 'renamed', oldName: before.name, newName: name, images: before.labelCount }, new Date().toISOString());
        }
      }
      if (changes.color !== undefined) this.db.prepare('UPDATE classes SET color = ? WHERE id = ?').run(this.checkColor(changes.color), id);
      if (changes.hotkey !== undefined) {
        const key = changes.hotkey.toLowerCase();
        if (!ASSIGNABLE_HOTKEYS.includes(key)) throw new AppError('BAD_ARGUMENT', `Hotkey "${changes.hotkey}" is not allowed: use a digit or a letter.`);
        const holder = this.db.prepare('SELECT id, name FROM classes WHERE deleted_at IS NULL AND hotkey = ? AND id != ?').get(key, id) as
          | { id: number; name: string }
          | undefined;
        if (holder) {
          // Swap: the other class takes this one's key, so no two classes ever share one.
          const mine = this.get(id).hotkey;
          this.db.prepare("UPDATE classes SET hotkey = '' WHERE id = ?").run(id);
          this.db.prepare('UPDATE classes SET hotkey = ? WHERE id = ?').run(mine, holder.id);
        }
        this.db.prepare('UPDATE classes SET hotkey = ? WHERE id = ?').run(key, id);
      }
      return this.get(id);
    })();
  }

  reorder(ids: readonly number[]): ClassInfo[] {
    return this.db.transaction(() => {
      const live = this.list();
      const liveIds = new Set(live.map((c) => c.id));
      if (ids.length !== live.length || new Set(ids).size !== ids.length || !ids.every((id) => liveIds.has(id))) {
        throw new AppError('BAD_ARGUMENT', 'Reordering needs every class exactly once.');
      }
      const stmt = this.db.prepare('UPDATE classes SET position = ? WHERE id = ?');
      ids.forEach((id, position) => stmt.run(position, id));
      return this.list();
    })();
  }

  /** Where a live class is in the order (0: first). */
  indexOf(id: number): number {
    const index = this.list().findIndex((c) => c.id === id);
    if (index < 0) throw new AppError('NOT_FOUND', `Class ${id} does not exist (it may have been deleted).`);
    return index;
  }

  /**
   * Append a change of a class to `class_history`, placed after the label history rows written
   * so far (its action's own included, so it heads them in the History, newest first).
   */
  record(change: ClassChange, now: string): void {
    this.db
      .prepare(
        `INSERT INTO class_history (action_id, class_id, kind, old_name, new_name, images, actor, at, after_history_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(id), 0) FROM label_history))`,
      )
      .run(change.actionId, change.classId, change.kind, change.oldName, change.newName, change.images, this.actor, now);
  }

  /** The latest class changes, newest first (placed among the label rows by `after_history_id`). */
  history(limit: number): (ClassHistoryEntry & { afterHistoryId: number })[] {
    const rows = this.db
      .prepare(
        `SELECT id, action_id, class_id, kind, old_name, new_name, images, actor, at, after_history_id, backfilled
         FROM class_history ORDER BY after_history_id DESC, id DESC LIMIT ?`,
      )
      .all(limit) as {
      id: number;
      action_id: number | null;
      class_id: number;
      kind: ClassHistoryEntry['kind'];
      old_name: string | null;
      new_name: string | null;
      images: number;
      actor: string | null;
      at: string;
      after_history_id: number;
      backfilled: number;
    }[];
    return rows.map((r) => ({
      subject: 'class',
      id: r.id,
      actionId: r.action_id,
      classId: r.class_id,
      kind: r.kind,
      oldName: r.old_name,
      newName: r.new_name,
      images: r.images,
      actor: r.actor,
      at: r.at,
      backfilled: r.backfilled === 1,
      afterHistoryId: r.after_history_id,
    }));
  }

  /** Soft delete: the row stays so the history can still name the class, and an undo can bring it back. */
  markDeleted(id: number, now: string): void {
    this.db.prepare('UPDATE classes SET deleted_at = ? WHERE id = ?').run(now, id);
  }

  /**
   * Bring a deleted class back (the undo of its deletion) at `index` of the order, with its
   * colour, and its name and key where they are still free. Live classes never share a name or
   * a key, so what was taken since the delete is chosen here, never refused: a name now another
   * class's comes back with " (restored)" (then " (restored 2)"…), a key now another class's is
   * replaced by the first free one (DEFAULT_HOTKEYS, then 0). Only when all 36 keys belong to
   * other classes is it refused (the caller's transaction then changes nothing). `notes` say
   * what differs from before the delete, one sentence each.
   */
  restore(id: number, index: number): { name: string; notes: string[] } {
    const row = this.db.prepare('SELECT name, hotkey FROM classes WHERE id = ? AND deleted_at IS NOT NULL').get(id) as { name: string; hotkey: string } | undefined;
    if (!row) throw new AppError('NOT_FOUND', `Class ${id} is not a deleted class, so it cannot be brought back.`);
    const notes: string[] = [];
    let name = row.name;
    const holder = this.liveNamed(name, id);
    if (holder !== null) {
      name = this.freeName(row.name);
      notes.push(`A class named “${holder}” was added after the delete, so this one is back as “${name}”.`);
    }
    const live = this.list();
    let hotkey = row.hotkey;
    const keyHolder = live.find((c) => c.hotkey === hotkey);
    if (keyHolder) {
      const used = new Set(live.map((c) => c.hotkey));
      const free = [...DEFAULT_HOTKEYS, '0'].find((k) => !used.has(k));
      if (free === undefined) {
        throw new AppError(
          'CONFLICT',
          `“${row.name}” cannot come back: each of the ${ASSIGNABLE_HOTKEYS.length} keys belongs to another class now, and a class needs one. Nothing was changed.`,
        );
      }
      hotkey = free;
      notes.push(`Its key ${row.hotkey} belongs to “${keyHolder.name}” now, so it has key ${free}.`);
    }
    this.db.prepare('UPDATE classes SET name = ?, hotkey = ?, deleted_at = NULL WHERE id = ?').run(name, hotkey, id);
    const order = live.map((c) => c.id);
    order.splice(Math.min(index, order.length), 0, id);
    const place = this.db.prepare('UPDATE classes SET position = ? WHERE id = ?');
    order.forEach((classId, position) => place.run(position, classId));
    return { name: row.name, notes };
  }

  /** `name` with " (restored)", then " (restored 2)"…, that no live class has (shortened to fit MAX_CLASS_NAME). */
  private freeName(name: string): string {
    for (let n = 1; ; n++) {
      const suffix = n === 1 ? ' (restored)' : ` (restored ${n})`;
      const candidate = `${name.slice(0, MAX_CLASS_NAME - suffix.length).trimEnd()}${suffix}`;
      if (this.liveNamed(candidate, null) === null) return candidate;
    }
  }
}
