/**
 * The confirm after the open of a project file (path-containment.ts) against a folder on its path
 * flipped out, in, then out again at the right moments: out when the file is opened (the open
 * follows the folder link to a file outside), in at every resolution of its path (each finds it
 * inside), and out when the path is stat'ed (which follows links again). Played here without a
 * race: the folder is a link out all along, and realpath answers for the file's path as if it
 * were not. A confirm by the path (resolve again, stat, same device and inode) accepts the outside
 * file; on Linux the confirm reads where the descriptor's file is (/proc/self/fd) and refuses it.
 * And the rare descriptor path inside the folder but not the one checked (the file renamed after
 * the open): read when the path checked still names that very file, refused as changed otherwise.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openInside, openInsideSync, readBelow, readInside } from '../../../src-main/media/path-containment';
import { appErrorOf, errorOf } from '../../support/error-of';
import { tempDir } from '../../support/image-folder';

afterEach(() => {
  vi.restoreAllMocks();
  syncBuiltinESMExports();
});

/** A project whose `sub` is a link to a folder outside holding `cell.png`; its path resolves as if `sub` were the project's own folder. */
function flipped(): { root: string; outsideBytes: Buffer } {
  const root = fs.realpathSync(tempDir());
  const outside = fs.realpathSync(tempDir('adma-outside-'));
  const outsideBytes = Buffer.from('the bytes of a private file outside the project folder');
  fs.writeFileSync(path.join(outside, 'cell.png'), outsideBytes);
  fs.symlinkSync(outside, path.join(root, 'sub'));
  const checked = path.join(root, 'sub', 'cell.png');
  const realpath = fsp.realpath.bind(fsp);
  vi.spyOn(fsp, 'realpath').mockImplementation(async (p, options) => (String(p) === checked ? checked : realpath(p, options)));
  const realpathSync = fs.realpathSync.bind(fs);
  vi.spyOn(fs, 'realpathSync').mockImplementation(((p: fs.PathLike, options?: fs.EncodingOption) => (String(p) === checked ? checked : realpathSync(p, options))) as typeof fs.realpathSync);
  syncBuiltinESMExports();
  return { root, outsideBytes };
}

const OUTSIDE = /^Refused to read sub\/cell\.png: it leads outside the project folder/;

describe.runIf(process.platform === 'linux')('a folder flipped out, in and out again around the open of a project file (Linux: the descriptor confirmed)', () => {
  it('is refused by readInside and readBelow: nothing outside is read', async () => {
    const { root } = flipped();
    expect((await appErrorOf(readInside(root, 'sub/cell.png'))).message).toMatch(OUTSIDE);
    expect((await appErrorOf(readBelow(root, 'sub/cell.png'))).message).toMatch(OUTSIDE);
  });

  it('is refused by openInside (an export copies from its descriptor)', async () => {
    const { root } = flipped();
    expect((await appErrorOf(openInside(root, 'sub/cell.png'))).message).toMatch(OUTSIDE);
  });

  it('is refused by openInsideSync (the embedded thumbnail)', () => {
    const { root } = flipped();
    expect(errorOf(() => openInsideSync(root, 'sub/cell.png')).message).toMatch(OUTSIDE);
  });

  /** After the open of `file` (asynchronous and synchronous), run `change` once. */
  function changeAfterOpen(file: string, change: () => void): void {
    const open = fs.promises.open.bind(fs.promises);
    vi.spyOn(fs.promises, 'open').mockImplementation(async (p, flags, mode) => {
      const handle = await open(p, flags, mode);
      if (String(p) === file) change();
      return handle;
    });
    const openSync = fs.openSync.bind(fs);
    vi.spyOn(fs, 'openSync').mockImplementation(((p: fs.PathLike, flags?: fs.OpenMode, mode?: fs.Mode) => {
      const fd = openSync(p, flags ?? 'r', mode);
      if (String(p) === file) change();
      return fd;
    }) as typeof fs.openSync);
    syncBuiltinESMExports();
  }

  /** A project with `sub/cell.png` (its real path too). */
  function project(): { root: string; file: string } {
    const root = fs.realpathSync(tempDir());
    fs.mkdirSync(path.join(root, 'sub'));
    const file = path.join(root, 'sub', 'cell.png');
    fs.writeFileSync(file, 'own');
    return { root, file };
  }

  it('refuses a file renamed within the folder after the open, another now at its path, as changed', async () => {
    for (const sync of [false, true]) {
      const { root, file } = project();
      changeAfterOpen(file, () => {
        fs.renameSync(file, path.join(root, 'sub', 'was.png'));
        fs.writeFileSync(file, 'another');
      });
      const error = sync ? errorOf(() => openInsideSync(root, 'sub/cell.png')) : await appErrorOf(readInside(root, 'sub/cell.png'));
      expect(error.message, sync ? 'sync' : 'async').toMatch(/^Refused to read sub\/cell\.png: it changed while it was being opened/);
      vi.restoreAllMocks();
      syncBuiltinESMExports();
    }
  });

  it('reads a file renamed within the folder after the open when its path still names that very file (a hard link)', async () => {
    const { root, file } = project();
    changeAfterOpen(file, () => {
      fs.renameSync(file, path.join(root, 'sub', 'was.png'));
      fs.linkSync(path.join(root, 'sub', 'was.png'), file);
    });
    expect((await readInside(root, 'sub/cell.png')).toString()).toBe('own');
  });

  it('still reads the project file itself, through a project folder that is a link', async () => {
    const real = fs.realpathSync(tempDir());
    fs.mkdirSync(path.join(real, 'sub'));
    fs.writeFileSync(path.join(real, 'sub', 'cell.png'), 'own');
    const root = path.join(fs.realpathSync(tempDir()), 'project');
    fs.symlinkSync(real, root);
    expect((await readInside(root, 'sub/cell.png')).toString()).toBe('own');
    const { fd } = openInsideSync(root, 'sub/cell.png');
    fs.closeSync(fd);
  });
});
