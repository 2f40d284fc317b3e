/**
 * `adma extract` on a folder with files that are not readable images: each is skipped at the
 * scan with the app's words (the scan's probe), named once, and not counted among the images
 * found. It counted them ("found 325 images") and failed them later with the decoder's words
 * ("Input Buffer is empty", "VipsJpeg: premature end of JPEG image").
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { runExtract } from '../../src-main/cli/extract-command';
import { ProgressLine } from '../../src-main/cli/progress-line';
import { runTrain } from '../../src-main/cli/train-command';
import { appErrorOf } from '../support/error-of';
import { tempDir, writeImage } from '../support/image-folder';

/** A ProgressLine writing into `lines` (not a terminal: one line per log). */
function progressInto(lines: string[]): ProgressLine {
  const stream = { isTTY: false, write: (text: string) => lines.push(...text.split('\n').filter((line) => line !== '')) };
  return new ProgressLine(stream as unknown as NodeJS.WriteStream);
}

describe('`adma extract` on unreadable files', () => {
  it('skips an empty, a truncated and a not-an-image file with the scan’s words, and counts only the images', async () => {
    const folder = fs.realpathSync(tempDir());
    await writeImage(path.join(folder, 'good.png'), 1);
    await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 90, b: 30 } } }).jpeg().toFile(path.join(folder, 'whole.jpg'));
    const jpeg = fs.readFileSync(path.join(folder, 'whole.jpg'));
    fs.writeFileSync(path.join(folder, 'cut.jpg'), jpeg.subarray(0, Math.floor(jpeg.length / 2)));
    fs.writeFileSync(path.join(folder, 'empty.jpg'), Buffer.alloc(0));
    fs.writeFileSync(path.join(folder, 'notes.png'), 'these are my notes, not a picture\n');
    const lines: string[] = [];
    const args = { folder, model: 'starter', layers: undefined, preprocessing: undefined, deep: false, batchSize: undefined, backend: 'cpu', signal: new AbortController().signal };
    await runExtract(args, progressInto(lines));
    expect(lines.filter((line) => line.startsWith('skipped ')).sort()).toEqual([
      'skipped cut.jpg: truncated JPEG: the file ends before the image data does',
      'skipped empty.jpg: empty file (0 bytes)',
      'skipped notes.png: not an image: the contents are not a supported image format',
    ]);
    expect(lines).toContain('found 2 images (3 skipped)');
    expect(lines.some((line) => line.startsWith('failed '))).toBe(false);
    expect(lines.find((line) => line.startsWith('extracted '))).toMatch(/^extracted 2 images, 0 already cached, 0 failed/);

    // `adma train` on labels naming a skipped file says why it has no features, not to extract again.
    const labels = path.join(tempDir(), 'labels.csv');
    fs.writeFileSync(labels, 'good.png,a\nwhole.jpg,b\ncut.jpg,b\nlater.png,a\n');
    const error = await appErrorOf(runTrain({ folder, labels, mode: undefined, seed: undefined, epochs: undefined, fresh: false, symmetries: false, backend: 'cpu', signal: new AbortController().signal }, progressInto([])));
    expect(error.message).toBe(
      [
        "1 labelled image was left out by 'adma extract' (no features): mend or remove it, then train again:",
        '  line 3: cut.jpg: truncated JPEG: the file ends before the image data does',
        `1 labelled image is not among the extracted images of ${folder} (run 'adma extract' after adding images):`,
        '  line 4: later.png',
      ].join('\n'),
    );
  }, 120_000);
});
