/**
 * Issues 11.13, 11.18, 11.19: an export interrupted by kill -9 never looks complete and the
 * next one to the same place starts over cleanly; read-only places, paths under a file and
 * folders inside the project are refused with their own codes before anything is written.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PARTIAL_MARKER, stagingFolder } from '../../src-main/engine/export/export-target';
import { Project } from '../../src-main/project/project';
import { AppError } from '../../src-shared/app-error';
import type { ExportRequest } from '../../src-shared/contract';
import { imageFolder, tempDir } from '../support/image-folder';
import { runScript } from './support/child';
import { exportService } from './support/export-service';
import { mountTmpfs, type Mount } from './support/mounts';

const projects: Project[] = [];
const mounts: Mount[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const p of projects.splice(0)) await p.close();
  for (const m of mounts.splice(0)) m.unmount();
});

async function labeledProject(count: number): Promise<Project> {
  const root = await imageFolder(count);
  const project = Project.open(root, true);
  projects.push(project);
  await project.rescan();
  const ant = project.classes.create('ant', undefined);
  project.setLabels(project.images.list({ kind: 'all' }, 0, 1000).items.map((i) => i.id), ant.id);
  return project;
}

async function exportError(project: Project, destination: string, parts: Partial<ExportRequest> = {}): Promise<AppError> {
  try {
    await exportService(project).export({ destination, model: false, labelsCsv: true, labelsJson: false, imageFolder: false, ...parts });
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('the export succeeded');
}

const probe = mountTmpfs(64);
const canMount = typeof probe !== 'string';
if (typeof probe !== 'string') probe.unmount();

describe('an export interrupted by kill -9', () => {
  it('leaves no folder that looks complete, and the next export to the same place removes the leftover and completes', async () => {
    const project = await labeledProject(30);
    await project.close();
    projects.splice(0);
    const destination = path.join(tempDir(), 'export');
    const child = runScript('export-then-die.ts', [project.root, destination, '12']);
    expect(await child.line('dying')).toBe('dying after 12');
    await child.exited;
    expect(fs.existsSync(destination)).toBe(false);
    const staging = stagingFolder(destination);
    expect(fs.existsSync(path.join(staging, PARTIAL_MARKER))).toBe(true);
    expect(fs.readdirSync(path.join(staging, 'images', 'ant'))).toHaveLength(12);

    const reopened = Project.open(project.root, false);
    projects.push(reopened);
    const notes: string[] = [];
    const report = await exportService(reopened, (m) => notes.push(m)).export({ destination, model: false, labelsCsv: true, labelsJson: true, imageFolder: true });
    expect(notes).toEqual([expect.stringMatching(/Removed an interrupted earlier export/)]);
    expect(report.destination).toBe(destination);
    expect(fs.existsSync(staging)).toBe(false);
    expect(fs.readdirSync(path.join(destination, 'images', 'ant'))).toHaveLength(30);
    expect(fs.existsSync(path.join(destination, PARTIAL_MARKER))).toBe(false);
    expect(fs.readFileSync(path.join(destination, 'labels.csv'), 'utf8').trim().split('\n')).toHaveLength(31);
  });

  it('says how many labels are on files missing since the last scan, and exports the rest (walkthrough 7: dropped silently)', async () => {
    const project = await labeledProject(5);
    fs.rmSync(path.join(project.root, 'img-0001.png'));
    fs.rmSync(path.join(project.root, 'img-0002.png'));
    await project.rescan();
    const destination = path.join(tempDir(), 'export');
    const report = await exportService(project).export({ destination, model: false, labelsCsv: true, labelsJson: false, imageFolder: true });
    expect(fs.readFileSync(path.join(destination, 'labels.csv'), 'utf8').trim().split('\n')).toHaveLength(4);
    expect(report.notes).toEqual(['2 labels are on images no longer in the folder (moved or deleted since the last scan) and are not in this export. Put the files back and rescan to export them.']);
  });

  it('removes its staging folder when an export fails to write, and keeps the empty folder it was to fill', async () => {
    const project = await labeledProject(3);
    const destination = path.join(tempDir(), 'export');
    fs.mkdirSync(destination);
    // The second image's copy cannot be made (a file gone from the project would only be left out: export-left-out.test.ts).
    const open = fsp.open.bind(fsp);
    let copies = 0;
    vi.spyOn(fsp, 'open').mockImplementation(async (...args: Parameters<typeof fsp.open>) => {
      if (args[1] === 'wx' && ++copies === 2) throw Object.assign(new Error(`ENOSPC: no space left on device, open '${String(args[0])}'`), { code: 'ENOSPC' });
      return open(...args);
    });
    const error = await exportError(project, destination, { imageFolder: true });
    expect(error.code).toBe('DISK_FULL');
    expect(fs.existsSync(stagingFolder(destination))).toBe(false);
    expect(fs.readdirSync(destination)).toEqual([]);
  });

  it.skipIf(!canMount)('fails on a disk that fills up, removes what it wrote and keeps what was there', async () => {
    const project = await labeledProject(30);
    const m = mountTmpfs(64); // room for a few of the 30 copies (a page each at least), not all
    if (typeof m === 'string') throw new Error(m);
    mounts.push(m);
    fs.writeFileSync(path.join(m.dir, 'keep.txt'), 'here before');
    const destination = path.join(m.dir, 'export');
    fs.mkdirSync(destination);
    const error = await exportError(project, destination, { imageFolder: true });
    expect(error.code).toBe('DISK_FULL');
    expect(fs.readdirSync(m.dir).sort()).toEqual(['export', 'keep.txt']);
    expect(fs.readdirSync(destination)).toEqual([]);
    expect(fs.readFileSync(path.join(m.dir, 'keep.txt'), 'utf8')).toBe('here before');
  });
});

describe('export destinations refused before anything is written', () => {
  it('refuses a folder inside the project (a rescan would import the copies)', async () => {
    const project = await labeledProject(2);
    const error = await exportError(project, path.join(project.root, 'exports', 'today'));
    expect(error.code).toBe('BAD_ARGUMENT');
    expect(error.message).toMatch(/inside the project folder/);
    expect(fs.existsSync(path.join(project.root, 'exports'))).toBe(false);
    expect((await exportError(project, project.root)).code).toBe('BAD_ARGUMENT');
  });

  it('refuses a path under a file with NOT_A_FOLDER', async () => {
    const project = await labeledProject(1);
    const file = path.join(tempDir(), 'a-file');
    fs.writeFileSync(file, 'x');
    const error = await exportError(project, path.join(file, 'export'));
    expect(error.code).toBe('NOT_A_FOLDER');
    expect(error.message).toMatch(/a-file is a file, not a folder/);
  });

  it.skipIf(!canMount)('refuses a read-only folder, and a new folder under one, with READ_ONLY', async () => {
    const project = await labeledProject(1);
    const m = mountTmpfs(256);
    if (typeof m === 'string') throw new Error(m);
    mounts.push(m);
    fs.mkdirSync(path.join(m.dir, 'empty'));
    m.readOnly();
    for (const destination of [path.join(m.dir, 'empty'), path.join(m.dir, 'new', 'deeper')]) {
      const error = await exportError(project, destination);
      expect(error.code, `${destination}: ${error.message}`).toBe('READ_ONLY');
      expect(error.message).toMatch(/read-only\. Choose another folder; nothing was written/);
    }
  });
});
