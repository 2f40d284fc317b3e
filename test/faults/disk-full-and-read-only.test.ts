/**
 * Issues 15.4 and 11.18 on real file systems (a tiny tmpfs, full or remounted read-only):
 * a write the disk refused is answered DISK_FULL / READ_ONLY with a true message, never
 * "INTERNAL … Your labels are saved".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../src-main/api/dispatch';
import type { Handlers } from '../../src-main/api/handlers';
import { Project } from '../../src-main/project/project';
import { storageError } from '../../src-main/core/storage-errors';
import { AppError } from '../../src-shared/app-error';
import { fillDisk, mountTmpfs, type Mount } from './support/mounts';

const mounts: Mount[] = [];
afterEach(() => {
  for (const m of mounts.splice(0)) m.unmount();
});

function mount(sizeKb: number): Mount | null {
  const m = mountTmpfs(sizeKb);
  if (typeof m === 'string') {
    console.warn(`skipped: ${m}`);
    return null;
  }
  mounts.push(m);
  return m;
}

const probe = mountTmpfs(64);
const canMount = typeof probe !== 'string';
if (typeof probe !== 'string') probe.unmount();

describe('storage errors get their own codes', () => {
  it('maps SQLite and Node codes to DISK_FULL, READ_ONLY, NOT_WRITABLE, IO_ERROR', () => {
    const cases: [string, string][] = [
      ['SQLITE_FULL', 'DISK_FULL'],
      ['ENOSPC', 'DISK_FULL'],
      ['EROFS', 'READ_ONLY'],
      ['SQLITE_READONLY', 'READ_ONLY'],
      ['SQLITE_READONLY_DBMOVED', 'READ_ONLY'],
      ['EACCES', 'NOT_WRITABLE'],
      ['SQLITE_IOERR_WRITE', 'IO_ERROR'],
      ['EIO', 'IO_ERROR'],
      ['SQLITE_CORRUPT', 'PROJECT_CORRUPT'],
      ['ENOTDIR', 'NOT_A_FOLDER'],
    ];
    for (const [code, expected] of cases) {
      const mapped = storageError(Object.assign(new Error('x'), { code }));
      expect(mapped?.code, code).toBe(expected);
      expect(mapped?.message, code).toMatch(/not saved/);
    }
    expect(storageError(new Error('plain'))).toBeNull();
  });

  it.skipIf(!canMount)('answers a label write on a full disk with DISK_FULL and says it was not saved', async () => {
    const m = mount(1024)!;
    const project = Project.open(m.dir, true);
    try {
      fillDisk(m.dir);
      const handlers = { 'classes:create': (a: { name: string }) => project.classes.create(a.name, undefined) } as unknown as Handlers;
      let result = await dispatch(handlers, 'classes:create', { name: 'ant' }, () => {});
      // a few pages may still fit in the WAL's slack: keep writing until the disk refuses
      for (let i = 0; result.ok && i < 200; i++) result = await dispatch(handlers, 'classes:create', { name: `c${i}x${'y'.repeat(60)}` }, () => {});
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe('DISK_FULL');
        expect(result.error.message).toMatch(/The disk is full: this change was not saved/);
        expect(result.error.message).not.toMatch(/labels are saved/);
      }
    } finally {
      await project.close().catch(() => undefined);
    }
  });

  it.skipIf(!canMount)('refuses a project on a read-only file system with READ_ONLY and a way out', async () => {
    const m = mount(1024)!;
    await Project.open(m.dir, true).close();
    m.readOnly();
    let error: unknown = null;
    try {
      await Project.open(m.dir, false).close();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('READ_ONLY');
    expect((error as AppError).message).toMatch(/read-only disk or folder.*Copy the folder to a disk you can write to/);
  });
});
