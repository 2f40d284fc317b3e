/**
 * The images a job runs on: the list given, or every present image of the project, which the
 * engine worker reads itself from the project's database (its own read-only connection; WAL
 * lets it read while the host writes). Listing 100,000 images on the host and posting them to
 * the worker as objects held the host's main thread for 0.65-4.6 s when extraction started,
 * and again when the pool was prepared; now nothing of the list crosses the thread boundary.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../../../src-shared/app-error';
import { cantOpenError } from '../../core/storage-errors';
import { isInside } from '../../media/path-containment';
import { ImageIndex } from '../../project/image-index';
import { damagedProjectDb, projectDbPath } from '../../project/project-db';
import type { JobImages, PoolItem } from './loop-jobs';

/** A present image with its absolute path: both an extraction item and a pool item; `format` as the scan read it from the content. */
export type ProjectImage = Required<PoolItem> & { format: string };

/** Every present image of the project at `projectDir`: id, content hash, absolute path, format, in name order (ImageIndex.files). */
export function projectImages(projectDir: string): ProjectImage[] {
  const file = projectDbPath(projectDir);
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    return new ImageIndex(db).files().map((f) => ({ imageId: f.id, hash: f.hash, path: path.join(projectDir, ...f.relPath.split('/')), format: f.format }));
  } catch (error) {
    throw cantOpenError(error, file, "Reading the project's images", 'the project database') ?? damagedProjectDb(file, error) ?? error;
  } finally {
    db?.close();
  }
}

/** The items of a job: as given, or the project's present images. */
export function jobImages<T>(items: JobImages<T>, projectDir: string | undefined): T[] | ProjectImage[] {
  if (items !== 'project') return items;
  if (!projectDir) throw new AppError('BAD_ARGUMENT', "The project's images were asked for without the project's folder.");
  return projectImages(projectDir);
}

/**
 * The images an extraction reads and the folder it reads them in (ExtractionOptions.root): the
 * project's own, or the list given, each file of which must lie in the project folder. So no
 * caller reads a file outside the folder it names by listing it (the list used to be read as it
 * came, links and all): a list without the folder, or naming a file elsewhere, is refused whole,
 * before anything is read; a file inside it is then read only once checked inside it (a folder on
 * its path swapped for a link out is an unreadable image, as for the project's own).
 */
export function extractionImages<T extends { path: string }>(items: JobImages<T>, projectDir: string | undefined): { root: string; images: T[] | ProjectImage[] } {
  if (!projectDir) throw new AppError('BAD_ARGUMENT', 'Feature extraction reads images only inside a project folder, and none was given: give the folder the images lie in.');
  const images = jobImages(items, projectDir);
  const root = path.resolve(projectDir);
  const elsewhere = images.find((image) => !isInside(root, path.resolve(root, image.path)));
  if (elsewhere) {
    throw new AppError('BAD_ARGUMENT', `Feature extraction was asked to read ${elsewhere.path}, which is not inside the project folder ${root}: it reads images only inside that folder. Move or copy the image into the folder, then try again.`);
  }
  return { root, images };
}
