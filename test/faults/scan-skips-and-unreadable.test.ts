/**
 * Issue 15.8 (files): formats the scan cannot index and symbolic links to folders are listed
 * with their reason (AVIF is read where sharp can); a file that became unreadable after the
 * scan is reported as what it is, not as "unsupported image format". Tests run as root, so
 * unreadability is injected: a file replaced by a folder, and a read that fails with EACCES.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeImage } from '../../src-main/engine/preprocess/decode-image';
import { Project } from '../../src-main/project/project';
import { tempDir, writeImage } from '../support/image-folder';

const projects: Project[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const p of projects.splice(0)) await p.close();
});

const TARGET = { width: 8, height: 8, channels: 3, resize: 'squash' } as const;

describe('the scan lists what it cannot index', () => {
  it('reads AVIF, and lists HEIC, SVG, BMP, DICOM, a microscope file and a symbolic link to a folder with their reasons', async () => {
    const root = tempDir();
    await writeImage(path.join(root, 'a.png'), 1);
    await sharp({ create: { width: 16, height: 12, channels: 3, background: '#336699' } }).avif().toFile(path.join(root, 'b.avif'));
    fs.writeFileSync(path.join(root, 'c.heic'), Buffer.from('....ftypheic........'));
    fs.writeFileSync(path.join(root, 'd.svg'), '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>');
    // A BMP (sharp has no loader for it), a DICOM file and a microscope file: named with what to do, not "not an image".
    const bmp = Buffer.alloc(58);
    bmp.write('BM', 0);
    bmp.writeUInt32LE(58, 2);
    bmp.writeUInt32LE(54, 10);
    bmp.writeUInt32LE(40, 14);
    bmp.writeInt32LE(1, 18);
    bmp.writeInt32LE(1, 22);
    bmp.writeUInt16LE(1, 26);
    bmp.writeUInt16LE(24, 28);
    fs.writeFileSync(path.join(root, 'e.bmp'), bmp);
    fs.writeFileSync(path.join(root, 'f.dcm'), Buffer.concat([Buffer.alloc(128), Buffer.from('DICM')]));
    fs.writeFileSync(path.join(root, 'g.czi'), Buffer.from('ZISRAWFILE'));
    const elsewhere = tempDir();
    await writeImage(path.join(elsewhere, 'x.png'), 2);
    fs.symlinkSync(elsewhere, path.join(root, 'linked-folder'));
    const project = Project.open(root, true);
    projects.push(project);
    const report = await project.rescan();
    expect(project.images.list({ kind: 'all' }, 0, 10).items.map((i) => [i.relPath, i.width, i.height])).toEqual([
      ['a.png', 48, 48],
      ['b.avif', 16, 12],
    ]);
    const reasons = Object.fromEntries(report.unreadable.map((u) => [u.relPath, u.reason]));
    expect(reasons).toEqual({
      'c.heic': expect.stringMatching(/HEIC photo: this build cannot decode HEVC images; convert it to JPEG/),
      'd.svg': expect.stringMatching(/vector drawing \(SVG\)/),
      'e.bmp': expect.stringMatching(/^BMP image: this build cannot decode BMP; convert it to PNG/),
      'f.dcm': expect.stringMatching(/^DICOM file: .* export the images from your DICOM viewer as PNG or 16-bit TIFF/),
      'g.czi': expect.stringMatching(/^microscope file \(Zeiss CZI\): .* export the images as TIFF/),
      'linked-folder/': expect.stringMatching(/symbolic link to a folder: not followed/),
    });
  });
});

describe('an image that became unreadable after the scan', () => {
  it('is reported as a folder when a folder took its place', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'a.png');
    fs.mkdirSync(file);
    await expect(decodeImage(file, TARGET)).rejects.toThrow(/Cannot read .*a\.png: a folder, not a file/);
  });

  it('is reported as permission denied, not as an unsupported format', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'a.png');
    await writeImage(file, 1);
    vi.spyOn(fsp, 'open').mockRejectedValueOnce(Object.assign(new Error(`EACCES: permission denied, open '${file}'`), { code: 'EACCES' }));
    const error = await decodeImage(file, TARGET).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/Cannot read .*a\.png: permission denied$/);
    expect((error as Error).message).not.toMatch(/unsupported image format/);
  });
});
