/**
 * The images the engine worker lists itself from the project's database ('project' in the
 * extraction and pool jobs): the same images in the same order, with the same absolute paths,
 * as the host posted before; removed images left out; what the host has committed is seen
 * while the host's connection stays open; a given list passes through unchanged.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Project } from '../../../src-main/project/project';
import { jobImages, projectImages } from '../../../src-main/engine/loop/project-images';
import { readImageFolderDataset } from '../../../src-main/engine/simulate/image-folder-dataset';
import { imageFolder, writeImage } from '../../support/image-folder';

const projects: Project[] = [];
afterEach(async () => {
  for (const p of projects.splice(0)) await p.close();
});

/** What the host listed and posted before (FeatureExtraction, PoolSession). */
function hostListing(project: Project) {
  return project.images.files().map((f) => ({ imageId: f.id, hash: f.hash, path: path.join(project.root, ...f.relPath.split('/')), format: f.format }));
}

describe("the project's images, listed by the engine worker", () => {
  it('equals the host listing: present images only, by path, absolute paths; later commits are seen', async () => {
    const root = await imageFolder(9, { subfolders: true });
    const project = Project.open(root, true);
    projects.push(project);
    await project.rescan();
    expect(projectImages(root)).toEqual(hostListing(project));
    expect(projectImages(root)).toHaveLength(9);

    // A file removed and one added: the next listing follows the committed scan.
    const gone = projectImages(root)[4]!;
    fs.rmSync(gone.path);
    await writeImage(path.join(root, 'group-1', 'added.png'), 77);
    await project.rescan();
    const listed = projectImages(root);
    expect(listed).toEqual(hostListing(project));
    expect(listed.map((i) => i.imageId)).not.toContain(gone.imageId);
    expect(listed.some((i) => i.path === path.join(root, 'group-1', 'added.png'))).toBe(true);
    expect(listed.map((i) => i.path)).toEqual(listed.map((i) => i.path).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('lists the pool in the simulator’s order of the same folder (by path, not by name), so a seed picks the same images in both', async () => {
    // Class folders of unpadded numbers and mixed case: natural name order differs from path order here.
    const root = await imageFolder(0);
    const names = ['ant/img-10.png', 'ant/img-2.png', 'ant/IMG-3.png', 'bee/scan_a.png', 'bee/Scan_B.png', 'bee/img-100.png', 'bee/img-9.png'];
    for (const [k, name] of names.entries()) await writeImage(path.join(root, name), k);
    const project = Project.open(root, true);
    projects.push(project);
    await project.rescan();
    const dataset = await readImageFolderDataset(root);
    expect(projectImages(root).map((i) => i.path)).toEqual(dataset.images.map((i) => i.absPath));
    expect(projectImages(root).map((i) => path.relative(root, i.path).split(path.sep).join('/'))).not.toEqual(project.images.list({ kind: 'all' }, 0, 100).items.map((i) => i.relPath));
  });

  it('passes a given list through, and asks for the folder when the project is meant', () => {
    const given = [{ hash: 'h', path: '/x.png' }];
    expect(jobImages(given, undefined)).toBe(given);
    expect(() => jobImages('project', undefined)).toThrow(/without the project's folder/);
  });
});
