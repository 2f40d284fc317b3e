/**
 * A project image swapped for a symbolic link to a file outside the project folder (the folder
 * may be shared or synced) after the media server checked that it lies inside (resolveInside's
 * realpath) and before it is read or decoded: the outside file's bytes are never served, as the
 * original, a thumbnail or the embedded thumbnail. The swap happens in a stand-in for realpath,
 * right after the check's own call resolves: no sleep, no race.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { forgetEmbeddedThumbnails, readMedia, type MediaSource } from '../../../src-main/media/image-media';
import { thumbnailFile } from '../../../src-main/media/media-cache';
import { appErrorOf } from '../../support/error-of';
import { cameraJpeg } from '../../support/camera-jpeg';
import { tempDir } from '../../support/image-folder';
import { swapAfterCheck } from '../../support/swap-after-check';

beforeEach(() => forgetEmbeddedThumbnails());
afterEach(() => {
  vi.restoreAllMocks();
  syncBuiltinESMExports();
});

const picture = (background: string) => sharp({ create: { width: 600, height: 400, channels: 3, background } });

interface Scene {
  source: MediaSource;
  /** The image's path as the check resolves it. */
  checked: string;
  outsideBytes: Buffer;
  swapFile: () => void;
  swapFolder: () => void;
}

let hashes = 0;

/** A project with `sub/cell.jpg` (blue) and, outside it, a folder with a `cell.jpg` of its own (red), both with an embedded thumbnail. */
async function scene(): Promise<Scene> {
  const root = fs.realpathSync(tempDir());
  const outside = fs.realpathSync(tempDir('adma-outside-'));
  fs.mkdirSync(path.join(root, 'sub'));
  const checked = path.join(root, 'sub', 'cell.jpg');
  fs.writeFileSync(checked, await cameraJpeg(picture('#2040c0')));
  const outsideBytes = await cameraJpeg(picture('#e02020'));
  fs.writeFileSync(path.join(outside, 'cell.jpg'), outsideBytes);
  const hash = `h${++hashes}`;
  return {
    source: { root, adminDir: path.join(root, '.adma'), locate: () => ({ relPath: 'sub/cell.jpg', hash, format: 'jpeg', orientation: 1, width: 600, height: 400 }) },
    checked,
    outsideBytes,
    swapFile: () => {
      fs.rmSync(checked);
      fs.symlinkSync(path.join(outside, 'cell.jpg'), checked);
    },
    swapFolder: () => {
      fs.renameSync(path.join(root, 'sub'), path.join(root, 'sub-was'));
      fs.symlinkSync(outside, path.join(root, 'sub'));
    },
  };
}

/** The mean red and blue of an encoded image. */
async function redBlue(body: Buffer): Promise<[number, number]> {
  const { channels } = await sharp(body).stats();
  return [Math.round(channels[0]!.mean), Math.round(channels[2]!.mean)];
}

/*
 * The resolutions of the image's path a request makes, in order: a thumbnail is checked before it
 * is answered (from the cache or not), then its render reads the original (readInside: resolved
 * before the open; where the descriptor cannot say its file's path (no /proc: macOS, Windows),
 * again after the open, against the descriptor); the original ('full') is only read. The swap
 * after each one is refused by the resolution that follows (it leads outside), by the open (a link
 * in the file's place is not followed), or by the confirm of the file opened (on Linux the
 * descriptor's path, not the one checked; elsewhere another file stands at the path now).
 */
const RESOLUTIONS = {
  proc: { full: ['pre-open'], thumb: ['check', 'pre-open'] },
  path: { full: ['pre-open', 'post-open'], thumb: ['check', 'pre-open', 'post-open'] },
} as const;

/** How this run confirms the file opened: by the descriptor's /proc link (Linux), or by its path again (where /proc is not). */
const CONFIRMS = process.platform === 'linux' ? (['proc', 'path'] as const) : (['path'] as const);

/** Read the descriptor's path as a system without /proc would: not at all. */
function withoutProc(): void {
  const readlinkSync = fs.readlinkSync.bind(fs);
  vi.spyOn(fs, 'readlinkSync').mockImplementation(((p: fs.PathLike, options?: fs.EncodingOption) => {
    if (String(p).startsWith('/proc/')) throw Object.assign(new Error(`ENOENT: no such file or directory, readlink '${String(p)}'`), { code: 'ENOENT' });
    return readlinkSync(p, options);
  }) as typeof fs.readlinkSync);
  syncBuiltinESMExports();
}

