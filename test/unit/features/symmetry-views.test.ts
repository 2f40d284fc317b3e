/**
 * The views of an image under the symmetries of the square: they agree with sharp's own turn and
 * mirror, keep every pixel value, form the group (four quarter turns and two mirrors are the
 * image again; the 8 views of an image with no symmetry are 8 different images), and a non-square
 * image has only the 4 views that keep its shape.
 */
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { otherViewsOfBatch, symmetryViews, viewOf } from '../../../src-main/engine/features/symmetry-views';

/** A height x width x channels image with no symmetry: every byte differs from its neighbours'. */
function asymmetric(height: number, width: number, channels: number, seed = 1): Uint8Array {
  const pixels = new Uint8Array(height * width * channels);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 37 + seed * 101 + ((i * i) % 13)) % 256;
  return pixels;
}

async function bySharp(pixels: Uint8Array, height: number, width: number, channels: 1 | 2 | 3 | 4, op: (image: Sharp) => Sharp): Promise<Uint8Array> {
  const { data } = await op(sharp(pixels, { raw: { width, height, channels } })).raw().toBuffer({ resolveWithObject: true });
  return new Uint8Array(data);
}

const key = (a: Uint8Array): string => Buffer.from(a).toString('base64');

describe('symmetry views', () => {
  it('view 1 is sharp\'s clockwise quarter turn, view 2 its half turn, view 4 its left-right mirror', async () => {
    const n = 7;
    const c = 3;
    const image = asymmetric(n, n, c);
    expect(viewOf(image, n, n, c, 1)).toEqual(await bySharp(image, n, n, c, (s) => s.rotate(90)));
    expect(viewOf(image, n, n, c, 2)).toEqual(await bySharp(image, n, n, c, (s) => s.rotate(180)));
    expect(viewOf(image, n, n, c, 3)).toEqual(await bySharp(image, n, n, c, (s) => s.rotate(270)));
    expect(viewOf(image, n, n, c, 4)).toEqual(await bySharp(image, n, n, c, (s) => s.flop()));
  });

  it('view 0 is the image; four quarter turns, or two mirrors, give the image back', () => {
    const [n, c] = [6, 3];
    const image = asymmetric(n, n, c);
    expect(viewOf(image, n, n, c, 0)).toEqual(image);
    let turned = image;
    for (let k = 0; k < 4; k++) turned = viewOf(turned, n, n, c, 1);
    expect(turned).toEqual(image);
    expect(viewOf(viewOf(image, n, n, c, 4), n, n, c, 4)).toEqual(image);
    // mirrored, then turned: view 5 is the mirror (view 4) turned a quarter (view 1)
    expect(viewOf(image, n, n, c, 5)).toEqual(viewOf(viewOf(image, n, n, c, 4), n, n, c, 1));
  });

  it('the 8 views of an image with no symmetry are 8 different images with the same bytes', () => {
    const [n, c] = [5, 1];
    const image = asymmetric(n, n, c);
    const views = symmetryViews(n, n).map((v) => viewOf(image, n, n, c, v));
    expect(new Set(views.map(key)).size).toBe(8);
    const sorted = (a: Uint8Array): number[] => Array.from(a).sort((x, y) => x - y);
    for (const view of views) expect(sorted(view)).toEqual(sorted(image));
  });

  it('a non-square image has the 4 views that keep its shape, as sharp makes them', async () => {
    const [h, w] = [4, 9];
    const c = 3;
    const image = asymmetric(h, w, c);
    expect(symmetryViews(h, w)).toEqual([0, 2, 4, 6]);
    expect(viewOf(image, h, w, c, 2)).toEqual(await bySharp(image, h, w, c, (s) => s.rotate(180)));
    expect(viewOf(image, h, w, c, 4)).toEqual(await bySharp(image, h, w, c, (s) => s.flop()));
    expect(viewOf(image, h, w, c, 6)).toEqual(await bySharp(image, h, w, c, (s) => s.flip()));
    expect(() => viewOf(image, h, w, c, 1)).toThrow(/has no view 1/);
    expect(() => viewOf(image.subarray(1), h, w, c, 0)).toThrow(/bytes/);
  });

  it('a batch gives every other view of each image, image by image', () => {
    const [n, c] = [4, 3];
    const images = [asymmetric(n, n, c, 1), asymmetric(n, n, c, 2)];
    const batch = new Uint8Array(2 * n * n * c);
    images.forEach((image, i) => batch.set(image, i * image.length));
    const { pixels, views } = otherViewsOfBatch(batch, 2, n, n, c);
    expect(views).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const size = n * n * c;
    images.forEach((image, i) =>
      views.forEach((view, k) => expect(pixels.subarray((i * 7 + k) * size, (i * 7 + k + 1) * size)).toEqual(viewOf(image, n, n, c, view))),
    );
  });
});
