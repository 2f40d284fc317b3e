/**
 * Changes to a scanned project's folder for the property tests of counts kept in the database
 * (class-label-counts, present-count): files moved out of the folder (their images are then not
 * present), moved back, moved within it, each followed by a rescan, as an expert's folder changes.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Project } from '../../src-main/project/project';
import { tempDir } from './image-folder';

export class FolderChurn {
  /** Where files moved out of the folder wait (the tests may keep other files here too). */
  readonly aside = tempDir('adma-aside-');
  /** Files moved out, by their path in the folder. */
  private readonly away: string[] = [];
  private moves = 0;

  constructor(
    private readonly project: Project,
    private readonly root: string,
    private readonly random: () => number,
  ) {}

  relPath(id: number): string {
    return this.project.db.prepare('SELECT rel_path FROM images WHERE id = ?').pluck().get(id) as string;
  }

  /** Move the files of `ids` out of the folder (those still in it); no rescan. */
  moveOut(ids: readonly number[]): void {
    for (const id of ids) {
      const rel = this.relPath(id);
      const file = path.join(this.root, rel);
      if (!fs.existsSync(file)) continue;
      fs.renameSync(file, path.join(this.aside, rel));
      this.away.push(rel);
    }
  }

  /** Move the files of `ids` out of the folder, then rescan. */
  gone(ids: readonly number[]): Promise<unknown> {
    this.moveOut(ids);
    return this.project.rescan();
  }

  /** Move a random share of the files moved out back in, then rescan. */
  back(): Promise<unknown> {
    for (const rel of this.away.splice(0, Math.ceil(this.away.length * this.random()))) fs.renameSync(path.join(this.aside, rel), path.join(this.root, rel));
    return this.project.rescan();
  }

  /** Give the file of `id` another name within the folder (when it is there), then rescan. */
  moved(id: number): Promise<unknown> {
    const rel = this.relPath(id);
    const file = path.join(this.root, rel);
    if (fs.existsSync(file)) fs.renameSync(file, path.join(this.root, `moved-${this.moves++}-${path.basename(rel)}`));
    return this.project.rescan();
  }
}
