/**
 * Writes labelled grayscale images as individual PNG files, in one of two layouts:
 * `flat` puts every file directly in the destination (a class-less folder for a project
 * to label), `image-folder` puts each in a sub-folder named after its label (the layout
 * the simulator reads ground truth from).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GrayImage } from './gray-image';
import { encodeGrayPng } from './gray-png';

export type ImageFileLayout = 'flat' | 'image-folder';

export interface LabelledImage {
  /** File name, e.g. `digit-0001.png`. */
  file: string;
  /** Class name; also the sub-folder name in the `image-folder` layout. */
  label: string;
  image: GrayImage;
}

export interface WrittenImage {
  /** Path relative to the destination folder, with forward slashes. */
  path: string;
  label: string;
}

function assertSafeName(name: string, what: string): void {
  if (name === '' || name === '.' || name === '..' || /[/\\:*?"<>|\0]/.test(name)) {
    throw new Error(`${what} "${name}" cannot be used as a file or folder name.`);
  }
}

export async function writeLabelledImages(dest: string, images: readonly LabelledImage[], layout: ImageFileLayout): Promise<WrittenImage[]> {
  await mkdir(dest, { recursive: true });
  const written: WrittenImage[] = [];
  const made = new Set<string>();
  for (const item of images) {
    assertSafeName(item.file, 'Image file');
    let path = item.file;
    if (layout === 'image-folder') {
      assertSafeName(item.label, 'Label');
      if (!made.has(item.label)) {
        await mkdir(join(dest, item.label), { recursive: true });
        made.add(item.label);
      }
      path = `${item.label}/${item.file}`;
    }
    await writeFile(join(dest, path), await encodeGrayPng(item.image));
    written.push({ path, label: item.label });
  }
  return written;
}
