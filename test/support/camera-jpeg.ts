/**
 * Camera-like JPEGs for the tests and the keypress benchmark: an image with the thumbnail a
 * camera embeds in its EXIF (IFD1, made here with piexifjs), by default 160×120 with black bars
 * where the image's aspect ratio differs, as many cameras store it, and an EXIF orientation.
 * `stored` pixels are the image as the file stores it (before its orientation is applied).
 */
import piexif from 'piexifjs';
import type { Sharp } from 'sharp';

export const CAMERA_THUMB = { width: 160, height: 120 } as const;

/** A camera's thumbnail of `stored`: fitted inside `box` and padded to it with black bars (`pad`), or just fitted. */
export async function cameraThumbnail(stored: Sharp, { box = CAMERA_THUMB, pad = true, quality = 80 }: { box?: { width: number; height: number }; pad?: boolean; quality?: number } = {}): Promise<Buffer> {
  return stored
    .clone()
    .resize(box.width, box.height, { fit: pad ? 'contain' : 'inside', background: '#000000' })
    .flatten({ background: '#000000' })
    .jpeg({ quality })
    .toBuffer();
}

/**
 * `jpeg` with an EXIF segment naming `orientation` in IFD0 and, when given, `thumbnail`'s bytes as
 * its IFD1 thumbnail (any bytes: the tests embed broken ones too).
 */
export function withExif(jpeg: Buffer, { orientation = 1, thumbnail }: { orientation?: number; thumbnail?: Buffer | null }): Buffer {
  const exif = piexif.dump({
    '0th': { [piexif.ImageIFD.Orientation]: orientation, [piexif.ImageIFD.Make]: 'ADMA test camera' },
    ...(thumbnail ? { '1st': { [piexif.ImageIFD.Compression]: 6 }, thumbnail: thumbnail.toString('latin1') } : {}),
  });
  return Buffer.from(piexif.insert(exif, jpeg.toString('latin1')), 'latin1');
}

/** A camera-like JPEG of `stored` (quality 88) with its padded 160×120 thumbnail and `orientation`. */
export async function cameraJpeg(stored: Sharp, orientation = 1, options: { withThumbnail?: boolean } = {}): Promise<Buffer> {
  const jpeg = await stored.clone().jpeg({ quality: 88 }).toBuffer();
  return withExif(jpeg, { orientation, thumbnail: options.withThumbnail === false ? null : await cameraThumbnail(stored) });
}
