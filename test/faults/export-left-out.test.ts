/**
 * A labeled image's file that changed on disk after the last scan (deleted, made unreadable,
 * replaced by a folder or a named pipe) is left out of an export that copies images, and the
 * export goes on: the report names it with its reason, the labels files (labels.csv,
 * labels.json, the Hugging Face metadata.csv) have no row for it, every file the report lists is
 * written, and no class or split folder is left empty (a class whose only file was left out, a
 * class with no labeled image). It failed the whole export (NOT_FOUND) and, for the file that was
 * made unreadable or replaced, left the class folder it had made for the copy.
 *
 * Root reads any file whatever its mode, so the chmod 000 case runs only where a mode denies
 * (not as root, or as root without CAP_DAC_OVERRIDE under setpriv); a read that fails with
 * EACCES is also injected, as in scan-skips-and-unreadable.test.ts, so the case runs as root too.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AdaptationStore } from '../../src-main/adaptation/adaptation-store';
import type { ExportReport } from '../../src-shared/contract';
import { Project } from '../../src-main/project/project';
import { canMakeFifo, fifoWithLateWriter } from '../support/fifo';
import { tempDir } from '../support/image-folder';
import { scannedProject } from '../support/scanned-project';
import { exportService } from './support/export-service';

const projects: Project[] = [];
const writers: ChildProcess[] = [];
const locked: string[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const w of writers.splice(0)) w.kill();
  for (const f of locked.splice(0)) fs.chmodSync(f, 0o644);
  for (const p of projects.splice(0)) await p.close();
});

/** Whether a mode of 000 keeps this process from reading a file (false as root with CAP_DAC_OVERRIDE). */
const modeDenies = ((): boolean => {
  const file = path.join(tempDir('adma-mode-'), 'probe');
  fs.writeFileSync(file, 'x');
  fs.chmodSync(file, 0o000);
  try {
    fs.closeSync(fs.openSync(file, 'r'));
    return false;
  } catch {
    return true;
  } finally {
    fs.chmodSync(file, 0o644);
  }
})();

/** Every file under `dir`, relative, sorted. */
function filesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

/** Every folder under `dir` that holds nothing. */
function emptyFoldersUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isDirectory() && fs.readdirSync(path.join(dir, f)).length === 0);
}

const BROKEN = 'img-0003.png';

/**
 * Five images: ant img-0000, img-0001 (training) and img-0002 (evaluation); bee img-0003, its
 * only file (the one broken after the scan); img-0004 unlabeled; wasp has no labeled image.
 */
async function labeledProject(): Promise<{ root: string; project: Project }> {
  const { root, project, ids } = await scannedProject(5, projects);
  const ant = project.classes.create('ant', undefined);
  const bee = project.classes.create('bee', undefined);
  project.classes.create('wasp', undefined);
  project.setLabels(ids.slice(0, 3), ant.id);
  project.setLabels([ids[3]!], bee.id);
  new AdaptationStore(project.db).addEvaluation([ids[2]!]);
  expect(project.images.get(ids[3]!).relPath).toBe(BROKEN);
  return { root, project };
}

/** What every export that met the broken file must show, whatever broke it. */
function expectLeftOut(report: ExportReport, destination: string, reason: RegExp): void {
  const note = report.notes.find((n) => n.includes(BROKEN));
  expect(note, report.notes.join('\n')).toBeDefined();
  expect(note).toMatch(reason);
  expect(report.files.some((f) => f.includes(BROKEN))).toBe(false);
  // The report lists exactly what was written (the dialog's count is its length).
  expect([...report.files].sort()).toEqual(filesUnder(destination));
  expect(emptyFoldersUnder(destination)).toEqual([]);
  const csv = fs.readFileSync(path.join(destination, 'labels.csv'), 'utf8').trim().split('\n');
  expect(csv.slice(1).map((line) => line.split(',')[0])).toEqual(['img-0000.png', 'img-0001.png', 'img-0002.png']);
}

/** A split ImageFolder, a Hugging Face layout and both labels files; then a plain ImageFolder with labels.csv. */
async function exportBoth(project: Project, reason: RegExp): Promise<void> {
  const split = path.join(tempDir(), 'split');
  const report = await exportService(project).export({ destination: split, model: false, labelsCsv: true, labelsJson: true, imageFolder: true, splitImageFolder: true, huggingFace: true });
  expectLeftOut(report, split, reason);
  expect(filesUnder(path.join(split, 'images'))).toEqual([path.join('evaluation', 'ant', 'img-0002.png'), path.join('train', 'ant', 'img-0000.png'), path.join('train', 'ant', 'img-0001.png')]);
  const json = JSON.parse(fs.readFileSync(path.join(split, 'labels.json'), 'utf8')) as { images: { path: string }[] };
  expect(json.images.map((i) => i.path)).toEqual(['img-0000.png', 'img-0001.png', 'img-0002.png']);
  const metadata = fs.readFileSync(path.join(split, 'huggingface', 'train', 'metadata.csv'), 'utf8');
  expect(metadata).not.toContain(BROKEN);
  expect(metadata.trim().split('\n')).toHaveLength(3);

  const plain = path.join(tempDir(), 'plain');
  const plainReport = await exportService(project).export({ destination: plain, model: false, labelsCsv: true, labelsJson: false, imageFolder: true, splitImageFolder: false });
  expectLeftOut(plainReport, plain, reason);
  expect(fs.readdirSync(path.join(plain, 'images'))).toEqual(['ant']);
}

