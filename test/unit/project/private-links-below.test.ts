/**
 * A symbolic link planted deeper inside `.adma` (a sub-folder or a file the app opens by name),
 * pointing to a folder or file outside the project folder, while the project is open: the app
 * refuses the read or write with an error naming the link and what to do, writes nothing outside,
 * and keeps the project's labels (private-folder.ts, "Below `.adma`").
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src-shared/app-error';
import { writeWorkspace } from '../../../src-main/cli/cli-workspace';
import { privateFolder, privatePath } from '../../../src-main/core/private-folder';
import { featureCacheDir, FeatureStore } from '../../../src-main/engine/features/feature-store';
import { perceptualCodes } from '../../../src-main/engine/features/difference-hash';
import { loadHead, saveHead } from '../../../src-main/engine/train/head-file';
import { paintableThumbnails, readMedia } from '../../../src-main/media/image-media';
import { thumbnailFile } from '../../../src-main/media/media-cache';
import { resolveInside } from '../../../src-main/media/path-containment';
import { Project } from '../../../src-main/project/project';
import { projectDbPath } from '../../../src-main/project/project-db';
import { appErrorOf, errorOf } from '../../support/error-of';
import { tempDir } from '../../support/image-folder';
import { smallLayout as layout } from '../../support/feature-layout';

const projects: Project[] = [];
afterEach(async () => {
  for (const p of projects.splice(0)) await p.close();
});

/** Every file below `dir` with its bytes: what the app may have written there. */
function contents(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out[path.relative(dir, path.join(entry.parentPath, entry.name))] = fs.readFileSync(path.join(entry.parentPath, entry.name)).toString('base64');
  }
  return out;
}

/** A project of two labeled images (one 1600 px wide: it has renditions), and a folder outside it holding one file. */
async function labeledProject(): Promise<{ project: Project; root: string; admin: string; outside: string; ids: number[] }> {
  const root = tempDir();
  await sharp({ create: { width: 1600, height: 100, channels: 3, background: '#2040c0' } }).png().toFile(path.join(root, 'wide.png'));
  await sharp({ create: { width: 40, height: 30, channels: 3, background: '#20c040' } }).png().toFile(path.join(root, 'small.png'));
  const project = Project.open(root, true);
  projects.push(project);
  await project.rescan();
  const ids = project.images.list({ kind: 'all' }, 0, 10).items.map((i) => i.id);
  project.setLabels(ids, project.classes.create('ant', undefined).id);
  const outside = tempDir('adma-outside-');
  fs.writeFileSync(path.join(outside, 'victim'), 'the expert’s own file');
  return { project, root, admin: project.adminDir, outside, ids };
}

function expectRefused(error: unknown, link: string): void {
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe('UNSUPPORTED');
  expect((error as AppError).message).toContain(`${link} is a symbolic link (to `);
  expect((error as AppError).message).toMatch(/never reads or writes outside the folder you chose.*your labels are kept\. Remove the link/s);
}

async function labelsAfterReopen(root: string): Promise<number> {
  for (const p of projects.splice(0)) await p.close();
  const db = new Database(projectDbPath(root), { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) FROM labels').pluck().get() as number) ?? 0;
  } finally {
    db.close();
  }
}

