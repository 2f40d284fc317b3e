/**
 * A cache ADMA Studio keeps in SQLite and can compute again from the images (the feature caches,
 * the thumbnail-hash cache). A file that SQLite finds is not a readable database (overwritten
 * with something else, truncated: isDamagedDatabase) is set aside, never deleted: renamed with
 * the time beside it, and its -wal and -shm with it when they are still there (SQLite removes
 * those of a file it cannot read as it closes it; a -wal left behind would be replayed into the
 * new file). A new cache is made in its place, and the opener is handed a notice for the user,
 * naming both files, said once (the new file opens as any other). A file that cannot be moved
 * aside is refused with why and what to do; nothing else is changed.
 *
 * Never for the project database: its labels and their history exist nowhere else, so a
 * damaged one is refused as it is (project-db.ts), and the user restores it.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../../src-shared/app-error';
import { cantOpenError, capitalised, codeOf, errnoReason, isDamagedDatabase } from './storage-errors';

/** What a cache's opener gets: the open cache, and the notice for the user when a damaged file was set aside. */
export interface OpenedCache<T> {
  opened: T;
  notice: string | null;
}

/** What a cache of what the images give held, and how it comes back. */
const COMPUTED_AGAIN = 'what it held is computed again from the images, which takes time but loses nothing';

/** The file's identity, or null when there is none at `file`. */
function identity(file: string): string | null {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  return stat ? `${stat.dev}:${stat.ino}` : null;
}

/** Where the damage a reader found in `file` is recorded until the next open sets the file aside. */
const recordOf = (file: string): string => `${file}.found-damaged`;

/**
 * Record that a read of `file` met `damage` (see above), for the next open; false when the
 * record could not be written (a read-only folder: the file cannot be set aside either). For a
 * reader that goes on without the file; one that stops throws damagedCacheError, which records.
 */
export function recordDamage(file: string, damage: unknown): boolean {
  const id = identity(file);
  if (id === null) return false;
  try {
    fs.writeFileSync(recordOf(file), `${id}\n${(damage as Error).message}\n`);
    return true;
  } catch {
    return false;
  }
}

/**
 * What a reader recorded of `file` (its words for the damage), or null: none, or a record of
 * another file since put in its place (removed then). Files are told apart by device and inode
 * only (SQLite changes the times and size of the damaged file as it closes it): a file put in
 * its place under the same inode number is set aside too, which costs its recomputation only.
 */
function recordedDamage(file: string, now: string | null): string | null {
  let text: string;
  try {
    text = fs.readFileSync(recordOf(file), 'utf8');
  } catch {
    return null;
  }
  const [id, reason] = text.split('\n');
  if (now !== null && id === now) return reason || 'damaged pages';
  fs.rmSync(recordOf(file), { force: true });
  return null;
}

/**
 * The error for a read of the cache `file` that met damaged pages (`damage`: SQLite's error,
 * isDamagedDatabase): says the file, that it holds only what is computed again (`held`), and
 * that the next open sets it aside (the damage is recorded for it), or, when that cannot be
 * recorded, to move it away. Never the project database's words: that one is intact.
 */
export function damagedCacheError(file: string, name: string, damage: unknown, held = COMPUTED_AGAIN): AppError {
  const code = codeOf(damage);
  const reason = `${code ? `${code}: ` : ''}${(damage as Error).message}`;
  const next = recordDamage(file, damage)
    ? 'ADMA Studio moves it aside and makes a new one the next time it opens it: close and reopen the project, or run the feature extraction again'
    : 'Move it away yourself (or delete it), then close and reopen the project, or run the feature extraction again';
  return new AppError(
    'IO_ERROR',
    `${capitalised(name)} ${file} is damaged: part of it can no longer be read (${reason}). It holds nothing that cannot be computed again from the images; your labels (the project database) are not affected. ${next}; ${held}.`,
  );
}

/**
 * The SQLite file of the cache `name` ("the feature cache") at `file`, made ready by `prepare`
 * (its layout checked, made or rebuilt): the `open` openRebuildableCache takes. SQLite's error
 * for a damaged file is thrown as it is, for openRebuildableCache; an AppError of `prepare` as it
 * is; every other error is worded for the user, with the file system's reason where it has one
 * (cantOpenError), else as a file that cannot be opened (NOT_WRITABLE) or made ready
 * (`unprepared`).
 */
