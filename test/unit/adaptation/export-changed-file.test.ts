/**
 * An export that copies image files checks each copy's content hash against the project's as it
 * copies: a labeled file replaced since the last scan (same size, its old date back, which a plain
 * rescan does not read) is left out of the copies, the metadata and the labels files, and named
 * in the export's notes; never copied under the old label with the old sha256.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Project } from '../../../src-main/project/project';
import { exportService } from '../../faults/support/export-service';
import { tempDir } from '../../support/image-folder';
import { scannedProject } from '../../support/scanned-project';

const projects: Project[] = [];
afterEach(async () => {
  for (const p of projects.splice(0)) await p.close();
});

const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** Files under `dir`, relative, sorted. */
function listFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

describe('an export of image files', () => {
  it('leaves out a labeled file whose content changed since the last scan and says so', async () => {
    const { root, project, ids } = await scannedProject(3, projects);
    const cls = project.classes.create('cat', undefined);
    project.setLabels(ids, cls.id);
    const [kept, replaced] = [project.images.get(ids[0]!), project.images.get(ids[1]!)];
    // Replaced with other bytes of the same size and its old date: the scan's record is now wrong.
    const file = path.join(root, replaced.relPath);
    const stat = fs.statSync(file);
    const bytes = fs.readFileSync(file);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = bytes[middle]! ^ 0xff;
    fs.writeFileSync(file, bytes);
    fs.utimesSync(file, stat.atime, stat.mtime);

    const destination = path.join(tempDir(), 'export');
    const report = await exportService(project).export({
      destination,
      model: false,
      labelsCsv: true,
      labelsJson: true,
      imageFolder: true,
      splitImageFolder: false,
      huggingFace: true,
    });
    const note = report.notes.find((n) => n.includes('changed since the last scan'));
    expect(note).toContain(replaced.relPath);
    expect(note).toContain('Check every file');
    expect(report.files.some((f) => f.includes(replaced.relPath))).toBe(false);
    // Each file's size on disk, in the files' order (the Export dialog's sizes per kind).
    expect(report.sizes).toEqual(report.files.map((f) => fs.statSync(path.join(destination, f)).size));

    const copies = listFiles(path.join(destination, 'images'));
    expect(copies).toEqual(ids.map((id) => project.images.get(id).relPath).filter((p) => p !== replaced.relPath).map((p) => path.join('cat', p)).sort());
    expect(sha256(path.join(destination, 'images', 'cat', kept.relPath))).toBe(kept.hash);
    expect(listFiles(path.join(destination, 'huggingface'))).not.toContain(path.join('train', replaced.relPath));
    const metadata = fs.readFileSync(path.join(destination, 'huggingface', 'train', 'metadata.csv'), 'utf8');
    expect(metadata).toContain(kept.hash);
    expect(metadata).not.toContain(replaced.hash);
    const csv = fs.readFileSync(path.join(destination, 'labels.csv'), 'utf8');
    expect(csv).toContain(kept.relPath);
    expect(csv).not.toContain(replaced.relPath);
    const json = JSON.parse(fs.readFileSync(path.join(destination, 'labels.json'), 'utf8')) as { images: { path: string; sha256: string }[] };
    expect(json.images.map((i) => i.path)).not.toContain(replaced.relPath);
    expect(json.images.find((i) => i.path === kept.relPath)?.sha256).toBe(kept.hash);
  });

  it('copies every file when none changed, each with its project hash, and adds no note', async () => {
    const { project, ids } = await scannedProject(2, projects);
    const cls = project.classes.create('dog', undefined);
    project.setLabels(ids, cls.id);
    const destination = path.join(tempDir(), 'export');
    const report = await exportService(project).export({ destination, model: false, labelsCsv: false, labelsJson: false, imageFolder: true });
    expect(report.notes).toEqual([]);
    for (const id of ids) {
      const image = project.images.get(id);
      expect(sha256(path.join(destination, 'images', 'dog', image.relPath))).toBe(image.hash);
    }
  });
});
