/**
 * Which project a `.adma` store is, wherever its folder is now: what the recent list records at
 * each opening and compares when the expert points a missing entry at a new folder (Locate…).
 *
 * - `id`: meta 'project_id', a random id migration 10 gives every project once (a new one at its
 *   creation, an older one at its first opening by a version with that migration) and nothing
 *   changes afterwards. A copy of the folder carries it too: a copy is that project.
 * - `createdAt`: meta 'created_at', written once when the project was made (ISO time to the
 *   millisecond). It stands in for the id only where one side has none: a folder whose database
 *   was last written by a version before migration 10 (a copy made then), read here without
 *   upgrading it.
 */
import Database from 'better-sqlite3';
import { AppError } from '../../src-shared/app-error';
import path from 'node:path';
import { refuseLinks } from '../core/private-folder';
import { ADMIN_DIR, inspectReadOnly, openReadOnlyUntouched, projectDbPath } from './project-db';

export interface ProjectIdentity {
  id: string | null;
  createdAt: string | null;
}

/** The identity kept in a project database's meta table. */
export function identityOf(db: Database.Database): ProjectIdentity {
  const rows = db.prepare("SELECT key, value FROM meta WHERE key IN ('project_id', 'created_at')").all() as { key: string; value: string }[];
  const value = (key: string): string | null => rows.find((row) => row.key === key)?.value || null;
  return { id: value('project_id'), createdAt: value('created_at') };
}

/**
 * The identity of the project in `root`, read without writing a byte (no migration, no lock, no
 * checkpoint, no -wal or -shm made: openReadOnlyUntouched): a folder that turns out to hold
 * another project is left exactly as it was. A
 * damaged database or one from a newer version is refused as opening it would be.
 */
export function readProjectIdentity(root: string): ProjectIdentity {
  // Before any read: .adma (or a file in it) a link is refused as at open, not followed.
  refuseLinks(path.join(root, ADMIN_DIR));
  const dbFile = projectDbPath(root);
  inspectReadOnly(dbFile, openReadOnlyUntouched);
  let db: Database.Database | null = null;
  try {
    db = openReadOnlyUntouched(dbFile);
    return identityOf(db);
  } catch (error) {
    throw new AppError('UNREADABLE', `Cannot read which project ${root} holds (${(error as Error).message}). Nothing was changed.`);
  } finally {
    db?.close();
  }
}

/**
 * Whether `found` is the project `recorded` names: by id when both have one, else by creation
 * time when both have that; 'unknown' when the record holds neither (a recent entry written by
 * a version that recorded no identity).
 */
export function sameProject(recorded: Partial<ProjectIdentity>, found: ProjectIdentity): 'same' | 'different' | 'unknown' {
  if (recorded.id && found.id) return recorded.id === found.id ? 'same' : 'different';
  if (recorded.createdAt && found.createdAt) return recorded.createdAt === found.createdAt ? 'same' : 'different';
  if (!recorded.id && !recorded.createdAt) return 'unknown';
  // The record has an identity the folder's project lacks entirely: not the project recorded.
  return 'different';
}
