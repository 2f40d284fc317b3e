/** A project over a fresh folder of `n` generated images, scanned; closed by the caller through `opened`. */
import { Project } from '../../src-main/project/project';
import { imageFolder } from './image-folder';

export async function scannedProject(n: number, opened: Project[]): Promise<{ root: string; project: Project; ids: number[] }> {
  const root = await imageFolder(n);
  const project = Project.open(root, true);
  opened.push(project);
  await project.rescan();
  return { root, project, ids: project.images.list({ kind: 'all' }, 0, 100).items.map((i) => i.id) };
}
