/** Projects over fresh folders, opened and scanned; closed by the caller through `opened`. */
import fs from 'node:fs';
import path from 'node:path';
import { Project } from '../../src-main/project/project';
import { imageFolder, tempDir } from './image-folder';

async function openScanned(root: string, opened: Project[]): Promise<Project> {
  const project = Project.open(root, true);
  opened.push(project);
  await project.rescan();
  return project;
}

/** A project over a fresh folder of `n` generated images. */
export async function scannedProject(n: number, opened: Project[]): Promise<{ root: string; project: Project; ids: number[] }> {
  const root = await imageFolder(n);
  const project = await openScanned(root, opened);
  return { root, project, ids: project.images.list({ kind: 'all' }, 0, 100).items.map((i) => i.id) };
}

/** A project over a fresh folder holding `files` (file name → bytes); `id(name)` gives a file's image id. */
export async function projectOfFiles(files: Record<string, Buffer>, opened: Project[], prefix?: string): Promise<{ root: string; project: Project; id: (name: string) => number }> {
  const root = tempDir(prefix);
  for (const [name, bytes] of Object.entries(files)) fs.writeFileSync(path.join(root, name), bytes);
  const project = await openScanned(root, opened);
  const items = project.images.list({ kind: 'all' }, 0, 100).items;
  return { root, project, id: (name) => items.find((i) => i.relPath === name)!.id };
}
