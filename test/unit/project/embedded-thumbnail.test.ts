/**
 * The thumbnail a camera embeds in a JPEG's EXIF, served as the label view's first paint:
 * oriented as the image for all 8 EXIF orientations, padded bars cropped by the page, other
 * aspects rejected, and hostile files (truncated EXIF, offsets past the end, a thumbnail that
 * is not a JPEG, a huge length, an IFD loop) give what an image without one gives: no thumbnail,
 * no error, no hang.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acceptThumbnail, EXIF_READ_BYTES, readEmbeddedThumbnail } from '../../../src-main/media/embedded-thumbnail';
import { embeddedThumbnails, forgetEmbeddedThumbnails, readMedia } from '../../../src-main/media/image-media';
import { answerMedia } from '../../../src-main/media/media-request';
import { Project } from '../../../src-main/project/project';
import { cameraJpeg, cameraThumbnail, withExif } from '../../support/camera-jpeg';
import { tempDir } from '../../support/image-folder';
import { projectOfFiles } from '../../support/scanned-project';

const projects: Project[] = [];
beforeEach(() => forgetEmbeddedThumbnails());
afterEach(async () => {
  for (const p of projects.splice(0)) await p.close();
});

/** 300×200 as stored, a colour per quadrant: red, green / blue, white (clockwise from top left). */
const QUADRANTS = { tl: [230, 30, 30], tr: [30, 200, 30], bl: [30, 30, 230], br: [240, 240, 240] } as const;
function quadrants(width = 300, height = 200): Sharp {
  const [w, h] = [width / 2, height / 2];
  const rect = (x: number, y: number, [r, g, b]: readonly number[]) => `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="rgb(${r},${g},${b})"/>`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${rect(0, 0, QUADRANTS.tl)}${rect(w, 0, QUADRANTS.tr)}${rect(0, h, QUADRANTS.bl)}${rect(w, h, QUADRANTS.br)}</svg>`;
  return sharp(Buffer.from(svg));
}

/** The colours at the centres of the four quadrants of `image` as displayed (EXIF orientation applied), within its centred crop to `aspect` (width / height). */
async function quadrantColours(image: Buffer, aspect: number): Promise<number[][]> {
  const { data, info } = await sharp(image).rotate().raw().toBuffer({ resolveWithObject: true });
  // Centred crop to the aspect, as the page's `object-fit: cover` does.
  const cropW = Math.min(info.width, info.height * aspect);
  const cropH = Math.min(info.height, info.width / aspect);
  const x0 = (info.width - cropW) / 2;
  const y0 = (info.height - cropH) / 2;
  return [
    [0.25, 0.25],
    [0.75, 0.25],
    [0.25, 0.75],
    [0.75, 0.75],
  ].map(([fx, fy]) => {
    const x = Math.floor(x0 + fx! * cropW);
    const y = Math.floor(y0 + fy! * cropH);
    const at = (y * info.width + x) * info.channels;
    return [data[at]!, data[at + 1]!, data[at + 2]!];
  });
}

const close = (a: number[][], b: number[][]): boolean => a.every((px, i) => px.every((v, c) => Math.abs(v - b[i]![c]!) <= 40));


/** Offset of the 4-byte value of IFD entry `tag` (type LONG, count 1) in `file`, either byte order. */
function longTagValueOffset(file: Buffer, tag: number): number {
  const big = Buffer.from([tag >> 8, tag & 0xff, 0, 4, 0, 0, 0, 1]);
  const little = Buffer.from([tag & 0xff, tag >> 8, 4, 0, 1, 0, 0, 0]);
  const at = file.indexOf(big) >= 0 ? file.indexOf(big) : file.indexOf(little);
  expect(at).toBeGreaterThan(0);
  return at + 8;
}

function patchLong(file: Buffer, tag: number, value: number): Buffer {
  const out = Buffer.from(file);
  const at = longTagValueOffset(out, tag);
  // The byte order of the TIFF header ("MM" or "II") right after "Exif\0\0".
  const bigEndian = out.indexOf(Buffer.from('Exif\0\0MM', 'latin1')) >= 0;
  if (bigEndian) out.writeUInt32BE(value >>> 0, at);
  else out.writeUInt32LE(value >>> 0, at);
  return out;
}

/**
 * `file` (with an embedded thumbnail) with the thumbnail's bytes overwritten by `bytes`, zero
 * padded to its length (piexifjs embeds only JPEGs: the broken ones are written over a good one).
 */
function overwriteThumbnail(file: Buffer, bytes: Buffer): Buffer {
  const out = Buffer.from(file);
  const tiffStart = out.indexOf(Buffer.from('Exif\0\0', 'latin1')) + 6;
  const bigEndian = out[tiffStart] === 0x4d;
  const read = (tag: number) => (bigEndian ? out.readUInt32BE(longTagValueOffset(out, tag)) : out.readUInt32LE(longTagValueOffset(out, tag)));
  const start = tiffStart + read(JPEG_INTERCHANGE_FORMAT);
  const length = read(JPEG_INTERCHANGE_FORMAT_LENGTH);
  expect(out[start]).toBe(0xff);
  expect(bytes.length).toBeLessThanOrEqual(length);
  out.fill(0, start, start + length);
  bytes.copy(out, start);
  return out;
}

/** `file` with IFD0's pointer to the next IFD (IFD1, the thumbnail's) aimed back at IFD0. */
function ifdLoop(file: Buffer): Buffer {
  const out = Buffer.from(file);
  const tiffStart = out.indexOf(Buffer.from('Exif\0\0', 'latin1')) + 6;
  const bigEndian = out[tiffStart] === 0x4d;
  const ifd0 = tiffStart + (bigEndian ? out.readUInt32BE(tiffStart + 4) : out.readUInt32LE(tiffStart + 4));
  const entries = bigEndian ? out.readUInt16BE(ifd0) : out.readUInt16LE(ifd0);
  const next = ifd0 + 2 + 12 * entries;
  expect(bigEndian ? out.readUInt32BE(next) : out.readUInt32LE(next)).toBeGreaterThan(0);
  if (bigEndian) out.writeUInt32BE(ifd0 - tiffStart, next);
  else out.writeUInt32LE(ifd0 - tiffStart, next);
  return out;
}

const JPEG_INTERCHANGE_FORMAT = 0x0201;
const JPEG_INTERCHANGE_FORMAT_LENGTH = 0x0202;

describe('EXIF-embedded thumbnails', () => {
  it('serves the thumbnail oriented as the image, for all 8 orientations, its bars cropped by the centred crop', async () => {
    const files: Record<string, Buffer> = {};
    for (let orientation = 1; orientation <= 8; orientation++) files[`o${orientation}.jpg`] = await cameraJpeg(quadrants(), orientation);
    const { project, root, id } = await projectOfFiles(files, projects);
    for (let orientation = 1; orientation <= 8; orientation++) {
      const name = `o${orientation}.jpg`;
      const item = project.images.get(id(name));
      // The image as displayed: 300×200 turned by its orientation.
      expect([item.width, item.height]).toEqual(orientation >= 5 ? [200, 300] : [300, 200]);
      const served = await readMedia(project, item.id, 'embedded');
      expect(served.contentType).toBe('image/jpeg');
      const meta = await sharp(served.body).metadata();
      expect(meta.format).toBe('jpeg');
      expect(meta.orientation ?? 1).toBe(orientation);
      const aspect = item.width / item.height;
      const expected = await quadrantColours(fs.readFileSync(path.join(root, name)), aspect);
      const shown = await quadrantColours(served.body, aspect);
      expect(close(shown, expected), `orientation ${orientation}: ${JSON.stringify(shown)} vs ${JSON.stringify(expected)}`).toBe(true);
      // The padded 160×120 has black bars above and below a 3:2 image; the crop leaves none.
      const { data, info } = await sharp(served.body).rotate().raw().toBuffer({ resolveWithObject: true });
      const cropH = Math.min(info.height, info.width / aspect);
      const cropW = Math.min(info.width, info.height * aspect);
      const edge = (x: number, y: number) => data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3);
      const top = Math.ceil((info.height - cropH) / 2) + 1;
      const left = Math.ceil((info.width - cropW) / 2) + 1;
      expect(Math.max(...edge(Math.floor(info.width / 4), top))).toBeGreaterThan(60);
      expect(Math.max(...edge(left, Math.floor(info.height / 4)))).toBeGreaterThan(60);
    }
    // No time budget here (a loaded machine may spend 20 ms on the first file): every file is read.
    expect((await embeddedThumbnails(project, Object.keys(files).map(id), Infinity)).embedded).toEqual(Object.keys(files).map(id));
  });

  it('reads only the first bytes of the file: a large file cut after them still has its thumbnail', async () => {
    const whole = await cameraJpeg(sharp({ create: { width: 1800, height: 1200, channels: 3, background: '#446688', noise: { type: 'gaussian', mean: 128, sigma: 50 } } }), 1);
    expect(whole.length).toBeGreaterThan(EXIF_READ_BYTES * 2);
    const dir = tempDir();
    const file = path.join(dir, 'cut.jpg');
    fs.writeFileSync(file, whole.subarray(0, EXIF_READ_BYTES + 10));
    const thumb = await readEmbeddedThumbnail(file, { format: 'jpeg', width: 1800, height: 1200, orientation: 1 });
    expect(thumb).not.toBeNull();
    expect((await sharp(thumb!).metadata()).width).toBe(160);
  });

  it('takes a thumbnail in the image aspect ratio or padded to another by at most 26%, and rejects other aspects', async () => {
    const stored = quadrants(300, 200);
    const exact = await cameraThumbnail(stored, { pad: false }); // 160×107
    const main = { format: 'jpeg', width: 300, height: 200, orientation: 1 };
    expect(acceptThumbnail(exact, main)).not.toBeNull();
    expect(acceptThumbnail(await cameraThumbnail(stored), main)).not.toBeNull(); // 160×120 with bars
    // A 16:9 image padded into 4:3 (25%): kept; a square thumbnail of a 3:2 image (33%): rejected.
    expect(acceptThumbnail(await cameraThumbnail(quadrants(320, 180)), { ...main, width: 320, height: 180 })).not.toBeNull();
    expect(acceptThumbnail(await cameraThumbnail(stored, { box: { width: 120, height: 120 } }), main)).toBeNull();
    // A landscape thumbnail of a portrait image (orientation 1): another picture, rejected.
    expect(acceptThumbnail(exact, { ...main, width: 200, height: 300 })).toBeNull();
    // Not smaller than the image: rejected (what a reader falling back on the file's own start would give).
    expect(acceptThumbnail(exact, { ...main, width: 160, height: 107 })).toBeNull();
  });

  it('gives no thumbnail, no error and no hang for hostile files, and today\'s answers for everything else', async () => {
    const stored = quadrants();
    const plain = await stored.clone().jpeg({ quality: 88 }).toBuffer();
    const good = await cameraJpeg(stored, 1);
    const thumbStart = longTagValueOffset(good, JPEG_INTERCHANGE_FORMAT);
    const png = await stored.clone().resize(160, 107).png().toBuffer();
    const app1Length = good.readUInt16BE(good.indexOf(Buffer.from([0xff, 0xe1])) + 2);
    const files: Record<string, Buffer> = {
      'good.jpg': good,
      'no-exif.jpg': plain,
      'exif-without-thumbnail.jpg': withExif(plain, { orientation: 6 }),
      'png-thumbnail.jpg': overwriteThumbnail(good, png),
      'random-thumbnail.jpg': overwriteThumbnail(good, Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7919) % 251))),
      // A JPEG's start without its end (cut inside the thumbnail).
      'cut-thumbnail.jpg': overwriteThumbnail(good, (await cameraThumbnail(stored)).subarray(0, 600)),
      'offset-past-end.jpg': patchLong(good, JPEG_INTERCHANGE_FORMAT, 0x7fff0000),
      'offset-past-segment.jpg': patchLong(good, JPEG_INTERCHANGE_FORMAT, good.length),
      'huge-length.jpg': patchLong(good, JPEG_INTERCHANGE_FORMAT_LENGTH, 0xfffffff0),
      'zero-length.jpg': patchLong(good, JPEG_INTERCHANGE_FORMAT_LENGTH, 0),
      'offset-into-ifd0.jpg': patchLong(good, JPEG_INTERCHANGE_FORMAT, 8),
      // IFD0's next-IFD pointer (where IFD1 is) aimed at IFD0 itself: a loop.
      'ifd-loop.jpg': ifdLoop(good),
      // The file ends inside its EXIF segment.
      'truncated-exif.jpg': good.subarray(0, Math.min(good.length - 10, 30 + Math.floor(app1Length / 2))),
      'png-image.png': await stored.clone().png().toBuffer(),
    };
    expect(thumbStart).toBeGreaterThan(0);
    const { project, id } = await projectOfFiles(files, projects);
    const names = Object.keys(files).filter((name) => project.images.list({ kind: 'all' }, 0, 100).items.some((i) => i.relPath === name));
    // The truncated file may be refused by the scan (its end-of-data check); every other one is an image.
    expect(names.length).toBeGreaterThanOrEqual(Object.keys(files).length - 1);
    const ids = names.map(id);
    expect(await embeddedThumbnails(project, ids, Infinity)).toEqual({ embedded: [id('good.jpg')], unchecked: [] });
    for (const name of names) {
      if (name === 'good.jpg') continue;
      const answer = await answerMedia(project, `${id(name)}/embedded`);
      expect(answer.status, name).toBe(404);
      expect(String(answer.body)).toContain('no embedded thumbnail');
      // Today's behaviour otherwise: the gallery thumbnail is made from the image as before
      // (the truncated one by a lenient decode or refused: an answer either way, never a crash).
      const thumb = await answerMedia(project, `${id(name)}/thumb`);
      expect([200, 422], name).toContain(thumb.status);
    }
    expect((await answerMedia(project, `${id('good.jpg')}/embedded`)).status).toBe(200);
  });

  it('reads files only within its time budget; the others are unchecked, found when asked again', async () => {
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 3; i++) files[`c${i}.jpg`] = await cameraJpeg(quadrants(300 + i * 30, 200), 1);
    const { project, id } = await projectOfFiles(files, projects);
    const ids = Object.keys(files).map(id);
    expect(await embeddedThumbnails(project, ids, 0)).toEqual({ embedded: [], unchecked: ids });
    await readMedia(project, ids[1]!, 'embedded'); // found once: known from then on
    expect(await embeddedThumbnails(project, ids, 0)).toEqual({ embedded: [ids[1]], unchecked: [ids[0], ids[2]] });
    expect(await embeddedThumbnails(project, ids, Infinity)).toEqual({ embedded: ids, unchecked: [] });
  });
});
