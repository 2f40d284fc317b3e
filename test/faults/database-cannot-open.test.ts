/**
 * SQLite's "unable to open database file" (SQLITE_CANTOPEN) carries no reason; the app asks
 * the file system why (storage-errors.ts cantOpenError) and says it, naming the file and what
 * to do, for the project database, a feature cache and the thumbnail-hash cache alike; never
 * an internal error. Nothing is changed: once the cause is gone, everything opens as it was.
 *
 * A real SQLITE_CANTOPEN: a folder in the place of the database's -wal file (SQLite opens the
 * -wal on the first read). A file this user may not read cannot be made as root (root reads
 * every file), so there SQLite's refusal is stood in for (the Database constructor throws the
 * SqliteError better-sqlite3 throws) and the probe's open is refused as Node refuses it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { featureStorePath, FeatureStore } from '../../src-main/engine/features/feature-store';
import { perceptualCodes, perceptualStorePath } from '../../src-main/engine/features/difference-hash';
import { startLabelWriter } from '../../src-main/project/label-operations';
import { projectImages } from '../../src-main/engine/loop/project-images';
import { Project } from '../../src-main/project/project';
import { projectDbPath } from '../../src-main/project/project-db';
import { appErrorOf, errorOf } from '../support/error-of';
import { tempDir } from '../support/image-folder';
import { smallLayout as layout } from '../support/feature-layout';

/** Paths the stand-in Database constructor refuses as SQLite refuses a file it may not open. */
const refused = vi.hoisted(() => new Set<string>());
vi.mock('better-sqlite3', async (importOriginal) => {
  const real = (await importOriginal<{ default: typeof import('better-sqlite3') }>()).default;
  function StandIn(file: unknown, options?: unknown): unknown {
    if (typeof file === 'string' && refused.has(file)) throw new real.SqliteError('unable to open database file', 'SQLITE_CANTOPEN');
    return new real(file as string, options as never);
  }
  StandIn.SqliteError = real.SqliteError;
  return { default: StandIn };
});

afterEach(() => {
  refused.clear();
  vi.restoreAllMocks();
});


/** Node's error for an open of `file` refused. */
function denied(file: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`EACCES: permission denied, open '${file}'`), { code: 'EACCES', errno: -13, syscall: 'open', path: file });
}

/** fs.openSync refuses `file` as it does a file this user may not read. */
function unreadable(file: string): void {
  refused.add(file);
  const open = fs.openSync.bind(fs);
  vi.spyOn(fs, 'openSync').mockImplementation((p, flags, mode) => {
    if (p === file) throw denied(file);
    return open(p, flags, mode);
  });
}

async function projectWithAClass(): Promise<string> {
  const root = tempDir();
  const project = Project.open(root, true);
  project.classes.create('ant', undefined);
  await project.close();
  return root;
}

