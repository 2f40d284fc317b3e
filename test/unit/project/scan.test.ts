import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { Project } from '../../../src-main/project/project';
import { scanProject } from '../../../src-main/project/scan-project';
import { imageFolder, writeImage } from '../../support/image-folder';

const projects: Project[] = [];
afterEach(async () => {
  for (const p of projects.splice(0)) await p.close();
});
const open = (root: string): Project => {
  const p = Project.open(root, true);
  projects.push(p);
  return p;
};

describe('scanning a project folder', () => {
  it('indexes images recursively with size, mtime, hash and pixel dimensions', async () => {
    const root = await imageFolder(9, { subfolders: true });
    await writeImage(path.join(root, 'wide.jpg'), 99, 'jpeg', 64);
    fs.writeFileSync(path.join(root, 'notes.txt'), 'not an image and not an image extension');
    fs.mkdirSync(path.join(root, '.hidden'));
    await writeImage(path.join(root, '.hidden', 'skip.png'), 5);
    const project = open(root);
    const report = await project.rescan();
    expect(report).toMatchObject({ total: 10, added: 10, removed: 0, changed: 0, unchanged: 0, unreadable: [] });
    const page = project.images.list({ kind: 'all' }, 0, 100);
    expect(page.total).toBe(10);
    expect(page.items.map((i) => i.relPath)).toContain('group-1/img-0001.png');
    const wide = page.items.find((i) => i.relPath === 'wide.jpg')!;
    expect(wide).toMatchObject({ width: 64, height: 64, classId: null });
    expect(wide.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(wide.size).toBe(fs.statSync(path.join(root, 'wide.jpg')).size);
    expect(new Set(page.items.map((i) => i.hash)).size).toBe(10);
  });

  it('loses no file across commit batches while probes are in flight', async () => {
    const root = await imageFolder(457, { subfolders: true });
    const project = open(root);
    const report = await project.rescan();
    expect(report).toMatchObject({ total: 457, added: 457 });
    expect(project.images.list({ kind: 'all' }, 0, 1000).total).toBe(457);
  });

  it('commits the first probed file at once, before the rest of the folder is indexed', async () => {
    const root = await imageFolder(120, { subfolders: true });
    const project = open(root);
    const committedAtFirstProgress: number[] = [];
    const report = await scanProject(root, project.images, () => {
      if (committedAtFirstProgress.length === 0) committedAtFirstProgress.push(project.images.counts().images);
    });
    expect(report.added).toBe(120);
    expect(committedAtFirstProgress[0]).toBeGreaterThanOrEqual(1);
    expect(committedAtFirstProgress[0]).toBeLessThan(120);
  });

  it('reads large files (past the synchronous-read size) and hashes their whole contents', async () => {
    const root = await imageFolder(1);
    const noise = Buffer.from(Array.from({ length: 400 * 400 * 3 }, (_, i) => (i * 7919 + (i >> 7)) % 251));
    const big = await sharp(noise, { raw: { width: 400, height: 400, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();
    expect(big.length).toBeGreaterThan(256 * 1024);
    fs.writeFileSync(path.join(root, 'big.png'), big);
    fs.writeFileSync(path.join(root, 'big-truncated.png'), big.subarray(0, big.length - 64));
    const project = open(root);
    const report = await project.rescan();
    expect(report).toMatchObject({ total: 2, added: 2 });
    expect(report.unreadable).toEqual([{ relPath: 'big-truncated.png', reason: expect.stringMatching(/truncated PNG/) }]);
    const item = project.images.list({ kind: 'all' }, 0, 10).items.find((i) => i.relPath === 'big.png')!;
    expect(item).toMatchObject({ width: 400, height: 400, size: big.length });
    expect(item.hash).toBe(createHash('sha256').update(big).digest('hex'));
  });

  it('ends with the write error when the database refuses a batch, keeping what was committed', async () => {
    const root = await imageFolder(30);
    const project = open(root);
    let writes = 0;
    const upsert = project.images.upsertImage.bind(project.images);
    project.images.upsertImage = (...args) => {
      if (++writes > 1) throw new Error('disk full (simulated)');
      upsert(...args);
    };
    await expect(scanProject(root, project.images)).rejects.toThrow('disk full (simulated)');
    expect(project.images.counts().images).toBe(1);
  });

  it('lists corrupt, empty, truncated and fake images with a reason and keeps going', async () => {
    const root = await imageFolder(3);
    fs.writeFileSync(path.join(root, 'empty.png'), '');
    fs.writeFileSync(path.join(root, 'fake.jpg'), 'hello, I am a text file wearing a .jpg extension');
    const noise = Buffer.from(Array.from({ length: 96 * 96 * 3 }, (_, i) => (i * 7919) % 251));
    const jpeg = await sharp(noise, { raw: { width: 96, height: 96, channels: 3 } }).jpeg().toBuffer();
    fs.writeFileSync(path.join(root, 'truncated.jpg'), jpeg.subarray(0, Math.floor(jpeg.length * 0.7)));
    const png = fs.readFileSync(path.join(root, 'img-0000.png'));
    fs.writeFileSync(path.join(root, 'corrupt.png'), Buffer.concat([png.subarray(0, 16), Buffer.alloc(64, 7)]));
    const project = open(root);
    const report = await project.rescan();
    expect(report.total).toBe(3);
    const reasons = Object.fromEntries(report.unreadable.map((u) => [u.relPath, u.reason]));
    expect(reasons['empty.png']).toMatch(/empty file/);
    expect(reasons['fake.jpg']).toMatch(/not an image/);
    expect(reasons['truncated.jpg']).toMatch(/truncated JPEG/);
    expect(reasons['corrupt.png']).toBeDefined();
    expect(project.images.unreadable()).toHaveLength(4);
    expect(project.summary()).toMatchObject({ imageCount: 3, unreadableCount: 4 });
  });

  it('rescans incrementally and reports added, removed and changed files', async () => {
    const root = await imageFolder(5);
    const project = open(root);
    await project.rescan();
    const before = project.images.list({ kind: 'all' }, 0, 100).items;
    const changedFile = path.join(root, 'img-0001.png');
    await writeImage(changedFile, 1000);
    fs.utimesSync(changedFile, new Date(), new Date(Date.now() + 5000));
    fs.rmSync(path.join(root, 'img-0002.png'));
    await writeImage(path.join(root, 'new', 'fresh.png'), 2000);
    fs.writeFileSync(path.join(root, 'img-0003.png'), 'overwritten by garbage');

    const report = await project.rescan();
    expect(report).toMatchObject({ added: 1, removed: 2, changed: 1, unchanged: 2, total: 4 });
    expect(report.unreadable.map((u) => u.relPath)).toEqual(['img-0003.png']);
    const after = project.images.list({ kind: 'all' }, 0, 100).items;
    const changed = after.find((i) => i.relPath === 'img-0001.png')!;
    expect(changed.id).toBe(before.find((i) => i.relPath === 'img-0001.png')!.id);
    expect(changed.hash).not.toBe(before.find((i) => i.relPath === 'img-0001.png')!.hash);

    // the file comes back: same id, and its label survives having been away
    const again = await project.rescan();
    expect(again).toMatchObject({ added: 0, removed: 0, changed: 0, unchanged: 4 });
  });

  it('keeps the label of a file that disappears and comes back', async () => {
    const root = await imageFolder(2);
    const project = open(root);
    await project.rescan();
    const cls = project.classes.create('cat', undefined);
    const item = project.images.list({ kind: 'all' }, 0, 10).items[0]!;
    project.setLabels([item.id], cls.id);
    const file = path.join(root, item.relPath);
    const saved = fs.readFileSync(file);
    fs.rmSync(file);
    await project.rescan();
    expect(project.summary().labeledCount).toBe(0);
    fs.writeFileSync(file, saved);
    await project.rescan();
    expect(project.images.get(item.id).classId).toBe(cls.id);
  });

  it('does not follow symbolic links, and says so', async () => {
    const root = await imageFolder(2);
    const outside = await imageFolder(1);
    fs.symlinkSync(path.join(outside, 'img-0000.png'), path.join(root, 'linked.png'));
    const project = open(root);
    const report = await project.rescan();
    expect(report.total).toBe(2);
    expect(report.unreadable).toEqual([{ relPath: 'linked.png', reason: expect.stringMatching(/symbolic link/) }]);
  });

  // Root reads every folder, so a permission failure cannot be staged when tests run as root.
  it.skipIf(process.getuid?.() === 0)('reports an unreadable sub-folder and scans the rest (skipped as root)', async () => {
    const root = await imageFolder(2);
    const locked = path.join(root, 'locked');
    fs.mkdirSync(locked);
    await writeImage(path.join(locked, 'x.png'), 3);
    fs.chmodSync(locked, 0o000);
    try {
      const project = open(root);
      const report = await project.rescan();
      expect(report.total).toBe(2);
      expect(report.unreadable).toContainEqual({ relPath: 'locked/', reason: expect.stringMatching(/permission denied/) });
    } finally {
      fs.chmodSync(locked, 0o755);
    }
  });
});