describe.skipIf(process.platform === 'win32')('a symbolic link planted below .adma while the project is open', () => {
  it('at thumbs/, renditions/ or one cached thumbnail: no image is served through it and nothing is written outside', async () => {
    for (const planted of ['thumbs', 'renditions', 'thumb file'] as const) {
      const { project, root, admin, outside, ids } = await labeledProject();
      const before = contents(outside);
      const [wide] = project.images.list({ kind: 'all' }, 0, 10).items.filter((i) => i.relPath === 'wide.png');
      let link: string;
      if (planted === 'thumb file') {
        link = thumbnailFile(admin, wide!.hash, 'png');
        fs.mkdirSync(path.dirname(link), { recursive: true });
        fs.symlinkSync(path.join(outside, 'victim'), link);
      } else {
        link = path.join(admin, planted);
        fs.symlinkSync(outside, link);
      }
      const error = await appErrorOf(readMedia(project, wide!.id, planted === 'renditions' ? 'screen1280' : 'thumb'));
      expectRefused(error, link);
      // The gallery's question "which thumbnails are cached" does not look through it either.
      if (planted === 'thumbs') expectRefused(await paintableThumbnails(project, [wide!.id]).then(() => null, (e: unknown) => e), link);
      expect(contents(outside)).toEqual(before);
      // The perceptual pass (which stores the gallery's thumbnails) refuses it too.
      if (planted !== 'renditions') {
        expectRefused(await perceptualCodes(root, [{ hash: wide!.hash, path: path.join(root, 'wide.png') }]).then(() => null, (e: unknown) => e), link);
        expect(contents(outside)).toEqual(before);
      }
      expect(await labelsAfterReopen(root)).toBe(ids.length);
    }
  });

  it('at one of many thumbnails: the perceptual pass stops, saves what it decoded, and has written nothing more when it answers', async () => {
    const root = tempDir();
    const files = await Promise.all(
      Array.from({ length: 24 }, async (_, i) => {
        const file = path.join(root, `img${i}.png`);
        await sharp({ create: { width: 40 + i, height: 30, channels: 3, background: { r: 10 * i, g: 90, b: 40 } } }).png().toFile(file);
        return { hash: `h${i}`, path: file };
      }),
    );
    const admin = path.join(root, '.adma');
    fs.mkdirSync(admin);
    const outside = tempDir('adma-outside-');
    fs.writeFileSync(path.join(outside, 'victim'), 'the expert’s own file');
    const link = thumbnailFile(admin, 'h2', 'png');
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(path.join(outside, 'victim'), link);
    expectRefused(await perceptualCodes(root, files).then(() => null, (e: unknown) => e), link);
    // Answered after every decode it began had ended (at most 4 at a time): the queued images were
    // not decoded, and the ones that were are saved, not lost to a closed database.
    const thumbs = fs.readdirSync(path.dirname(link)).filter((name) => !name.startsWith('h2'));
    expect(thumbs.length).toBeGreaterThan(0);
    expect(thumbs.length).toBeLessThanOrEqual(4);
    const db = new Database(path.join(admin, 'perceptual.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT COUNT(*) FROM dhash').pluck().get()).toBe(thumbs.length);
    } finally {
      db.close();
    }
    expect(fs.readFileSync(path.join(outside, 'victim'), 'utf8')).toBe('the expert’s own file');
  });

  it('at renditions/, for an image whose file went: refused, and the file check’s answer is not left unhandled', async () => {
    const { project, admin, outside } = await labeledProject();
    const [wide] = project.images.list({ kind: 'all' }, 0, 10).items.filter((i) => i.relPath === 'wide.png');
    fs.rmSync(path.join(project.root, 'wide.png'));
    const link = path.join(admin, 'renditions');
    fs.symlinkSync(outside, link);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      expectRefused(await appErrorOf(readMedia(project, wide!.id, 'screen1280')), link);
      // The same check, asked after: once it has answered, so has the one readMedia began first
      // (both are realpath calls on one thread pool), and an unhandled rejection is reported
      // after the microtasks of the turn that made it.
      await resolveInside(project.root, 'wide.png').catch(() => undefined);
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('at features/ or a feature cache’s -wal file: the cache is not opened', async () => {
    for (const planted of ['features', 'wal'] as const) {
      const { root, admin, outside, ids } = await labeledProject();
      let link = path.join(admin, 'features');
      if (planted === 'wal') {
        FeatureStore.openFor(root, layout).close();
        const db = fs.readdirSync(link).find((name) => name.endsWith('.db'))!;
        link = path.join(link, `${db}-wal`);
        fs.rmSync(link, { force: true });
        fs.symlinkSync(path.join(outside, 'victim'), link);
      } else {
        fs.symlinkSync(outside, link);
      }
      const before = contents(outside);
      expectRefused(errorOf(() => FeatureStore.openFor(root, layout)), link);
      expectRefused(errorOf(() => featureCacheDir(root)), link);
      expect(contents(outside)).toEqual(before);
      expect(await labelsAfterReopen(root)).toBe(ids.length);
    }
  });

  it('at models/, a version’s folder or the temporary file a head is written through: no head is written or read through it', async () => {
    const head = { mode: 'light', classes: ['a', 'b'], inputShape: [2], block: null, dense: { kernel: Float32Array.of(1, 2, 3, 4), bias: Float32Array.of(0, 1) } } as const;
    const facts = { modelId: 'm', labelCounts: [1, 1], trainedAt: '2026-01-01T00:00:00.000Z', backend: 'wasm', seed: 1, epochs: 1, loss: 0, trainAccuracy: 1 };
    for (const planted of ['models', 'v1', 'head.bin.tmp'] as const) {
      const { root, admin, outside, ids } = await labeledProject();
      const version = path.join(admin, 'models', 'v1');
      let link: string;
      if (planted === 'models') {
        link = path.join(admin, 'models');
        fs.symlinkSync(outside, link);
      } else if (planted === 'v1') {
        link = version;
        fs.mkdirSync(path.dirname(version));
        fs.symlinkSync(outside, link);
      } else {
        link = path.join(version, 'head.bin.tmp');
        fs.mkdirSync(version, { recursive: true });
        fs.symlinkSync(path.join(outside, 'victim'), link);
      }
      const before = contents(outside);
      // The folder the app names for version 1 (AdaptationContext.headDir), and the engine's write and read of it.
      expectRefused(errorOf(() => privateFolder(admin, 'models', 'v1')), link);
      expectRefused(await saveHead(version, { head: { ...head, classes: [...head.classes], inputShape: [...head.inputShape] }, facts }).then(() => null, (e: unknown) => e), link);
      expect(contents(outside)).toEqual(before);
      expectRefused(await loadHead(version).then(() => null, (e: unknown) => e), link);
      expect(await labelsAfterReopen(root)).toBe(ids.length);
    }
  });

  it('at the command-line workspace’s temporary file: the workspace is not written through it', async () => {
    const { root, admin, outside, ids } = await labeledProject();
    const link = path.join(admin, 'cli', 'workspace.json.tmp');
    fs.mkdirSync(path.dirname(link));
    fs.symlinkSync(path.join(outside, 'victim'), link);
    const before = contents(outside);
    const error = await writeWorkspace(root, { formatVersion: 1 } as Parameters<typeof writeWorkspace>[1]).then(() => null, (e: unknown) => e);
    expectRefused(error, link);
    expect(contents(outside)).toEqual(before);
    expect(await labelsAfterReopen(root)).toBe(ids.length);
  });

  it('privatePath allows what is missing and refuses only links', () => {
    const admin = path.join(tempDir(), '.adma');
    fs.mkdirSync(path.join(admin, 'thumbs'), { recursive: true });
    expect(privatePath(admin, 'thumbs', 'x.webp')).toBe(path.join(admin, 'thumbs', 'x.webp'));
    expect(privatePath(admin, 'models', 'v1', 'head.json')).toBe(path.join(admin, 'models', 'v1', 'head.json'));
    expect(() => privatePath(admin, '..', 'elsewhere')).toThrow(/not below/);
  });
});
