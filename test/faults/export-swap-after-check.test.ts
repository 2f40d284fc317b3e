/**
 * A labeled image whose folder is swapped for a symbolic link out of the project (the folder may
 * be shared or synced) right after the export checked its path and before it opened the file: the
 * open follows the folder link, so the file opened is another one, outside. The copy reads only a
 * descriptor confirmed to be the file checked (openInside), so the outside file is not copied, even
 * when its bytes are the very bytes labeled (its SHA-256 matches, which the hash check cannot tell
 * apart); the image is left out and named with why. The swap happens in a stand-in for realpath,
 * right after the check's own call resolves: no sleep, no race.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Project } from '../../src-main/project/project';
import { tempDir, writeImage } from '../support/image-folder';
import { swapAfterCheck } from '../support/swap-after-check';
import { exportService } from './support/export-service';

const projects: Project[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  syncBuiltinESMExports();
  for (const p of projects.splice(0)) await p.close();
});

/** Every file under `dir`, relative, sorted. */
function filesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

describe.skipIf(process.platform === 'win32')('an export whose image folder is swapped for a link out of the project between the check and the open', () => {
  it('copies nothing from outside, leaves the image out and says why', async () => {
    const root = fs.realpathSync(tempDir());
    const outside = fs.realpathSync(tempDir('adma-outside-'));
    const checked = path.join(root, 'cells', 'a.png');
    await writeImage(checked, 1);
    await writeImage(path.join(root, 'b.png'), 2);
    // Outside: a folder of the same name holding the same bytes (a synced copy, say).
    fs.copyFileSync(checked, path.join(outside, 'a.png'));
    const project = Project.open(root, true);
    projects.push(project);
    await project.rescan();
    const ids = project.images.list({ kind: 'all' }, 0, 10).items.map((i) => i.id);
    project.setLabels(ids, project.classes.create('cell', undefined).id);

    swapAfterCheck(checked, () => {
      fs.renameSync(path.join(root, 'cells'), path.join(root, 'cells-was'));
      fs.symlinkSync(outside, path.join(root, 'cells'));
    });
    const destination = path.join(tempDir(), 'export');
    const report = await exportService(project).export({ destination, model: false, labelsCsv: true, labelsJson: false, imageFolder: true, splitImageFolder: false });

    expect(filesUnder(path.join(destination, 'images'))).toEqual([path.join('cell', 'b.png')]);
    expect(report.files.some((f) => f.includes('cells__a.png'))).toBe(false);
    expect(fs.readFileSync(path.join(destination, 'labels.csv'), 'utf8')).not.toContain('cells/a.png');
    const note = report.notes.find((n) => n.includes('cells/a.png'));
    expect(note, report.notes.join('\n')).toContain(`could not be read, so it is not in this export: cells/a.png (a symbolic link on its path leads outside the folder ${root})`);
  });
});
