import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readRefused } from '../../../src-main/core/storage-errors';
import { isInside, openInsideSync, resolveInside } from '../../../src-main/media/path-containment';
import { tempDir } from '../../support/image-folder';

describe('path containment of the media route', () => {
  it('compares path components, not string prefixes', () => {
    expect(isInside('/data/project', '/data/project/a.png')).toBe(true);
    expect(isInside('/data/project', '/data/project/sub/b.png')).toBe(true);
    expect(isInside('/data/project', '/data/project-evil/a.png')).toBe(false);
    expect(isInside('/data/project', '/data/project')).toBe(false);
    expect(isInside('/data/project', '/data/a.png')).toBe(false);
    expect(isInside('/data/project', '/data/project/..foo/a.png')).toBe(true);
  });

  it('resolves symlinks and refuses anything that lands outside', async () => {
    const root = tempDir();
    const outside = tempDir();
    fs.writeFileSync(path.join(root, 'in.png'), 'x');
    fs.writeFileSync(path.join(outside, 'secret.png'), 'secret');
    fs.symlinkSync(path.join(outside, 'secret.png'), path.join(root, 'link.png'));
    fs.symlinkSync(outside, path.join(root, 'dirlink'));
    fs.mkdirSync(`${root}-evil`);
    fs.writeFileSync(`${root}-evil/x.png`, 'x');

    expect(await resolveInside(root, 'in.png')).toBe(fs.realpathSync(path.join(root, 'in.png')));
    await expect(resolveInside(root, 'link.png')).rejects.toThrow(/outside the project folder/);
    await expect(resolveInside(root, 'dirlink/secret.png')).rejects.toThrow(/outside the project folder/);
    await expect(resolveInside(root, `../${path.basename(root)}-evil/x.png`)).rejects.toThrow(/outside the project folder/);
    await expect(resolveInside(root, '../../../../etc/passwd')).rejects.toThrow(/outside the project folder/);
    await expect(resolveInside(root, 'missing.png')).rejects.toThrow(/missing from the project folder/);
  });

  describe('says why a path cannot be followed, and "missing" only for a file that is gone', () => {
    afterEach(() => vi.restoreAllMocks());

    /** realpath of `name` under the project fails with errno `code` (root reads any file: a mode of 000 would not stop it). */
    function refuse(name: string, code: string): void {
      const realpath = fsp.realpath.bind(fsp);
      vi.spyOn(fsp, 'realpath').mockImplementation(async (p, ...rest) => {
        if (String(p).endsWith(`${path.sep}${name}`)) throw Object.assign(new Error(`${code}: refused, realpath '${String(p)}'`), { code });
        return realpath(p, ...rest);
      });
    }

    it('a file gone, or a folder on its path now a file: missing, rescan', async () => {
      const root = tempDir();
      fs.writeFileSync(path.join(root, 'sub'), 'a file where a folder was');
      await expect(resolveInside(root, 'gone.png')).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/gone\.png is missing.*Rescan/) });
      await expect(resolveInside(root, 'sub/x.png')).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/missing.*Rescan/) });
      expect(() => openInsideSync(root, 'sub/x.png')).toThrow(/missing from the project folder/);
    });

    it('permission denied: names the file and says to check who may read it, not that it is missing', async () => {
      const root = tempDir();
      fs.writeFileSync(path.join(root, 'private.png'), 'x');
      for (const code of ['EACCES', 'EPERM']) {
        refuse('private.png', code);
        const error = (await resolveInside(root, 'private.png').then(
          () => null,
          (e: unknown) => e,
        )) as (Error & { code: string }) | null;
        // The one wording of a read refused (storage-errors.ts readRefused), as every other read refused says it.
        expect(error).toMatchObject({
          code: 'UNREADABLE',
          message: 'Permission denied reading the file private.png in the project folder. Check that you may read it (and open the folders it is in), then try again.',
        });
        expect({ code: error?.code, message: error?.message }).toEqual(readRefused('the file private.png in the project folder').toData());
        vi.restoreAllMocks();
      }
    });

    it('a loop of symbolic links: says so, on both the asynchronous and the synchronous path', async () => {
      const root = tempDir();
      fs.symlinkSync('loop-b', path.join(root, 'loop-a'));
      fs.symlinkSync('loop-a', path.join(root, 'loop-b'));
      const loop = /Cannot read the file loop-a\/x\.png .*symbolic links on its path lead in a loop/;
      await expect(resolveInside(root, 'loop-a/x.png')).rejects.toMatchObject({ code: 'UNREADABLE', message: expect.stringMatching(loop) });
      expect(() => openInsideSync(root, 'loop-a/x.png')).toThrow(loop);
    });

    it('a disk error: says the disk failed the read, not that the file is missing', async () => {
      const root = tempDir();
      fs.writeFileSync(path.join(root, 'bad.png'), 'x');
      refuse('bad.png', 'EIO');
      await expect(resolveInside(root, 'bad.png')).rejects.toMatchObject({ code: 'IO_ERROR', message: expect.stringMatching(/bad\.png .*read error from the disk \(EIO\).*Check the disk/) });
    });
  });
});
