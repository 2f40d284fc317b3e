/** Opens `<folder>/.adma/project.db`: WAL, foreign keys, migrations, one process at a time. */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../../src-shared/app-error';
import { checkClassLabelCounts } from './class-label-counts';
import { keepNameKeysCurrent, migrate, refuseNewerSchema, schemaVersion } from './migrations';
import { ProjectLock } from './project-lock';
import { cantOpenError, codeOf, isDamagedDatabase, storageError } from '../core/storage-errors';
import { ADMIN_DIR, makePrivateFolder, refuseLinks, tightenOwnFolder } from '../core/private-folder';

export { ADMIN_DIR } from '../core/private-folder';
export const DB_FILE = 'project.db';

export interface OpenedProjectDb {
  db: Database.Database;
  adminDir: string;
  lock: ProjectLock;
  created: boolean;
}

export function projectDbPath(root: string): string {
  return path.join(root, ADMIN_DIR, DB_FILE);
}

export function hasProject(root: string): boolean {
  return fs.existsSync(projectDbPath(root));
}

/** What can be done about a damaged project database: said once, everywhere it is refused. */
function recoveryAdvice(dbFile: string): string {
  return (
    `ADMA Studio has not changed or replaced it. The labels and their history live only in this file: ` +
    `restore ${dbFile} from a backup, or, if you exported labels (labels.csv), move the damaged file away, ` +
    `create the project again and import that CSV (Labels → Import).`
  );
}

function damaged(dbFile: string, what: string): AppError {
  return new AppError('PROJECT_CORRUPT', `The project database ${dbFile} is damaged: ${what}. ${recoveryAdvice(dbFile)}`);
}

/**
 * SQLite's finding that the project database `dbFile` is not a readable database (isDamagedDatabase),
 * as every connection to it says it: damaged, where, and what to do; the file is never set aside
 * or replaced (unlike a cache: rebuildable-cache.ts). Null for any other error.
 */
export function damagedProjectDb(dbFile: string, error: unknown): AppError | null {
  return isDamagedDatabase(error) ? damaged(dbFile, `it is not a readable SQLite database (${(error as Error).message})`) : null;
}

/** A read-only connection to the database file (SQLite makes its -wal and -shm when absent). */
function openReadOnly(dbFile: string): Database.Database {
  return new Database(dbFile, { readonly: true, fileMustExist: true });
}

/** The largest database openReadOnlyUntouched reads into memory. */
const IN_MEMORY_MAX = 2 ** 30;

/**
 * A read-only connection to `dbFile` that creates no file beside it, for a folder that is only
 * looked at (Locate… pointed at a folder that may hold another project). SQLite reads a WAL
 * database, even read-only, by making its -wal and -shm beside it when they are absent, and
 * better-sqlite3 is built without URI names (no `immutable=1`). So when there is no -wal (the
 * project was closed: every commit is in the file) the file's bytes are read into memory and
 * opened there, their header marked as a rollback-journal database (bytes 18 and 19 are 2 for
 * WAL, 1 for legacy; https://sqlite.org/fileformat2.html#file_format_version_numbers): the same
 * pages, no sidecar. When a -wal exists (the project is open elsewhere, or was not closed) it
 * holds commits the file lacks, so it is read where it is (its -shm is there too, or made).
 */
export function openReadOnlyUntouched(dbFile: string): Database.Database {
  // A database too large to hold in memory (past 1 GiB) is read in place too: a -shm may be made.
  if (fs.existsSync(`${dbFile}-wal`) || fs.statSync(dbFile).size > IN_MEMORY_MAX) return openReadOnly(dbFile);
  const bytes = fs.readFileSync(dbFile);
  if (bytes.length >= 20 && bytes[18] === 2 && bytes[19] === 2) bytes.fill(1, 18, 20);
  return new Database(bytes, { readonly: true });
}

/**
 * Look at an existing database without writing a byte: it must be a file with an ADMA Studio
 * schema no newer than ours. A read-only connection never checkpoints the WAL, so a newer
 * app's uncheckpointed commits stay where they are. `open`: openReadOnlyUntouched where the
 * folder must be left exactly as it was (no -wal or -shm made beside the file).
 */
