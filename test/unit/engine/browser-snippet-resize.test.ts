/**
 * The model card's browser snippet prepares an image's pixels as ADMA Studio does (decode-image.ts:
 * sharp, libvips): its resize (BROWSER_RESIZE) and, for a 1-channel model, its grey (BROWSER_GREY),
 * run here in Node as the plain JavaScript they are, on the RGB pixels a browser's fromPixels(image, 3)
 * gives of a PNG. The whole snippet runs in Chromium in onnx-export.test.ts (probabilities).
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage, type ResizeMode } from '../../../src-main/engine/preprocess/decode-image';
import { blockPng, RESIZE_SIZES } from '../../support/block-images';
import { browserSnippet, byteDifference } from '../../support/snippet-check';

const { resizeLikeSharp, greyLikeSharp } = browserSnippet();

/** The snippet's 224 x 224 input of `png` for a model of `channels`, as its predict() computes it. */
async function snippetInput(png: Buffer, resize: ResizeMode, channels: 1 | 3): Promise<Uint8Array> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const resized = resizeLikeSharp(new Uint8Array(data), info.width, info.height, 3, 224, 224, resize === 'center-crop');
  return channels === 1 ? greyLikeSharp(resized) : resized;
}

describe("the model card's browser snippet", () => {
  it('resizes as the app does when one axis is enlarged and the other shrunk or kept (squash 500 x 146: up to 110 off before), and on every other path', async () => {
    for (const [width, height] of RESIZE_SIZES) {
      const png = await blockPng(width, height);
      for (const resize of ['squash', 'center-crop'] as const) {
        const { max, mean } = byteDifference(await snippetInput(png, resize, 3), await decodeImage(png, { width: 224, height: 224, channels: 3, resize }));
        expect(max, `${width} x ${height} ${resize}: largest difference`).toBeLessThanOrEqual(3);
        expect(mean, `${width} x ${height} ${resize}: mean difference`).toBeLessThanOrEqual(0.35);
      }
    }
  });

  it('gives a 1-channel model the grey the app makes after its resize, not the red channel', async () => {
    for (const [width, height] of RESIZE_SIZES) {
      const png = await blockPng(width, height, 11);
      for (const resize of ['squash', 'center-crop'] as const) {
        const { max, mean } = byteDifference(await snippetInput(png, resize, 1), await decodeImage(png, { width: 224, height: 224, channels: 1, resize }));
        expect(max, `${width} x ${height} ${resize}: largest difference`).toBeLessThanOrEqual(3);
        expect(mean, `${width} x ${height} ${resize}: mean difference`).toBeLessThanOrEqual(0.35);
      }
    }
    // The grey itself, without a resize: libvips' to the byte; a grey image keeps its values.
    const png = await blockPng(224, 224, 5);
    const { data } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect(byteDifference(greyLikeSharp(new Uint8Array(data)), await decodeImage(png, { width: 224, height: 224, channels: 1, resize: 'squash' })).max).toBe(0);
    const ramp = Uint8Array.from({ length: 256 * 3 }, (_, i) => Math.floor(i / 3));
    expect(Array.from(greyLikeSharp(ramp))).toEqual(Array.from({ length: 256 }, (_, v) => v));
  });
});
