/**
 * A file that cannot be read when a cache of an earlier decode of deep images is checked
 * (decodedOtherwiseAmong) may be one that decodes otherwise now: it was counted as clean, so
 * what the cache held of it survived under the new mark. It is said apart (`unreadable`), and the
 * caches forget it (extract-features.ts, difference-hash.ts): its next decode tries it again and
 * reports the failure as for any unreadable image.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { decodedOtherwiseAmong } from '../../../src-main/media/high-bit-depth';
import { sixteenBit, twelveBitGradient } from '../../support/high-bit-depth-images';
import { tempDir } from '../../support/image-folder';

const root = tempDir('adma-deep-unreadable-');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('decodedOtherwiseAmong and the files it cannot read', () => {
  it('says a gone file, a damaged TIFF and a path outside the folder unreadable, apart from those that decode otherwise; a file not read (JPEG) is in neither', async () => {
    const deep = path.join(root, 'deep.png');
    const plain = path.join(root, 'plain.png');
    const damaged = path.join(root, 'damaged.tif');
    fs.writeFileSync(deep, await sixteenBit(twelveBitGradient(16, 8), 16, 8, 'png'));
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } }).png().toFile(plain);
    // A TIFF's head does not tell its depth: the whole file is read, and these bytes are no image.
    fs.writeFileSync(damaged, Buffer.concat([Buffer.from('II*\0', 'latin1'), Buffer.alloc(60, 7)]));
    const outside = tempDir('adma-deep-outside-');
    const elsewhere = path.join(outside, 'elsewhere.png');
    fs.writeFileSync(elsewhere, await sixteenBit(twelveBitGradient(16, 8), 16, 8, 'png'));
    try {
      const found = await decodedOtherwiseAmong(
        [
          { hash: 'deep', path: deep },
          { hash: 'plain', path: plain, format: 'png' },
          { hash: 'gone', path: path.join(root, 'gone.png') },
          { hash: 'damaged', path: damaged, format: 'tiff' },
          { hash: 'elsewhere', path: elsewhere },
          // The scan read it as a JPEG: never deeper, so not read at all (gone or not).
          { hash: 'jpeg', path: path.join(root, 'gone.jpg'), format: 'jpeg' },
        ],
        0,
        root,
      );
      expect([...found.otherwise].sort()).toEqual(['deep']);
      expect([...found.unreadable].sort()).toEqual(['damaged', 'elsewhere', 'gone']);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('two files of one content, one of them gone: the one read tells for both (not unreadable)', async () => {
    const plain = path.join(root, 'twin.png');
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#406080' } }).png().toFile(plain);
    const found = await decodedOtherwiseAmong(
      [
        { hash: 'twin', path: path.join(root, 'twin-gone.png') },
        { hash: 'twin', path: plain },
      ],
      0,
      root,
    );
    expect([...found.otherwise]).toEqual([]);
    expect([...found.unreadable]).toEqual([]);
  });
});
