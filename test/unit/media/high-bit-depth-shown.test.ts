/**
 * A 12-bit image in a 16-bit file, wherever its pixels are decoded for the expert or the model:
 * the rendition, the thumbnail and the original re-encoded for the label view, and the perceptual
 * pass (its thumbnail codes and the gallery thumbnail it stores). Before, every one of them was
 * almost black (libvips's fixed 16-to-8-bit scale put 4095 at 15). The model's input:
 * test/integration/engine/preprocess.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { codesOfImage, perceptualCodes } from '../../../src-main/engine/features/difference-hash';
import { readMedia } from '../../../src-main/media/image-media';
import { thumbnailFile } from '../../../src-main/media/media-cache';
import { Project } from '../../../src-main/project/project';
import { deepTiff, sixteenBit, twelveBitGradient } from '../../support/high-bit-depth-images';
import { projectOfFiles } from '../../support/scanned-project';

const projects: Project[] = [];
afterEach(async () => {
  for (const p of projects.splice(0)) await p.close();
});

/** The darkest and brightest grey values of an encoded 8-bit image, and its depth. */
async function range(encoded: Buffer | Uint8Array): Promise<{ min: number; max: number; depth: string | undefined }> {
  const { depth } = await sharp(encoded).metadata();
  const data = await sharp(encoded).toColourspace('b-w').raw().toBuffer();
  return { min: data.reduce((a, b) => Math.min(a, b), 255), max: data.reduce((a, b) => Math.max(a, b), 0), depth };
}


describe('a 12-bit image in a 16-bit file, as the label view and the gallery show it', () => {
  it('has a rendition and a thumbnail spanning the display range, not 1/16 of it', async () => {
    // Larger than the 1280 rendition, so one is made.
    const tiff = await sixteenBit(twelveBitGradient(1600, 1200), 1600, 1200, 'tiff');
    const { project, id } = await projectOfFiles({ 'cells.tif': tiff }, projects, 'adma-16bit-');

    const rendition = await readMedia(project, id('cells.tif'), 'screen1280');
    expect(rendition.contentType).toBe('image/jpeg');
    const shown = await range(rendition.body);
    expect(shown.max).toBeGreaterThanOrEqual(250); // the old code: at most 16
    expect(shown.min).toBeLessThanOrEqual(5);
    expect((await sharp(rendition.body).metadata()).width).toBe(1280);

    const thumb = await readMedia(project, id('cells.tif'), 'thumb');
    expect((await range(thumb.body)).max).toBeGreaterThanOrEqual(250);

    // Zoomed past the rendition: the original, re-encoded at 8 bits, stretched the same way.
    const full = await readMedia(project, id('cells.tif'), 'full');
    expect(full.contentType).toBe('image/png');
    expect(await range(full.body)).toMatchObject({ depth: 'uchar', max: 255, min: 0 });
  });

  it('shows a float TIFF (values in 0..0.3, NaN here and there) and a 32-bit integer one stretched: rendition, thumbnail and zoom', async () => {
    const [width, height] = [1600, 1200];
    const float = Float32Array.from(twelveBitGradient(width, height), (v, i) => (i % 5003 === 0 ? NaN : (v / 4095) * 0.3));
    const int = Int32Array.from(twelveBitGradient(width, height), (v) => v * 100_000 - 200_000_000);
    const { project, id } = await projectOfFiles({ 'float.tif': deepTiff(float, width, height), 'int.tif': deepTiff(int, width, height) }, projects, 'adma-32bit-');
    for (const name of ['float.tif', 'int.tif']) {
      const rendition = await readMedia(project, id(name), 'screen1280');
      expect((await sharp(rendition.body).metadata()).width, name).toBe(1280);
      const shown = await range(rendition.body);
      expect(shown.min, name).toBeLessThanOrEqual(5);
      expect(shown.max, name).toBeGreaterThanOrEqual(250);
      expect((await range((await readMedia(project, id(name), 'thumb')).body)).max, name).toBeGreaterThanOrEqual(250);
      expect(await range((await readMedia(project, id(name), 'full')).body), name).toMatchObject({ depth: 'uchar', max: 255, min: 0 });
    }
  });

  it('serves a 16-bit PNG re-encoded at 8 bits, stretched (a browser would show its high bytes), an 8-bit one as its own bytes', async () => {
    const png16 = await sixteenBit(twelveBitGradient(300, 200), 300, 200, 'png');
    const png8 = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#204060' } }).png().toBuffer();
    const { project, id } = await projectOfFiles({ 'deep.png': png16, 'plain.png': png8 }, projects, 'adma-16bit-');

    const deep = await readMedia(project, id('deep.png'), 'full');
    expect(deep.contentType).toBe('image/png');
    expect(await range(deep.body)).toMatchObject({ depth: 'uchar', max: 255, min: 0 });
    // Smaller than every rendition: the label view asks for a rendition and gets the original.
    expect((await range((await readMedia(project, id('deep.png'), 'screen1280')).body)).max).toBe(255);

    expect((await readMedia(project, id('plain.png'), 'full')).body.equals(png8)).toBe(true);
  });

  it('gives perceptual codes and a stored gallery thumbnail from the stretched pixels', async () => {
    const png16 = await sixteenBit(twelveBitGradient(300, 200), 300, 200, 'png');
    const { project, root } = await projectOfFiles({ 'deep.png': png16 }, projects, 'adma-16bit-');
    const codes = await codesOfImage(png16);
    expect(Math.max(...codes.thumbnail)).toBeGreaterThanOrEqual(250);

    const [image] = project.images.list({ kind: 'all' }, 0, 10).items;
    const pass = await perceptualCodes(root, [{ hash: image!.hash, path: path.join(root, 'deep.png') }]);
    expect(Math.max(...(pass.thumbnails as Uint8Array))).toBeGreaterThanOrEqual(250); // inMemory, the default
    const stored = fs.readFileSync(thumbnailFile(project.adminDir, image!.hash, 'png'));
    expect((await range(stored)).max).toBeGreaterThanOrEqual(250);
  });
});
