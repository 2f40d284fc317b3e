/**
 * The scan indexes regular files and skips symbolic links. What stands at an image's path when
 * it is read again (the probe of a rescan, the engine's decode, the gallery's embedded
 * thumbnail) is held to the same rule: a FIFO put in its place is refused at once (the old
 * probe's readFileSync waited for a writer and froze the host's main thread), and a link is not
 * followed out of the project (user-file.ts, "A project's images").
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeImage } from '../../../src-main/engine/preprocess/decode-image';
import { readEmbeddedThumbnail } from '../../../src-main/media/embedded-thumbnail';
import { probeImage, UnreadableImage } from '../../../src-main/project/image-files';
import { appErrorOf } from '../../support/error-of';
import { canMakeFifo, fifoWithLateWriter } from '../../support/fifo';
import { tempDir, writeImage } from '../../support/image-folder';

const writers: ChildProcess[] = [];
afterEach(() => {
  for (const w of writers.splice(0)) w.kill('SIGKILL');
});

async function probeRefusal(file: string, size: number): Promise<string> {
  const error = await probeImage(file, size).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UnreadableImage);
  return (error as Error).message;
}

const target = { height: 8, width: 8, channels: 3, resize: 'center-crop' } as const;

describe.skipIf(!canMakeFifo)('an image swapped for a FIFO after the scan', () => {
  it('is refused by the probe at once, read either way (small files synchronously, large ones not)', async () => {
    const file = fifoWithLateWriter(path.join(tempDir(), 'cell.jpg'), writers);
    expect(await probeRefusal(file, 50_000)).toBe('a named pipe (FIFO) now stands in its place, not an image file');
    expect(await probeRefusal(file, 50_000_000)).toBe('a named pipe (FIFO) now stands in its place, not an image file');
  });

  it('is refused by the decode, and is no embedded thumbnail', async () => {
    const file = fifoWithLateWriter(path.join(tempDir(), 'cell.jpg'), writers);
    const error = await appErrorOf(decodeImage(file, target));
    expect(error.code).toBe('IMAGE_INVALID');
    expect(error.message).toBe(`Cannot read ${file}: a named pipe (FIFO) now stands in its place, not an image file`);
    expect(await readEmbeddedThumbnail(file, { format: 'jpeg', width: 640, height: 480, orientation: 1 })).toBeNull();
  });
});

describe.skipIf(process.platform === 'win32')('an image swapped for a symbolic link after the scan', () => {
  it('is not followed by the probe or the decode', async () => {
    const outside = path.join(tempDir('adma-outside-'), 'private.png');
    await writeImage(outside, 1);
    const link = path.join(tempDir(), 'cell.png');
    fs.symlinkSync(outside, link);
    expect(await probeRefusal(link, 1000)).toBe('a symbolic link now stands in its place (links are not followed)');
    expect(await probeRefusal(link, 50_000_000)).toBe('a symbolic link now stands in its place (links are not followed)');
    expect((await appErrorOf(decodeImage(link, target))).message).toBe(`Cannot read ${link}: a symbolic link now stands in its place (links are not followed)`);
    // The same file read at its own path is an image.
    expect((await probeImage(outside, 1000)).format).toBe('png');
    expect(await decodeImage(outside, target)).toHaveLength(8 * 8 * 3);
  });
});

describe.skipIf(process.platform === 'win32')('a folder of images swapped for a symbolic link out of the project after the scan', () => {
  it('is not read by the decode given the project folder (the engine\'s), which names the image and says what to do', async () => {
    const root = tempDir();
    const outside = tempDir('adma-outside-');
    await writeImage(path.join(outside, 'cell.png'), 1);
    fs.symlinkSync(outside, path.join(root, 'sub'));
    const file = path.join(root, 'sub', 'cell.png');
    const error = await appErrorOf(decodeImage(file, target, root));
    expect(error.message).toBe(
      'Refused to read sub/cell.png: it leads outside the project folder (a symbolic link on its path points elsewhere), and ADMA Studio reads nothing outside the folder you chose. Replace the link with the file or folder itself, then rescan the project.',
    );
    // A path not below the folder at all is refused too, as what it is: no link is involved.
    const given = path.join(outside, 'cell.png');
    const notBelow = await appErrorOf(decodeImage(given, target, root));
    expect(notBelow.message).toBe(
      `Refused to read ${given}: it is not in the project folder ${root}, and ADMA Studio reads nothing outside the folder you chose. Move or copy the file into the folder, then rescan the project.`,
    );
    expect(notBelow.message).not.toMatch(/link/);
    // The open alone (no link in the file's place) would have followed the folder's link.
    expect(await decodeImage(file, target)).toHaveLength(8 * 8 * 3);
  });
});