describe('an export of image files whose files changed on disk after the scan', () => {
  it('leaves out a labeled file deleted since the scan, says it is gone, and leaves no empty class folder', async () => {
    const { root, project } = await labeledProject();
    fs.rmSync(path.join(root, BROKEN));
    await exportBoth(project, /gone/);
  });

  it('leaves out a labeled file whose content changed since the scan, and leaves no empty class folder', async () => {
    const { root, project } = await labeledProject();
    const file = path.join(root, BROKEN);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0xff;
    fs.writeFileSync(file, bytes);
    await exportBoth(project, /changed since the last scan/);
  });

  it.skipIf(!modeDenies)('leaves out a labeled file made unreadable (chmod 000) and says permission denied (skipped as root: root reads any file)', async () => {
    const { root, project } = await labeledProject();
    const file = path.join(root, BROKEN);
    fs.chmodSync(file, 0o000);
    locked.push(file);
    await exportBoth(project, /permission denied/);
  });

  it('leaves out a labeled file whose read is refused with EACCES and says permission denied', async () => {
    const { root, project } = await labeledProject();
    const file = path.join(root, BROKEN);
    const open = fsp.open.bind(fsp);
    vi.spyOn(fsp, 'open').mockImplementation(async (...args: Parameters<typeof fsp.open>) => {
      if (typeof args[0] === 'string' && fs.realpathSync(path.dirname(args[0])) === fs.realpathSync(root) && path.basename(args[0]) === path.basename(file)) {
        throw Object.assign(new Error(`EACCES: permission denied, open '${args[0]}'`), { code: 'EACCES' });
      }
      return open(...args);
    });
    await exportBoth(project, /permission denied/);
  });

  it('leaves out a labeled file whose path cannot be followed (realpath refused with EACCES) and says permission denied', async () => {
    const { project } = await labeledProject();
    const realpath = fsp.realpath.bind(fsp);
    vi.spyOn(fsp, 'realpath').mockImplementation(async (...args: Parameters<typeof fsp.realpath>) => {
      if (path.basename(String(args[0])) === BROKEN) throw Object.assign(new Error(`EACCES: permission denied, realpath '${String(args[0])}'`), { code: 'EACCES' });
      return realpath(...args);
    });
    await exportBoth(project, /permission denied/);
  });

  it('leaves out a labeled file whose read fails midway (EIO), taking back its copies and their folders', async () => {
    const { root, project } = await labeledProject();
    const open = fsp.open.bind(fsp);
    vi.spyOn(fsp, 'open').mockImplementation(async (...args: Parameters<typeof fsp.open>) => {
      const handle = await open(...args);
      if (typeof args[0] === 'string' && path.basename(args[0]) === BROKEN && fs.realpathSync(path.dirname(args[0])) === fs.realpathSync(root)) {
        // Opened and checked as a regular file: the disk fails on the read, after the copies were opened.
        handle.read = (() => Promise.reject(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' }))) as typeof handle.read;
      }
      return handle;
    });
    await exportBoth(project, /read error from the disk \(EIO\)/);
  });

  it('leaves out a labeled file whose path is a loop of symbolic links and says so', async () => {
    const { root, project } = await labeledProject();
    fs.rmSync(path.join(root, BROKEN));
    fs.symlinkSync(BROKEN, path.join(root, BROKEN));
    await exportBoth(project, /symbolic links on its path lead in a loop/);
  });

  it('leaves out a labeled file replaced by a folder and says so', async () => {
    const { root, project } = await labeledProject();
    fs.rmSync(path.join(root, BROKEN));
    fs.mkdirSync(path.join(root, BROKEN));
    fs.writeFileSync(path.join(root, BROKEN, 'inside.txt'), 'not an image');
    await exportBoth(project, /a folder, not a file/);
  });

  it.skipIf(!canMakeFifo)('leaves out a labeled file replaced by a named pipe without waiting on it', async () => {
    const { root, project } = await labeledProject();
    fs.rmSync(path.join(root, BROKEN));
    fifoWithLateWriter(path.join(root, BROKEN), writers);
    await exportBoth(project, /named pipe/);
  });
});
