/**
 * Where an export is written, so that an interrupted export never looks complete. Everything
 * is written into a hidden sibling `.<name>.adma-export-partial` (with a marker file saying
 * so) and renamed to the chosen folder only when complete: a folder with the chosen name is
 * always a whole export. A kill -9 or power loss leaves only the hidden sibling, which the
 * next export to the same place removes (it is ours: it carries the marker) before starting
 * over, and says so.
 *
 * The destination is checked first, each failure with its own code: inside the project
 * folder (a rescan would import the copies as new images), under a path that is a file,
 * on a read-only disk, without permission, not empty.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../src-shared/app-error';
import { isInside } from '../../media/path-containment';
import { errnoReason, storageError } from '../../core/storage-errors';

export const PARTIAL_MARKER = 'ADMA-EXPORT-INCOMPLETE.txt';

export interface ExportTarget {
  /** The folder the user chose; it exists only once the export is complete. */
  destination: string;
  /** Where the files are written meanwhile. */
  staging: string;
  /** What was found and cleaned up from an earlier, interrupted export. */
  notes: string[];
}

export function stagingFolder(destination: string): string {
  return path.join(path.dirname(destination), `.${path.basename(destination)}.adma-export-partial`);
}

function realOrSelf(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

function notAFolder(destination: string, at: string): AppError {
  return new AppError('NOT_A_FOLDER', `Cannot export to ${destination}: ${at} is a file, not a folder. Choose a folder.`);
}

function failure(error: unknown, destination: string): AppError {
  const mapped = storageError(error, 'The export', 'write'); // every call it words makes the export's folders and files
  if (!mapped) return new AppError('NOT_WRITABLE', `Cannot export to ${destination}: ${(error as Error).message}.`);
  const reasons: Partial<Record<AppError['code'], string>> = {
    READ_ONLY: 'the disk or folder is read-only',
    NOT_WRITABLE: 'permission denied',
    DISK_FULL: 'the disk is full',
    NOT_A_FOLDER: 'a part of the path is a file, not a folder',
  };
  const reason = reasons[mapped.code];
  return reason ? new AppError(mapped.code, `Cannot export to ${destination}: ${reason}. Choose another folder; nothing was written.`) : mapped;
}

/**
 * Why an export cannot go to `requested` because of where it is (null when it can): inside the
 * project folder (links resolved), where the next scan would add the exported copies as new images.
 */
export function exportPlaceProblem(requested: string, projectRoot: string): string | null {
  const destination = path.resolve(requested);
  const anchor = nearestExistingPath(destination); // the destination itself, or its nearest existing ancestor
  const realDestination = path.join(realOrSelf(anchor), path.relative(anchor, destination));
  const realProject = realOrSelf(projectRoot);
  if (realDestination !== realProject && !isInside(realProject, realDestination)) return null;
  return `Cannot export to ${destination}: it is inside the project folder ${projectRoot}, where the next scan would add the exported copies as new images. Choose a folder outside the project.`;
}

/**
 * Why a destination that does not exist yet cannot be created where it is, or null (it can, or
 * it exists): its nearest existing ancestor is a file, or a folder this user may not enter and
 * write in (permission denied, a read-only disk). The Export dialog's check says it before
 * anything is written; the export itself would fail there the same way.
 */
export function exportCreationProblem(requested: string): string | null {
  const destination = path.resolve(requested);
  const anchor = nearestExistingPath(destination);
  if (anchor === destination) return null;
  if (!fs.statSync(anchor).isDirectory()) return `This folder cannot be created: ${anchor} is a file, not a folder. Choose another place.`;
  try {
    fs.accessSync(anchor, fs.constants.W_OK | fs.constants.X_OK);
    return null;
  } catch (error) {
    const reason = storageError(error)?.code === 'READ_ONLY' ? 'the disk or folder is read-only' : errnoReason(error);
    return `This folder cannot be created in ${anchor}: ${reason}. Choose another folder.`;
  }
}

/** Check the destination and make an empty staging folder for the export. */
export function prepareExportTarget(requested: string, projectRoot: string): ExportTarget {
  const destination = path.resolve(requested);
  const problem = exportPlaceProblem(requested, projectRoot);
  if (problem) throw new AppError('BAD_ARGUMENT', problem);
  const anchor = nearestExistingPath(destination);
  const stat = fs.statSync(anchor);
  if (anchor === destination) {
    if (!stat.isDirectory() || fs.readdirSync(destination).length > 0) {
      throw new AppError('CONFLICT', `${destination} is not an empty folder. ADMA Studio never overwrites: choose a new or empty folder.`);
    }
  } else if (!stat.isDirectory()) {
    throw notAFolder(destination, anchor);
  }
  const staging = stagingFolder(destination);
  const notes: string[] = [];
  if (fs.existsSync(staging)) {
    if (!fs.existsSync(path.join(staging, PARTIAL_MARKER))) {
      throw new AppError('CONFLICT', `${staging} exists and is not an interrupted ADMA Studio export; move it away, then export again.`);
    }
    fs.rmSync(staging, { recursive: true, force: true });
    notes.push(`Removed an interrupted earlier export to ${destination} (${staging}) and started over.`);
  }
  try {
    makeFolders(staging);
    fs.writeFileSync(
      path.join(staging, PARTIAL_MARKER),
      `An ADMA Studio export to ${destination} is being written here (or was interrupted).\nWhen it is complete this folder is renamed to ${path.basename(destination)}; an interrupted one is removed by the next export to the same place.\n`,
    );
  } catch (error) {
    throw failure(error, destination);
  }
  return { destination, staging, notes };
}

/** mkdir -p one level at a time: a recursive mkdir reports ENOENT instead of EROFS on a read-only disk. */
function makeFolders(folder: string): void {
  const missing: string[] = [];
  for (let p = folder; !fs.existsSync(p) && path.dirname(p) !== p; p = path.dirname(p)) missing.unshift(p);
  for (const p of missing) fs.mkdirSync(p);
}

function nearestExistingPath(p: string): string {
  let current = p;
  // existsSync is false both for a missing entry and for one under a file (ENOTDIR)
  while (!fs.existsSync(current) && path.dirname(current) !== current) current = path.dirname(current);
  return current;
}

/** Move the complete export into place (an empty destination folder is replaced). */
export function completeExport(target: ExportTarget): void {
  try {
    fs.rmSync(path.join(target.staging, PARTIAL_MARKER));
    if (fs.existsSync(target.destination)) fs.rmdirSync(target.destination); // empty, checked before; rmdir refuses otherwise
    fs.renameSync(target.staging, target.destination);
  } catch (error) {
    throw failure(error, target.destination);
  }
}

/** Remove the staging folder of an export that failed or was cancelled. */
export function abandonExport(target: ExportTarget): void {
  fs.rmSync(target.staging, { recursive: true, force: true });
}