export function inspectReadOnly(dbFile: string, open: (dbFile: string) => Database.Database = openReadOnly): void {
  const stat = fs.statSync(dbFile);
  if (!stat.isFile()) throw damaged(dbFile, 'it is a folder or other non-file, not a database file');
  let probe: Database.Database | null = null;
  try {
    probe = open(dbFile);
    refuseNewerSchema(probe);
    const tables = probe.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
    if (schemaVersion(probe) === 0 && tables.n === 0) {
      throw damaged(dbFile, stat.size === 0 ? 'the file is empty (0 bytes), as a full disk or a sync tool can leave it' : 'it holds no project (no tables)');
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    const corrupt = damagedProjectDb(dbFile, error);
    if (corrupt) throw corrupt;
    // Anything else (e.g. no -shm can be made on a read-only disk) is met by the writable open below.
  } finally {
    probe?.close();
  }
}

/**
 * The settings of every connection to a project database (the host's, and the label writer
 * thread's): FULL sync, so each acknowledged label is on the disk before the request answers,
 * also through a power loss; foreign keys; a wait of up to 5 s for another connection's write.
 */
export function configureConnection(db: Database.Database): void {
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
}

/**
 * The query planner's statistics (sqlite_stat1), kept as SQLite recommends for a database an
 * application owns (https://sqlite.org/pragma.html#pragma_optimize, SQLite 3.46 and later):
 * - `'all-tables'` when the host's long-lived connection opens: `PRAGMA optimize=0x10002`
 *   analyses every table whose statistics are missing or stale (a project from before had none);
 * - `'used-tables'` after a scan (the images table may have grown from nothing to 100,000 rows)
 *   and before the connection closes: `PRAGMA optimize` analyses the tables this connection's
 *   queries used whose size changed much since they were analysed; usually nothing.
 * Either way SQLite bounds each ANALYZE itself (a temporary analysis_limit), so a large project
 * costs milliseconds (bench/db-statistics.bench.ts). Only the host's connection runs it: the
 * statistics live in the file, so the writer and reader threads' connections and the engine's
 * read-only ones use them from their next open; a read-only connection could not store them,
 * and a thread's optimize would queue for the write lock behind the host's writes.
 * It never waits for another connection's write (a writer thread's bulk label or a version's
 * predictions, seconds at 100,000 images: the host's main thread would stall that long): when
 * the write lock is taken the statistics stay as they were until the next scan, interval, close
 * or open. They only steer the planner, so that is not an error.
 */
export function refreshPlannerStatistics(db: Database.Database, tables: 'all-tables' | 'used-tables'): void {
  const wait = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  try {
    db.pragma(tables === 'all-tables' ? 'optimize = 0x10002' : 'optimize');
  } catch {
    // SQLITE_BUSY: kept as they were
  } finally {
    db.pragma(`busy_timeout = ${wait}`);
  }
}

export function openProjectDb(root: string, create: boolean): OpenedProjectDb {
  const adminDir = path.join(root, ADMIN_DIR);
  const dbFile = projectDbPath(root);
  refuseLinks(adminDir); // before the first lstat through it, and before any read or write
  let exists = true;
  try {
    fs.lstatSync(dbFile);
  } catch (error) {
    // Only a database that is not there is no project; one this user may not reach is said so.
    const code = codeOf(error);
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw openStorageError(error, root);
    exists = false;
  }
  if (!exists && !create) {
    throw new AppError('NOT_FOUND', `There is no ADMA Studio project in ${root}. Choose "Create project" to start one there.`);
  }
  if (exists) inspectReadOnly(dbFile); // before any write: a damaged or newer file stays byte-for-byte intact
  try {
    // Owner-only (private-folder.ts): thumbnails and the database of private images are in it.
    makePrivateFolder(adminDir);
    tightenOwnFolder(adminDir); // a project made before this at 0755
  } catch (error) {
    const mapped = storageError(error, 'The project');
    throw new AppError(
      mapped?.code ?? 'NOT_WRITABLE',
      `Cannot create the project folder ${adminDir}: ${(error as Error).message}. Choose a folder you can write to.`,
    );
  }
  let lock: ProjectLock;
  try {
    lock = ProjectLock.acquire(adminDir);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw openStorageError(error, root);
  }
  let db: Database.Database | null = null;
  try {
    db = new Database(dbFile);
    refuseNewerSchema(db);
    db.pragma('journal_mode = WAL');
    configureConnection(db);
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw damaged(dbFile, String(check));
    migrate(db);
    keepNameKeysCurrent(db); // the app may have been updated since (a newer Unicode)
    checkClassLabelCounts(db); // whatever happened to the file since it was last open
    refreshPlannerStatistics(db, 'all-tables');
    return { db, adminDir, lock, created: !exists };
  } catch (error) {
    db?.close();
    lock.release();
    if (error instanceof AppError) throw error;
    throw damagedProjectDb(dbFile, error) ?? openStorageError(error, root);
  }
}

/** A storage failure while opening, said for a project (read-only disk, full disk, …). */
function openStorageError(error: unknown, root: string): Error {
  const code = (error as { code?: string }).code ?? '';
  if (code === 'EROFS' || code.startsWith('SQLITE_READONLY') || (code === 'SQLITE_CANTOPEN' && isReadOnlyPlace(root))) {
    return new AppError(
      'READ_ONLY',
      `The project in ${root} is on a read-only disk or folder: ADMA Studio stores every label in ${path.join(ADMIN_DIR, DB_FILE)} as you make it, so it cannot open the project there. Copy the folder to a disk you can write to (or remount it writable) and open that copy.`,
    );
  }
  return cantOpenError(error, projectDbPath(root), 'Opening the project', 'the project database') ?? storageError(error, 'Opening the project') ?? (error as Error);
}

function isReadOnlyPlace(root: string): boolean {
  const probe = path.join(root, ADMIN_DIR, `.write-test-${process.pid}`);
  try {
    fs.writeFileSync(probe, '');
    fs.rmSync(probe, { force: true });
    return false;
  } catch (error) {
    return ['EROFS', 'EACCES', 'EPERM'].includes((error as NodeJS.ErrnoException).code ?? '');
  }
}