describe('a database SQLite cannot open', () => {
  it('the project database whose -wal is a folder: said so, and the project opens as it was once it is moved', async () => {
    const root = await projectWithAClass();
    const dbFile = projectDbPath(root);
    const bytes = fs.readFileSync(dbFile);
    fs.mkdirSync(`${dbFile}-wal`);
    const error = errorOf(() => Project.open(root, false));
    expect(error).toMatchObject({
      code: 'UNREADABLE',
      message: `${dbFile}-wal is a folder, not a file: opening the project could not go on. Move it out of the way (ADMA Studio has not changed it), then try again.`,
    });
    expect(fs.readFileSync(dbFile).equals(bytes)).toBe(true);
    fs.rmdirSync(`${dbFile}-wal`);
    const project = Project.open(root, false);
    expect(project.classes.list().map((c) => c.name)).toEqual(['ant']);
    await project.close();
  });

  it("the label writer thread's own connection, when the -wal is a folder: every change refused with that, not an internal error", async () => {
    const root = await projectWithAClass();
    const dbFile = projectDbPath(root);
    fs.mkdirSync(`${dbFile}-wal`);
    const writer = startLabelWriter({ dbFile, actor: 'test' });
    const expected = {
      code: 'UNREADABLE',
      message: `${dbFile}-wal is a folder, not a file: this change could not go on. Move it out of the way (ADMA Studio has not changed it), then try again.`,
    };
    expect(await appErrorOf(writer.apply({ kind: 'set', imageIds: [1], classId: null }))).toMatchObject(expected);
    expect(await appErrorOf(writer.apply({ kind: 'undo' }))).toMatchObject(expected);
    await writer.close();
  });

  it("the engine's read of the project's images, when the -wal is a folder: said so", async () => {
    const root = await projectWithAClass();
    const dbFile = projectDbPath(root);
    fs.mkdirSync(`${dbFile}-wal`);
    expect(errorOf(() => projectImages(root))).toMatchObject({
      code: 'UNREADABLE',
      message: `${dbFile}-wal is a folder, not a file: reading the project's images could not go on. Move it out of the way (ADMA Studio has not changed it), then try again.`,
    });
  });

  it('a project database this user may not read: permission denied reading it, not an internal error', async () => {
    const root = await projectWithAClass();
    const dbFile = projectDbPath(root);
    unreadable(dbFile);
    const error = errorOf(() => Project.open(root, false));
    expect(error).toMatchObject({
      code: 'UNREADABLE',
      message: `Permission denied reading ${dbFile}: opening the project could not go on. Check that you may read it (and open the folders it is in), then try again.`,
    });
    refused.clear();
    vi.restoreAllMocks();
    const project = Project.open(root, false);
    expect(project.classes.list().map((c) => c.name)).toEqual(['ant']);
    await project.close();
  });

  it('a feature cache this user may not read: a read refused, not "cannot open … (not writable)"', () => {
    const root = tempDir();
    FeatureStore.openFor(root, layout).close();
    const file = featureStorePath(root, layout);
    unreadable(file);
    expect(errorOf(() => FeatureStore.open(file, layout))).toMatchObject({
      code: 'UNREADABLE',
      message: `Permission denied reading ${file}: opening the feature cache could not go on. Check that you may read it (and open the folders it is in), then try again.`,
    });
  });

  it('a feature cache whose folder this user may not write in (no -wal or -shm can be made): said so', () => {
    const root = tempDir();
    FeatureStore.openFor(root, layout).close();
    const file = featureStorePath(root, layout);
    const folder = path.dirname(file);
    refused.add(file);
    const access = fs.accessSync.bind(fs);
    vi.spyOn(fs, 'accessSync').mockImplementation((p, mode) => {
      if (p === folder && mode === (fs.constants.W_OK | fs.constants.X_OK)) throw Object.assign(new Error(`EACCES: permission denied, access '${folder}'`), { code: 'EACCES', errno: -13, syscall: 'access', path: folder });
      access(p, mode);
    });
    expect(errorOf(() => FeatureStore.open(file, layout))).toMatchObject({
      code: 'NOT_WRITABLE',
      message: `Permission denied writing in ${folder}: opening the feature cache could not go on, as SQLite keeps two working files (-wal, -shm) beside ${path.basename(file)}. Check who may write to that folder (or use a copy on a disk you can write to), then try again.`,
    });
  });

  it('a feature cache SQLite cannot open for no reason the file system gives: a disk error naming the file, not an internal error', () => {
    const root = tempDir();
    FeatureStore.openFor(root, layout).close();
    const file = featureStorePath(root, layout);
    refused.add(file);
    expect(errorOf(() => FeatureStore.open(file, layout))).toMatchObject({
      code: 'IO_ERROR',
      message: `${file} could not be opened, and the system gave no reason: opening the feature cache could not go on. Check that the disk is still connected and that no other program (a sync or backup tool, an antivirus) holds the file, then try again.`,
    });
  });

  it("the project database gone while the project is in use, when the engine reads the project's images: said for what it is, not as an image gone since the scan", async () => {
    const root = await projectWithAClass();
    const dbFile = projectDbPath(root);
    fs.rmSync(dbFile);
    expect(errorOf(() => projectImages(root))).toMatchObject({
      code: 'NOT_FOUND',
      message: `The project database ${dbFile} is not there any more (moved or deleted while in use): reading the project's images could not go on. If it was moved, put it back where it was; then try again.`,
    });
  });

  it('a feature cache gone between SQLite\'s open and the probe: said for what it is', () => {
    const root = tempDir();
    const file = featureStorePath(root, layout);
    refused.add(file); // SQLite could not open it; by the probe, there is no file
    expect(errorOf(() => FeatureStore.open(file, layout))).toMatchObject({
      code: 'NOT_FOUND',
      message: `The feature cache ${file} is not there any more (moved or deleted while in use): opening the feature cache could not go on. If it was moved, put it back where it was; then try again.`,
    });
  });

  it('a feature cache whose -wal is a folder: said so', () => {
    const root = tempDir();
    FeatureStore.openFor(root, layout).close();
    const file = featureStorePath(root, layout);
    fs.mkdirSync(`${file}-wal`);
    expect(errorOf(() => FeatureStore.open(file, layout))).toMatchObject({
      code: 'UNREADABLE',
      message: `${file}-wal is a folder, not a file: opening the feature cache could not go on. Move it out of the way (ADMA Studio has not changed it), then try again.`,
    });
  });

  it('the thumbnail-hash cache whose -wal is a folder: said so', async () => {
    const root = tempDir();
    fs.mkdirSync(path.join(root, '.adma'), { recursive: true });
    const file = perceptualStorePath(root);
    fs.mkdirSync(`${file}-wal`);
    expect(await appErrorOf(perceptualCodes(root, [{ hash: 'a'.repeat(64) }]))).toMatchObject({
      code: 'UNREADABLE',
      message: `${file}-wal is a folder, not a file: opening the thumbnail-hash cache could not go on. Move it out of the way (ADMA Studio has not changed it), then try again.`,
    });
  });
});