function refusal(after: 'check' | 'pre-open' | 'post-open', swapped: 'file' | 'folder'): RegExp {
  if (after === 'check' || (after === 'pre-open' && swapped === 'folder')) return /^Refused to read sub\/cell\.jpg: it leads outside the project folder/;
  if (after === 'pre-open') return /^Cannot read sub\/cell\.jpg: a symbolic link now stands in its place .*Nothing outside the project folder was read/;
  return /^Refused to read sub\/cell\.jpg: it changed while it was being opened .*Nothing outside the project folder was read/;
}

describe.skipIf(process.platform === 'win32')('an image swapped for a link out of the project between the check and the read', () => {
  for (const confirm of CONFIRMS) {
    for (const swapped of ['file', 'folder'] as const) {
      it(`(the ${swapped === 'file' ? 'file itself' : 'folder holding it'}; confirmed by ${confirm === 'proc' ? "the descriptor's /proc link" : 'the path again'}) serves neither the original nor a thumbnail of the outside file`, async () => {
        for (const variant of ['full', 'thumb'] as const) {
          for (const [k, after] of RESOLUTIONS[confirm][variant].entries()) {
            const nth = k + 1;
            const s = await scene();
            if (confirm === 'path') withoutProc();
            swapAfterCheck(s.checked, swapped === 'file' ? s.swapFile : s.swapFolder, nth);
            const answer = await readMedia(s.source, 1, variant).then(
              (media) => media.body,
              (error: unknown) => error,
            );
            vi.restoreAllMocks();
            syncBuiltinESMExports();
            if (Buffer.isBuffer(answer)) {
              expect(answer.equals(s.outsideBytes), `${variant}: the outside file's bytes were served`).toBe(false);
              const [red, blue] = await redBlue(answer);
              expect(red < blue, `${variant}: a picture of the outside file was served`).toBe(true);
            }
            const error = await appErrorOf(Promise.reject(answer as Error));
            expect(error.message, `${variant}, swapped after its ${after} resolution`).toMatch(refusal(after, swapped));
            // Nothing made from the outside file was cached either.
            expect(fs.existsSync(thumbnailFile(s.source.adminDir, s.source.locate(1).hash, s.source.locate(1).format))).toBe(false);
          }
        }
      });
    }
  }

  for (const confirm of CONFIRMS) {
    it(`resolves the path only as often as those checks need (confirmed by ${confirm === 'proc' ? "the descriptor's /proc link" : 'the path again'}): the original ${RESOLUTIONS[confirm].full.length}, a thumbnail once from the cache, ${RESOLUTIONS[confirm].thumb.length} when rendered`, async () => {
      const s = await scene();
      if (confirm === 'path') withoutProc();
      let resolutions = 0;
      const realpath = fsp.realpath.bind(fsp);
      vi.spyOn(fsp, 'realpath').mockImplementation(async (p, options) => {
        if (String(p) === s.checked) resolutions++;
        return realpath(p, options);
      });
      const count = async (variant: 'full' | 'thumb'): Promise<number> => {
        resolutions = 0;
        await readMedia(s.source, 1, variant);
        return resolutions;
      };
      expect(await count('full')).toBe(RESOLUTIONS[confirm].full.length);
      expect(await count('thumb')).toBe(RESOLUTIONS[confirm].thumb.length);
      expect(await count('thumb')).toBe(1); // cached now: the check before the answer only
    });
  }

  it("(a folder on its path) serves no embedded thumbnail of the outside file", async () => {
    const s = await scene();
    // Before the swap, the project's own image has one (blue).
    const own = await readMedia(s.source, 1, 'embedded');
    const [red, blue] = await redBlue(own.body);
    expect(red < blue).toBe(true);
    forgetEmbeddedThumbnails();

    swapAfterCheck(s.checked, s.swapFolder);
    const error = await appErrorOf(readMedia(s.source, 1, 'embedded'));
    expect(error.message).toContain('sub/cell.jpg');
    expect(error.message).toMatch(/outside the project folder/);
  });
});