export function openCacheDatabase(file: string, name: string, prepare: (db: Database.Database) => void, unprepared: 'NOT_WRITABLE' | 'INTERNAL'): Database.Database {
  const opening = `Opening ${name}`;
  let db: Database.Database;
  try {
    db = new Database(file);
  } catch (error) {
    throw cantOpenError(error, file, opening, name) ?? new AppError('NOT_WRITABLE', `Cannot open ${name} ${file}: ${(error as Error).message}`);
  }
  try {
    prepare(db);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof AppError || isDamagedDatabase(error)) throw error;
    throw cantOpenError(error, file, opening, name) ?? new AppError(unprepared, `Cannot prepare ${name} ${file}: ${(error as Error).message}`);
  }
}

/**
 * `<file>.damaged-<UTC time>`, e.g. `mobilenet@….db.damaged-2026-12-02T07-40-34Z`, with `-2`,
 * `-3` … after it when one of that name is there (a rename would replace it).
 */
function asideName(file: string, now: Date): string {
  const base = `${file}.damaged-${now.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')}`;
  let name = base;
  for (let n = 2; fs.existsSync(name) || fs.existsSync(`${name}-wal`); n++) name = `${base}-${n}`;
  return name;
}

/**
 * Open the cache `file` with `open`, which throws SQLite's error as it is for a damaged file
 * (and words every other error itself). `name` says what the cache is ("the feature cache"),
 * `held` what was in it and how it comes back. A damaged file is set aside (see above) and
 * `open` runs once more, on a new file.
 */
export function openRebuildableCache<T>(file: string, name: string, open: () => T, held = COMPUTED_AGAIN): OpenedCache<T> {
  const before = identity(file);
  let aside: string | null = null;
  const recorded = recordedDamage(file, before);
  if (recorded !== null) {
    aside = setAside(file, name, held, recorded);
    fs.rmSync(recordOf(file), { force: true });
  } else {
    try {
      return { opened: open(), notice: null };
    } catch (error) {
      if (!isDamagedDatabase(error)) throw error;
      // Another process may have set it aside and made a new one meanwhile: that one is not touched.
      if (before !== null && identity(file) === before) aside = setAside(file, name, held, (error as Error).message);
    }
  }
  try {
    const opened = open();
    const notice = aside
      ? `${capitalised(name)} ${file} could not be read (the file is damaged), so ADMA Studio moved it aside, as ${path.basename(aside)} in the same folder, and made a new one: ${held}. You may delete the damaged file.`
      : null;
    return { opened, notice };
  } catch (error) {
    if (!isDamagedDatabase(error)) throw error;
    throw new AppError('IO_ERROR', `${capitalised(name)} ${file} was damaged, and the new file made in its place cannot be read either (${(error as Error).message}). Check the disk (is it failing, or full?), then try again.`);
  }
}

/**
 * Rename `file`, then its -wal and -shm, to the set-aside name, which it returns (null when the
 * file went meanwhile); refused with why (`damage`: SQLite's words) when the folder does not allow it.
 */
function setAside(file: string, name: string, held: string, damage: string): string | null {
  const aside = asideName(file, new Date());
  const refused = (part: string, error: unknown): AppError =>
    new AppError(
      codeOf(error) === 'EROFS' ? 'READ_ONLY' : 'NOT_WRITABLE',
      `${capitalised(name)} ${file} is damaged (${damage}), and ${part} could not be moved aside (${errnoReason(error)}). Nothing else depends on it (${held}): move it away yourself (or delete it), then try again.`,
    );
  try {
    fs.renameSync(file, aside);
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return null; // moved by another process meanwhile: a new one is made
    throw refused(file, error);
  }
  for (const suffix of ['-wal', '-shm']) {
    try {
      fs.renameSync(`${file}${suffix}`, `${aside}${suffix}`);
    } catch (error) {
      if (codeOf(error) !== 'ENOENT') throw refused(`${file}${suffix}`, error);
    }
  }
  return aside;
}
