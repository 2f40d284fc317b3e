/**
 * `adma extract` on a folder whose image is swapped for a link out of it (its class folder
 * replaced by a link to another folder holding a file of the same name) after the walk found it
 * and the hash's read checked it: the read refuses it, and the command names the file once, with
 * the reason in a few words, not the app's sentence (no "project folder", no "Rescan the project").
 * The swap happens in a stand-in for realpath, right after the check's own call resolves: no
 * sleep, no race.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runExtract } from '../../src-main/cli/extract-command';
import { ProgressLine } from '../../src-main/cli/progress-line';
import { appErrorOf } from '../support/error-of';
import { tempDir, writeImage } from '../support/image-folder';
import { swapAfterCheck } from '../support/swap-after-check';

afterEach(() => {
  vi.restoreAllMocks();
  syncBuiltinESMExports();
});

/** A ProgressLine writing into `lines` (not a terminal: one line per log). */
function progressInto(lines: string[]): ProgressLine {
  const stream = { isTTY: false, write: (text: string) => lines.push(...text.split('\n').filter((line) => line !== '')) };
  return new ProgressLine(stream as unknown as NodeJS.WriteStream);
}

describe.skipIf(process.platform === 'win32')('`adma extract` when an image is swapped for a link out of the folder after the walk', () => {
  it('skips it with the reason in a few words, the file named once', async () => {
    const folder = fs.realpathSync(tempDir());
    const outside = fs.realpathSync(tempDir('adma-outside-'));
    await writeImage(path.join(folder, 'ant', 'a.png'), 1);
    await writeImage(path.join(outside, 'a.png'), 2);
    swapAfterCheck(path.join(folder, 'ant', 'a.png'), () => {
      fs.renameSync(path.join(folder, 'ant'), path.join(folder, 'ant-was'));
      fs.symlinkSync(outside, path.join(folder, 'ant'));
    });
    const lines: string[] = [];
    const args = { folder, model: 'starter', layers: undefined, preprocessing: undefined, deep: false, batchSize: undefined, backend: 'cpu', signal: new AbortController().signal };
    // Its only image refused, the command stops before loading the model.
    const error = await appErrorOf(runExtract(args, progressInto(lines)));
    expect(error.message).toBe(`No images (jpg, png, webp, gif, tiff) found under ${folder}.`);
    const skipped = lines.filter((line) => line.startsWith('skipped '));
    expect(skipped).toEqual([`skipped ant/a.png: a symbolic link on its path leads outside the folder ${folder}`]);
  }, 120_000);
});
