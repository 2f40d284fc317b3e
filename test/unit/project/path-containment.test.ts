import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isInside, resolveInside } from '../../../src-main/media/path-containment';
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
});
