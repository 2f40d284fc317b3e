/**
 * The media server keeps the project folder's real path from a source's first read (realRoots,
 * image-media.ts) instead of resolving it for every request, and still refuses what it refused:
 * a link inside the folder that leads out of it, the file itself or a folder on its path, with
 * the thumbnail already cached. The folder moved while open is followed as before (resolved
 * again when a check fails below the path kept); a link on the folder's own path re-pointed to
 * another copy does not move the reads of images still in the folder opened.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readMedia, type MediaSource } from '../../../src-main/media/image-media';
import { appErrorOf } from '../../support/error-of';
import { tempDir } from '../../support/image-folder';

afterEach(() => vi.restoreAllMocks());

const png = (background: string): Promise<Buffer> => sharp({ create: { width: 64, height: 64, channels: 3, background } }).png().toBuffer();

let hashes = 0;

/**
 * A project folder `base/project` with `sub/cell.png` (blue), opened by `root` (the folder, or a
 * link `base/link` to it), and outside it a folder with a `cell.png` of its own (red).
 */
async function scene(throughLink = false): Promise<{ base: string; folder: string; source: MediaSource; blue: Buffer; red: Buffer; outside: string }> {
  const base = fs.realpathSync(tempDir());
  const folder = path.join(base, 'project');
  fs.mkdirSync(path.join(folder, 'sub'), { recursive: true });
  const [blue, red] = [await png('#2040c0'), await png('#e02020')];
  fs.writeFileSync(path.join(folder, 'sub', 'cell.png'), blue);
  const outside = fs.realpathSync(tempDir('adma-outside-'));
  fs.writeFileSync(path.join(outside, 'cell.png'), red);
  let root = folder;
  if (throughLink) {
    root = path.join(base, 'link');
    fs.symlinkSync(folder, root);
  }
  const hash = `k${++hashes}`;
  return {
    base,
    folder,
    source: { root, adminDir: path.join(root, '.adma'), locate: () => ({ relPath: 'sub/cell.png', hash, format: 'png', orientation: 1, width: 64, height: 64 }) },
    blue,
    red,
    outside,
  };
}

/** How often `fs.promises.realpath` resolves `file` while spied on. */
function countResolutions(file: string): () => number {
  let count = 0;
  const realpath = fsp.realpath.bind(fsp);
  vi.spyOn(fsp, 'realpath').mockImplementation(async (p, options) => {
    if (String(p) === file) count++;
    return realpath(p, options);
  });
  return () => count;
}

/** The mean red and blue of an encoded image. */
async function redBlue(body: Buffer): Promise<[number, number]> {
  const { channels } = await sharp(body).stats();
  return [Math.round(channels[0]!.mean), Math.round(channels[2]!.mean)];
}

describe.skipIf(process.platform === 'win32')("the project folder's real path, kept from the first read", () => {
  it('is resolved once for a source, not at every request', async () => {
    const s = await scene();
    const resolutions = countResolutions(s.source.root);
    await readMedia(s.source, 1, 'thumb'); // rendered and cached
    for (let k = 0; k < 5; k++) {
      expect((await readMedia(s.source, 1, 'thumb')).contentType).toBe('image/webp');
      expect((await readMedia(s.source, 1, 'full')).body.equals(s.blue)).toBe(true);
    }
    expect(resolutions()).toBe(1);
  });

  it('still refuses a link inside the folder that leads out of it, the thumbnail cached before', async () => {
    for (const swapped of ['file', 'folder'] as const) {
      const s = await scene();
      await readMedia(s.source, 1, 'thumb');
      await readMedia(s.source, 1, 'full');
      if (swapped === 'file') {
        fs.rmSync(path.join(s.folder, 'sub', 'cell.png'));
        fs.symlinkSync(path.join(s.outside, 'cell.png'), path.join(s.folder, 'sub', 'cell.png'));
      } else {
        fs.renameSync(path.join(s.folder, 'sub'), path.join(s.folder, 'sub-was'));
        fs.symlinkSync(s.outside, path.join(s.folder, 'sub'));
      }
      for (const variant of ['thumb', 'full'] as const) {
        const error = await appErrorOf(readMedia(s.source, 1, variant));
        expect(error.message, `${swapped}, ${variant}`).toMatch(/^Refused to read sub\/cell\.png: it leads outside the project folder/);
      }
    }
  });

  it('follows the folder moved while open (resolved again when a check fails), and says a folder gone is missing', async () => {
    const s = await scene();
    await readMedia(s.source, 1, 'thumb');
    const moved = path.join(s.base, 'project-moved');
    fs.renameSync(s.folder, moved);
    // Gone from where it was: missing, as before.
    const error = await appErrorOf(readMedia(s.source, 1, 'full'));
    expect(error.message).toMatch(/^The file sub\/cell\.png is missing from the project folder/);
    // Its path now a link to where it went: read there, the folder resolved again once.
    fs.symlinkSync(moved, s.folder);
    const resolutions = countResolutions(s.source.root);
    expect((await readMedia(s.source, 1, 'full')).body.equals(s.blue)).toBe(true);
    expect((await readMedia(s.source, 1, 'thumb')).contentType).toBe('image/webp');
    expect((await readMedia(s.source, 1, 'full')).body.equals(s.blue)).toBe(true);
    expect(resolutions()).toBe(1);
    // And a link inside the moved folder that leads out is refused there too.
    fs.rmSync(path.join(moved, 'sub', 'cell.png'));
    fs.symlinkSync(path.join(s.outside, 'cell.png'), path.join(moved, 'sub', 'cell.png'));
    expect((await appErrorOf(readMedia(s.source, 1, 'full'))).message).toMatch(/leads outside the project folder/);
  });

  it('a link on the folder\'s own path re-pointed to another copy: images still in the folder opened are read there', async () => {
    const s = await scene(true);
    expect((await readMedia(s.source, 1, 'full')).body.equals(s.blue)).toBe(true);
    const copy = path.join(s.base, 'copy');
    fs.mkdirSync(path.join(copy, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(copy, 'sub', 'cell.png'), s.red);
    fs.rmSync(s.source.root);
    fs.symlinkSync(copy, s.source.root);
    const [red, blue] = await redBlue((await readMedia(s.source, 1, 'full')).body);
    expect(red < blue).toBe(true);
    // Once gone from the folder opened, the image is read where the link leads now.
    fs.rmSync(path.join(s.folder, 'sub', 'cell.png'));
    expect((await readMedia(s.source, 1, 'full')).body.equals(s.red)).toBe(true);
  });
});
