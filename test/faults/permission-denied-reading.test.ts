/**
 * A permission error met while reading is said as a read refused (which file or folder, what to
 * do), never as "… was not saved. Check who may write to this folder"; a write refused keeps
 * its words. Node's error names the call that failed (`syscall`) and the path: a read call (a
 * folder listed, a path looked up) is a read; an `open`, which may be either, is a read when
 * the file it names is one this user may not read.
 *
 * Root reads any file whatever its mode, so the errors are injected as Node makes them (code,
 * syscall, path), as in export-left-out.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dispatch } from '../../src-main/api/dispatch';
import type { Handlers } from '../../src-main/api/handlers';
import { storageError } from '../../src-main/core/storage-errors';
import { Project } from '../../src-main/project/project';
import { projectDbPath } from '../../src-main/project/project-db';
import { AppError } from '../../src-shared/app-error';
import { errorOf } from '../support/error-of';
import { tempDir } from '../support/image-folder';

afterEach(() => vi.restoreAllMocks());

/** The error Node gives for `syscall` on `file` refused with `code`. */
function denied(syscall: string, file: string, code = 'EACCES'): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: permission denied, ${syscall} '${file}'`), { code, errno: -13, syscall, path: file });
}

describe('a permission error while reading', () => {
  it('is a read refused, naming the file or folder and what to do, for every read call', () => {
    for (const syscall of ['scandir', 'opendir', 'read', 'stat', 'lstat', 'realpath', 'readlink']) {
      for (const code of ['EACCES', 'EPERM']) {
        const mapped = storageError(denied(syscall, '/data/bees/.adma/features', code), 'The extraction');
        expect(mapped?.code, `${syscall} ${code}`).toBe('UNREADABLE');
        expect(mapped?.message).toBe(
          'Permission denied reading /data/bees/.adma/features: the extraction could not go on. Check that you may read it (and open the folders it is in), then try again.',
        );
      }
    }
  });

  it('an open of a file this user may not read is a read; an open of one it may read, a write refused', () => {
    const dir = tempDir();
    const unreadable = path.join(dir, 'labels.db');
    const readable = path.join(dir, 'other.db');
    const access = fs.accessSync.bind(fs);
    vi.spyOn(fs, 'accessSync').mockImplementation((p, mode) => {
      if (p === unreadable) throw denied('access', unreadable);
      access(p, mode);
    });
    fs.writeFileSync(readable, '');
    expect(storageError(denied('open', unreadable))).toMatchObject({ code: 'UNREADABLE', message: expect.stringContaining(`Permission denied reading ${unreadable}`) });
    expect(storageError(denied('open', readable))).toMatchObject({ code: 'NOT_WRITABLE', message: expect.stringMatching(/this change was not saved.*who may write/) });
  });

  it('a write into a folder this user may not enter, which the caller says is a write: the write\'s words, not "reading"', () => {
    const locked = path.join(tempDir(), 'locked');
    const file = path.join(locked, 'predictions.csv');
    // A folder without the search permission refuses the lookup of anything in it, the access probe included.
    const access = fs.accessSync.bind(fs);
    vi.spyOn(fs, 'accessSync').mockImplementation((p, mode) => {
      if (String(p).startsWith(`${locked}${path.sep}`)) throw denied('access', String(p));
      access(p, mode);
    });
    expect(storageError(denied('open', file), 'The export', 'write')).toMatchObject({
      code: 'NOT_WRITABLE',
      message: 'Permission denied: the export was not saved. Check who may write to this folder, then try again.',
    });
    // And a read the caller says is a read is one, whatever the file.
    expect(storageError(denied('open', path.join(tempDir(), 'readable.png')), 'The import', 'read')).toMatchObject({
      code: 'UNREADABLE',
      message: expect.stringMatching(/^Permission denied reading .*readable\.png: the import could not go on\./),
    });
  });

  it.skipIf(process.getuid?.() === 0)('the same with a real folder made unenterable (chmod 600; skipped as root: root enters any folder)', () => {
    const locked = path.join(tempDir(), 'locked');
    fs.mkdirSync(locked);
    fs.chmodSync(locked, 0o600);
    try {
      const error = errorOf(() => fs.writeFileSync(path.join(locked, 'predictions.csv'), 'x'));
      expect(storageError(error, 'The export', 'write')).toMatchObject({ code: 'NOT_WRITABLE', message: expect.stringMatching(/^Permission denied: the export was not saved\./) });
    } finally {
      fs.chmodSync(locked, 0o700);
    }
  });

  it('a write refused keeps its words', () => {
    for (const syscall of ['mkdir', 'rename', 'unlink', 'write', 'chmod', undefined]) {
      const error = syscall ? denied(syscall, '/data/bees/.adma/x') : Object.assign(new Error('x'), { code: 'EACCES' });
      expect(storageError(error), String(syscall)).toMatchObject({ code: 'NOT_WRITABLE', message: 'Permission denied: this change was not saved. Check who may write to this folder, then try again.' });
    }
  });

  it('a request whose read is refused answers UNREADABLE, not "this change was not saved"', async () => {
    const handlers = {
      'project:unreadable': () => {
        throw denied('scandir', '/data/bees/plates');
      },
    } as unknown as Handlers;
    const result = await dispatch(handlers, 'project:unreadable', undefined, () => {});
    expect(result).toEqual({
      ok: false,
      error: { code: 'UNREADABLE', message: expect.stringMatching(/^Permission denied reading \/data\/bees\/plates: this change could not go on\. Check that you may read it/) },
    });
  });
});

describe('opening a project whose .adma this user may not open', () => {
  it('says the project database cannot be read, not that there is no project', async () => {
    const root = tempDir();
    await Project.open(root, true).close();
    const dbFile = projectDbPath(root);
    const lstat = fs.lstatSync.bind(fs);
    vi.spyOn(fs, 'lstatSync').mockImplementation(((p: fs.PathLike, options?: fs.StatSyncOptions) => {
      // .adma without the search permission: what is in it cannot be looked up.
      if (p === dbFile) throw denied('lstat', dbFile);
      return lstat(p, options);
    }) as typeof fs.lstatSync);
    let error: unknown = null;
    try {
      await Project.open(root, false).close();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'UNREADABLE', message: expect.stringContaining(`Permission denied reading ${dbFile}: opening the project could not go on`) });
    expect((error as Error).message).not.toMatch(/no ADMA Studio project|not saved/);
    vi.restoreAllMocks();
    // Nothing was changed: it opens as it was once the permission is back.
    const project = Project.open(root, false);
    await project.close();
  });
});
